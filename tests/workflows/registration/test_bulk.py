"""Registering many models from an Excel sheet: all or nothing, every problem named by row and column."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from recognition.models import AuditAction, AuditEvent, CampaignQuota, MovementModel, UnitKind
from tests.workflows.api_support import api_for
from workflows.registration_import import COLUMNS, ImportProblems, registrations_import

pytestmark = pytest.mark.django_db

HEADERS = [str(column.header) for column in COLUMNS]


def row(unit: str, name: str, **overrides) -> list:
    values = {
        "unit": unit,
        "field": "kinh-te",
        "kind": "Mô hình",
        "collective_kind": "Tập thể",
        "name": name,
        "situation": "Nhiều hộ khó khăn.",
        "objectives": "Hỗ trợ 50 hộ.",
        "content_and_method": "Góp vốn xoay vòng.",
        "scope": "Khu vực 3.",
        "forces": "Chi hội phụ nữ chủ trì.",
        "budget_vnd": 5000000,
        "work_days": 120,
        "private_contribution_vnd": None,
        "starts_on": datetime.datetime(2026, 1, 15),
        "milestones": "",
        "self_evaluation_on": "30/06/2026",
        "outputs": "Sổ theo dõi.",
        "sustainability": "Duy trì hằng năm.",
        "contact_name": "Trần Văn Bình",
        "contact_phone": "0292 3821 111",
        "confirm_duplicate": "",
    }
    values.update(overrides)
    return [values[column.key] for column in COLUMNS]


def workbook(*rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("dang-ky.xlsx", buffer.getvalue())


def test_every_row_is_registered_through_the_service(world, behalf):
    registered = registrations_import(
        submitted_by=world.commune_standing_body,
        campaign=world.campaign,
        workbook_file=workbook(
            row("Khu vực 3", "Phụ nữ tiết kiệm góp vốn xoay vòng"),
            row(str(behalf.residential.pk), "Camera an ninh khu dân cư", field="Quốc phòng - an ninh"),
        ),
    )
    assert [(m.name, m.unit, m.field.code, m.registered_on_behalf) for m in registered] == [
        ("Phụ nữ tiết kiệm góp vốn xoay vòng", behalf.residential, "kinh-te", True),
        ("Camera an ninh khu dân cư", behalf.residential, "quoc-phong-an-ninh", True),
    ]
    assert (registered[0].starts_on, registered[0].self_evaluation_on, registered[0].budget_vnd) == (
        datetime.date(2026, 1, 15),
        datetime.date(2026, 6, 30),
        5000000,
    )
    assert AuditEvent.objects.filter(action=AuditAction.MODEL_REGISTERED).count() == 2
    assert all(model.process.pk for model in registered)


def test_one_bad_row_registers_nothing_and_names_row_and_column(world, behalf):
    with pytest.raises(ImportProblems) as refused:
        registrations_import(
            submitted_by=world.commune_standing_body,
            campaign=world.campaign,
            workbook_file=workbook(
                row("Khu vực 3", "Phụ nữ tiết kiệm góp vốn xoay vòng"),
                row("Khu vực 3", "Camera an ninh khu dân cư", kind="Phong trào", starts_on="32/13/2026"),
                row("Ấp Nhơn Lộc", "Tiếng kẻng an ninh"),
            ),
        )
    assert refused.value.problems == [
        "Dòng 3, cột “Loại (Mô hình / Điển hình)”: Hãy chọn một lựa chọn hợp lệ. Phong trào không phải là một "
        "trong các lựa chọn khả thi.",
        "Dòng 3, cột “8a. Ngày bắt đầu (dd/mm/yyyy)”: Nhập một ngày hợp lệ.",
        "Dòng 4, cột “Đơn vị (mã số hoặc tên, có thể ghi “Cấp trên / Đơn vị”)”: không tìm thấy đơn vị "
        "“Ấp Nhơn Lộc” trong phạm vi bạn được đăng ký.",
    ]
    assert MovementModel.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.MODEL_REGISTERED).count() == 0


def test_a_refusal_by_the_service_rolls_back_the_rows_before_it(world, behalf):
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.RESIDENTIAL_AREA, maximum=1)
    with pytest.raises(ImportProblems) as refused:
        registrations_import(
            submitted_by=world.commune_standing_body,
            campaign=world.campaign,
            workbook_file=workbook(
                row("Đảng ủy phường Ninh Kiều / Khu vực 3", "Phụ nữ tiết kiệm góp vốn xoay vòng"),
                row("Khu vực 3", "Camera an ninh khu dân cư"),
            ),
        )
    assert refused.value.problems == [
        "Dòng 3, cột “Đơn vị (mã số hoặc tên, có thể ghi “Cấp trên / Đơn vị”)”: Đơn vị Khu vực 3 đã đăng ký 1/1 "
        "mô hình trong đợt này."
    ]
    assert MovementModel.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.MODEL_REGISTERED).count() == 0


def test_a_duplicate_within_the_sheet_must_be_confirmed(world, behalf):
    with pytest.raises(ImportProblems) as refused:
        registrations_import(
            submitted_by=world.submitter,
            campaign=world.campaign,
            workbook_file=workbook(
                row("Hội LHPN phường Ninh Kiều", "Hũ gạo tình thương"),
                row("Hội LHPN phường Ninh Kiều", "Hu gao tinh thuong"),
            ),
        )
    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith(
        "Dòng 3, cột “Xác nhận không trùng (ghi “có” nếu tên gần giống mô hình đã đăng ký)”: Tên mô hình rất gần"
    )
    assert MovementModel.objects.count() == 0
    registered = registrations_import(
        submitted_by=world.submitter,
        campaign=world.campaign,
        workbook_file=workbook(
            row("Hội LHPN phường Ninh Kiều", "Hũ gạo tình thương"),
            row("Hội LHPN phường Ninh Kiều", "Hu gao tinh thuong", confirm_duplicate="có"),
        ),
    )
    assert [model.registered_on_behalf for model in registered] == [False, False]


def test_a_file_that_is_not_excel_is_refused(world):
    with pytest.raises(ImportProblems) as refused:
        registrations_import(
            submitted_by=world.submitter,
            campaign=world.campaign,
            workbook_file=SimpleUploadedFile("dang-ky.xlsx", b"not a workbook"),
        )
    assert refused.value.problems == ["Không đọc được tệp: hãy dùng tệp Excel (.xlsx) theo mẫu tải về."]


def test_template_lists_columns_and_the_units_of_the_scope(client, world, behalf):
    client.force_login(world.commune_standing_body)
    response = client.get("/models/register/bulk/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert [cell.value for cell in book["Đăng ký"][1]] == HEADERS
    assert [(r[0].value, r[1].value) for r in book["Đơn vị"].iter_rows(min_row=2)] == [
        (behalf.residential.pk, "Thành ủy Cần Thơ / Đảng ủy phường Ninh Kiều / Khu vực 3")
    ]


def test_page_lists_the_problems_and_registers_a_good_sheet(client, world, behalf):
    client.force_login(world.commune_standing_body)
    assert client.get("/models/register/bulk/").status_code == 200
    bad = client.post(
        "/models/register/bulk/",
        {"campaign": world.campaign.pk, "workbook": workbook(row("Khu vực 3", ""))},
    )
    assert bad.status_code == 400
    assert bad.context["problems"] == ["Dòng 2, cột “1. Tên mô hình, điển hình”: Trường này là bắt buộc."]
    assert MovementModel.objects.count() == 0
    good = client.post(
        "/models/register/bulk/",
        {"campaign": world.campaign.pk, "workbook": workbook(row("Khu vực 3", "Nuôi cá lồng"))},
    )
    assert (good.status_code, good["Location"]) == (302, "/models/")
    assert list(MovementModel.objects.values_list("name", flat=True)) == ["Nuôi cá lồng"]


def test_page_and_api_refuse_a_user_without_a_registering_right(client, world):
    client.force_login(world.survey_team)
    assert client.get("/models/register/bulk/").status_code == 403
    assert client.get("/models/register/bulk/template.xlsx").status_code == 403
    response = api_for(world.survey_team).post(
        "/api/v1/registrations/bulk/", {"campaign": world.campaign.pk, "workbook": workbook()}, format="multipart"
    )
    assert response.status_code == 403


def test_api_imports_all_or_nothing(world, behalf):
    client = api_for(world.commune_standing_body)
    bad = client.post(
        "/api/v1/registrations/bulk/",
        {"campaign": world.campaign.pk, "workbook": workbook(row("Khu vực 3", "Nuôi cá lồng", field="thể thao"))},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "non_field_errors": [
            "Dòng 2, cột “Lĩnh vực (mã hoặc tên)”: Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một "
            "trong các lựa chọn khả thi."
        ]
    }
    good = client.post(
        "/api/v1/registrations/bulk/",
        {"campaign": world.campaign.pk, "workbook": workbook(row("Khu vực 3", "Nuôi cá lồng"))},
        format="multipart",
    )
    assert good.status_code == 201
    assert good.json() == {"registered": [MovementModel.objects.get().pk]}
    template = client.get("/api/v1/registrations/bulk/template/")
    assert template.status_code == 200
    assert template["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
