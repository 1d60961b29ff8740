"""JSON export of a version and import into another definition: round trip, and every refusal."""

import json
from dataclasses import replace

import pytest

from procedures.defaults import spec_from_settings
from procedures.exchange import ImportRefused, draft_import, version_document, version_json
from procedures.models import ProcedureDefinition, ProcedureVersion
from procedures.parsing import spec_from_dict, spec_to_dict
from procedures.services import draft_create, draft_update, national_version_ensure, version_publish
from procedures.spec import ApprovalStepSpec
from recognition.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(world):
    return national_version_ensure()


@pytest.fixture
def province_definition(world):
    return ProcedureDefinition.objects.create(owner_unit=world.province, name="Quy trình của tỉnh Cần Thơ")


def document_with(national, **spec_changes) -> str:
    document = version_document(national)
    document["spec"] = {**document["spec"], **spec_changes}
    return json.dumps(document, ensure_ascii=False)


def refusal(text, definition) -> list[str]:
    versions_before = ProcedureVersion.objects.count()
    with pytest.raises(ImportRefused) as error:
        draft_import(text=text, definition=definition)
    assert ProcedureVersion.objects.count() == versions_before  # nothing created
    assert not definition.versions.exists()
    return error.value.problems


def test_the_export_names_the_format_the_definition_and_the_version(world, national):
    version = national
    document = json.loads(version_json(version))
    assert document == {
        "format": "kheo-procedure",
        "schema_version": 1,
        "definition": {"name": "Quy trình công nhận mô hình “Dân vận khéo”", "owner_unit": None},
        "version": {
            "number": 1,
            "status": "published",
            "published_at": version.published_at.isoformat(),
            "publish_reason": "Phiên bản đầu tiên, lấy từ cấu hình mặc định.",
        },
        "spec": version.spec,
    }


def test_the_export_of_a_unit_definition_names_its_owner_unit(world, national, province_definition):
    draft = draft_create(definition=province_definition, author=world.admin, based_on=national)
    document = version_document(draft)
    assert (document["definition"], document["version"]["status"]) == (
        {
            "name": "Quy trình của tỉnh Cần Thơ",
            "owner_unit": {"name": "Thành ủy Cần Thơ", "path": world.province.path, "level": "province"},
        },
        "draft",
    )


def test_an_exported_version_imported_elsewhere_reproduces_it(world, national, province_definition):
    source = draft_create(definition=national.definition, author=world.admin)
    spec = spec_from_dict(source.spec)
    step = ApprovalStepSpec(
        key="mat-tran",
        title="Thẩm định của Mặt trận",
        after="evaluate",
        performer_role="standing_body",
        performer_unit="organiser",
        sla_working_days=4,
    )
    spec = replace(
        spec,
        stages={**spec.stages, "survey": replace(spec.stages["survey"], enabled=False)},
        approval_steps=(step,),
        min_attachments=2,
        decision_number_format="{number}/{year}/QĐ-BCĐ",
    )
    draft_update(version=source, spec_data=spec_to_dict(spec), author=world.admin)
    version_publish(version=source, actor=world.admin, reason="Bỏ khảo sát, thêm thẩm định của Mặt trận.")

    imported = draft_import(text=version_json(source), definition=province_definition, author=world.admin)

    assert (imported.definition, imported.number, imported.status, imported.created_by) == (
        province_definition,
        1,
        "draft",
        world.admin,
    )
    assert imported.spec == source.spec
    assert spec_from_dict(imported.spec) == spec
    event = AuditEvent.objects.filter(action=AuditAction.PROCEDURE_DRAFT_SAVED).latest("pk")
    assert (event.actor, event.reason, event.payload["version"]) == (
        world.admin,
        "Nhập từ tệp “Quy trình công nhận mô hình “Dân vận khéo” — phiên bản 2”.",
        imported.pk,
    )


