"""Registering a model for the submitter's unit, and revising a returned dossier."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from recognition.models import MovementModel
from recognition.roles import Role
from recognition.services.registration import dossier_snapshot, model_register, model_revise
from tests.factories import CampaignFactory, FieldFactory, MovementModelFactory, UnitFactory, user_with_role

from .conftest import audit_trail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 3, 10), tick=False):
        yield


@pytest.fixture
def campaign():
    return CampaignFactory(year=2026, registration_opens_on=date(2026, 3, 10), registration_closes_on=date(2026, 3, 10))


@pytest.fixture
def submitter(campaign):
    unit = UnitFactory(parent=campaign.organising_unit)
    return user_with_role(role=Role.UNIT_SUBMITTER, unit=unit, username="donvi")


def dossier(**overrides) -> dict:
    return {
        "name": "Hũ gạo tình thương",
        "field": FieldFactory(),
        "kind": "model",
        "collective_kind": "collective",
        "contact_name": "Nguyễn Thị Lan",
        "contact_phone": "0292 3821 000",
        "situation": "Nhiều hộ khó khăn.",
        "objectives": "Hỗ trợ 50 hộ.",
        "content_and_method": "Góp gạo mỗi tuần.",
        "scope": "Khu vực 1.",
        "forces": "Hội Phụ nữ.",
        "starts_on": date(2026, 1, 15),
        "outputs": "Sổ theo dõi.",
        "sustainability": "Đóng góp tự nguyện.",
        **overrides,
    }


def test_a_model_is_registered_for_the_submitters_unit_on_the_last_open_day(campaign, submitter):
    data = dossier(budget_vnd=5_000_000)
    model = model_register(submitted_by=submitter, campaign=campaign, data=data)
    assert (model.unit, model.campaign, model.submitted_by, model.stage) == (
        submitter.unit,
        campaign,
        submitter,
        "registered",
    )
    [(action, actor, reason, payload)] = audit_trail(model)
    assert (action, actor, reason) == ("model_registered", "donvi", "")
    assert payload["campaign"] == campaign.pk
    assert payload["unit"] == submitter.unit_id
    assert payload["attachments"] == []
    assert payload["dossier"]["field"] == data["field"].pk
    assert payload["dossier"]["starts_on"] == "2026-01-15"
    assert payload["dossier"]["budget_vnd"] == 5_000_000
    assert payload["dossier"]["self_evaluation_on"] is None
    assert payload["dossier"] == dossier_snapshot(model)


def test_a_user_without_the_submitter_role_cannot_register(campaign):
    chair = user_with_role(role=Role.CHAIR, unit=UnitFactory(parent=campaign.organising_unit))
    with pytest.raises(PermissionDenied) as error:
        model_register(submitted_by=chair, campaign=campaign, data=dossier())
    assert str(error.value) == "Bạn không có quyền đăng ký mô hình cho đơn vị."
    assert MovementModel.objects.count() == 0


def test_a_submitter_without_a_unit_cannot_register(campaign):
    unitless = user_with_role(role=Role.UNIT_SUBMITTER, unit=None)
    with pytest.raises(PermissionDenied):
        model_register(submitted_by=unitless, campaign=campaign, data=dossier())
    assert MovementModel.objects.count() == 0


@pytest.mark.parametrize("today", [date(2026, 3, 9), date(2026, 3, 11)])
def test_registration_outside_the_campaigns_window_is_refused(campaign, submitter, today):
    with time_machine.travel(today, tick=False):
        with pytest.raises(ValidationError) as error:
            model_register(submitted_by=submitter, campaign=campaign, data=dossier())
    day = today.strftime("%d/%m/%Y")
    assert error.value.message_dict == {
        "campaign": [f"Đợt đăng ký “{campaign}” không mở vào ngày {day} (từ 10/03/2026 đến 10/03/2026)."]
    }
    assert MovementModel.objects.count() == 0


def test_a_unit_outside_the_organisers_tree_is_refused(campaign):
    outsider = user_with_role(role=Role.UNIT_SUBMITTER, unit=UnitFactory(name="Xã khác"))
    campaign.refresh_from_db()  # as a request would load it, after the new root moved the paths
    with pytest.raises(ValidationError) as error:
        model_register(submitted_by=outsider, campaign=campaign, data=dossier())
    assert error.value.message_dict == {"campaign": ["Đơn vị Xã khác không thuộc phạm vi của đợt đăng ký này."]}
    assert MovementModel.objects.count() == 0


def test_unknown_dossier_fields_are_a_programming_error(campaign, submitter):
    with pytest.raises(ValueError, match=r"unknown dossier fields: \['stage'\]"):
        model_register(submitted_by=submitter, campaign=campaign, data=dossier(stage="closed"))
    model = MovementModelFactory(stage="returned")
    with pytest.raises(ValueError, match=r"unknown dossier fields: \['unit'\]"):
        model_revise(movement_model=model, revised_by=model.submitted_by, data={"unit": None})
    assert MovementModel.objects.count() == 1


def test_revising_a_returned_dossier_records_only_what_changed():
    model = MovementModelFactory(stage="returned", objectives="Hỗ trợ 50 hộ.")
    submitter = model.submitted_by
    revised = model_revise(
        movement_model=model,
        revised_by=submitter,
        data={"objectives": "Hỗ trợ 60 hộ.", "scope": model.scope, "self_evaluation_on": date(2026, 6, 30)},
    )
    revised.refresh_from_db()
    assert (revised.stage, revised.objectives) == ("registered", "Hỗ trợ 60 hộ.")
    [(action, actor, reason, payload)] = audit_trail(model)
    assert (action, actor, reason) == ("dossier_edited", submitter.username, "")
    assert payload == {
        "changes": {
            "objectives": {"before": "Hỗ trợ 50 hộ.", "after": "Hỗ trợ 60 hộ."},
            "self_evaluation_on": {"before": None, "after": "2026-06-30"},
        },
        "attachments": [],
    }


def test_a_revision_compares_with_the_stored_dossier_not_the_edited_instance():
    model = MovementModelFactory(stage="returned", name="Tên cũ")
    model.name = "Tên mới"  # what a bound ModelForm does before the service runs
    model_revise(movement_model=model, revised_by=model.submitted_by, data={"name": "Tên mới"})
    assert audit_trail(model)[0][3]["changes"] == {"name": {"before": "Tên cũ", "after": "Tên mới"}}


def test_only_a_returned_dossier_can_be_revised():
    model = MovementModelFactory(stage="survey")
    with pytest.raises(ValidationError) as error:
        model_revise(movement_model=model, revised_by=model.submitted_by, data={"name": "Khác"})
    assert error.value.messages == [
        "Không thực hiện được bước “nộp lại hồ sơ đã bổ sung”: mô hình đang ở giai đoạn “Khảo sát thực tế”. "
        "Từ giai đoạn này chỉ được: nộp báo cáo khảo sát (→ Hội đồng đánh giá); "
        "bỏ bước khảo sát (→ Hội đồng đánh giá); "
        "kết thúc hồ sơ (→ Không công nhận); "
        "trả lại hồ sơ từ bước phê duyệt (→ Trả lại để bổ sung hồ sơ)."
    ]
    model.refresh_from_db()
    assert (model.stage, model.name) != ("registered", "Khác")
    assert audit_trail(model) == []


def test_an_invalid_revision_is_refused_and_keeps_the_dossier():
    model = MovementModelFactory(stage="returned", name="Tên cũ")
    with pytest.raises(ValidationError):
        model_revise(movement_model=model, revised_by=model.submitted_by, data={"name": ""})
    model.refresh_from_db()
    assert (model.stage, model.name) == ("returned", "Tên cũ")
    assert audit_trail(model) == []


def test_dossier_values_are_stored_as_json_values():
    from recognition.services.registration import _jsonable

    field = FieldFactory()
    assert _jsonable(field) == field.pk
    assert _jsonable(date(2026, 1, 15)) == "2026-01-15"
    assert _jsonable("Tên") == "Tên"
    assert _jsonable(None) is None


def test_attachments_of_a_registration_and_of_a_revision(campaign, submitter, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    model = model_register(
        submitted_by=submitter,
        campaign=campaign,
        data=dossier(),
        files=[SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 a", content_type="application/pdf")],
    )
    model.stage = "returned"
    model.save(update_fields=["stage"])
    model_revise(
        movement_model=model,
        revised_by=submitter,
        data={"outputs": "Thêm ảnh."},
        files=[SimpleUploadedFile("anh.pdf", b"%PDF-1.4 b", content_type="application/pdf")],
    )
    assert list(model.attachments.order_by("pk").values_list("original_name", "stage", "uploaded_by")) == [
        ("ke-hoach.pdf", "registered", submitter.pk),
        ("anh.pdf", "returned", submitter.pk),
    ]
    trail = audit_trail(model)
    assert [item["name"] for item in trail[0][3]["attachments"]] == ["ke-hoach.pdf"]
    assert [item["name"] for item in trail[1][3]["attachments"]] == ["anh.pdf"]