def test_an_import_numbers_after_the_versions_already_there(world, national, province_definition):
    draft_create(definition=province_definition, author=world.admin, based_on=national)
    imported = draft_import(text=version_json(national), definition=province_definition)
    assert (imported.number, imported.created_by) == (2, None)
    event = AuditEvent.objects.filter(action=AuditAction.PROCEDURE_DRAFT_SAVED).latest("pk")
    assert (event.actor, event.actor_label) == (None, "system:procedures.import")


def test_malformed_json_is_refused(world, province_definition):
    assert refusal('{"format": "kheo-procedure", "schema_version": 1,', province_definition) == [
        "Tệp không phải JSON hợp lệ (dòng 1, cột 50): Expecting property name enclosed in double quotes."
    ]


def test_a_file_that_is_not_utf8_is_refused(world, province_definition):
    assert refusal(b'{"format": "\xff"}', province_definition) == [
        "Tệp không đọc được dưới dạng UTF-8: invalid start byte."
    ]


def test_a_document_of_another_format_is_refused(world, province_definition):
    assert refusal(json.dumps({"stages": {}}), province_definition) == [
        "Tệp không phải quy trình xuất từ Khéo (thiếu “format”: “kheo-procedure”)."
    ]


def test_an_unknown_schema_version_is_refused(world, national, province_definition):
    document = version_document(national)
    document["schema_version"] = 2
    assert refusal(json.dumps(document), province_definition) == [
        "Phiên bản lược đồ “2” của tệp không được hỗ trợ (hỗ trợ: 1)."
    ]


def test_a_spec_with_missing_parts_is_refused_with_every_problem(world, national, province_definition):
    document = version_document(national)
    del document["spec"]["evaluation"]["aggregation"]
    document["spec"]["stages"]["survey"]["sla_working_days"] = "mười"
    assert refusal(json.dumps(document), province_definition) == [
        "“sla_working_days” ở bước “survey” phải là số nguyên.",
        "Thiếu mục “aggregation” ở phần đánh giá.",
    ]


def test_names_that_do_not_exist_here_are_refused_with_the_full_list(world, national, province_definition):
    document = version_document(national)
    spec = document["spec"]
    spec["stages"]["survey"]["performer_role"] = "mat_tran"
    spec["stages"]["recognise"]["performer_unit"] = "huyen"
    spec["stages"]["replicate"]["escalation"][0]["supervisor_role"] = "ban_dan_van"
    spec["rubric"]["collective"][0]["code"] = "tieu-chi-la"
    spec["required_dossier_fields"] = ["name", "so_ho_dan"]
    assert refusal(json.dumps(document), province_definition) == [
        "Vai trò thực hiện “mat_tran” ở bước “Khảo sát thực tế” không tồn tại trong hệ thống.",
        "Đơn vị thực hiện “huyen” ở bước “Ký quyết định công nhận” không hợp lệ: chọn đơn vị tổ chức, đơn vị đăng "
        "ký hoặc một cấp có trong hệ thống (commune, district, province).",
        "Vai trò “ban_dan_van” ở cấp chuyển 1 của bước “Theo dõi nhân rộng” không tồn tại trong hệ thống.",
        "Tiêu chí “tieu-chi-la” không có trong danh mục tiêu chí của hệ thống.",
        "Trường hồ sơ “so_ho_dan” không có trong mẫu hồ sơ đăng ký.",
    ]


def test_an_unknown_stage_is_refused(world, national, province_definition):
    document = version_document(national)
    document["spec"]["stages"]["phap_che"] = document["spec"]["stages"]["survey"]
    assert refusal(json.dumps(document), province_definition) == [
        "Bước “phap_che” không có trong quy trình chuẩn (các bước: check_dossier, revise, survey, evaluate, "
        "recognise, replicate); muốn thêm bước, hãy dùng bước thẩm định bổ sung."
    ]


def test_content_problems_do_not_stop_an_import(world, national, province_definition):
    # A quorum larger than the council is the designer's to fix before publishing, not a refusal.
    spec = spec_from_settings()
    text = document_with(national, evaluation={**spec_to_dict(spec)["evaluation"], "quorum": 9})
    imported = draft_import(text=text, definition=province_definition)
    assert imported.spec["evaluation"]["quorum"] == 9
