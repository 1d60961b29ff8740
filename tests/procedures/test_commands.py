"""`flow_export` (list, JSON, BPMN, SVG; published by default) and `flow_import` (a draft, or nothing)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from procedures.exchange import version_bpmn, version_json
from procedures.models import ProcedureDefinition, ProcedureVersion
from procedures.services import draft_create, national_version_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(world):
    return national_version_ensure()


@pytest.fixture
def province_definition(world):
    return ProcedureDefinition.objects.create(owner_unit=world.province, name="Quy trình của tỉnh Cần Thơ")


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_list_shows_every_version_with_its_ids(world, national, province_definition):
    draft = draft_create(definition=province_definition, author=world.admin, based_on=national)
    assert run("flow_export", "--list").splitlines() == [
        "Mã quy trình\tQuy trình\tĐơn vị sở hữu\tMã phiên bản\tSố\tTrạng thái",
        f"{national.definition_id}\tQuy trình công nhận mô hình “Dân vận khéo”\tToàn quốc\t{national.pk}\t1\t"
        "Đang áp dụng",
        f"{province_definition.pk}\tQuy trình của tỉnh Cần Thơ\tThành ủy Cần Thơ\t{draft.pk}\t1\tBản nháp",
    ]


def test_the_list_when_there_is_no_version(db):
    assert run("flow_export", "--list") == "Chưa có phiên bản quy trình nào.\n"


def test_json_of_the_published_version_by_default(world, national):
    draft_create(definition=national.definition, author=world.admin)
    output = run("flow_export", "--definition", str(national.definition_id), "--format", "json")
    assert output == version_json(national)
    assert json.loads(output)["version"] == {
        "number": 1,
        "status": "published",
        "published_at": national.published_at.isoformat(),
        "publish_reason": national.publish_reason,
    }


def test_bpmn_of_a_chosen_version_into_a_file(world, national, tmp_path):
    draft = draft_create(definition=national.definition, author=world.admin)
    target = tmp_path / "quy-trinh.bpmn"
    output = run(
        "flow_export",
        "--definition",
        str(national.definition_id),
        "--format",
        "bpmn",
        "--version",
        "2",
        "--out",
        str(target),
    )
    assert output == f"Đã ghi Quy trình công nhận mô hình “Dân vận khéo” — phiên bản 2 vào {target}.\n"
    assert target.read_text(encoding="utf-8") == version_bpmn(draft)
    assert "Quy trình công nhận mô hình “Dân vận khéo” — phiên bản 2" in target.read_text(encoding="utf-8")


def test_svg_of_the_published_version(world, national):
    output = run("flow_export", "--definition", str(national.definition_id), "--format", "svg")
    assert output.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "Khảo sát thực tế" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "json"], "Cần chỉ rõ “--definition ID” và “--format bpmn|json|svg” (hoặc dùng “--list”)."),
        (["--definition", "999", "--format", "json"], "Không có quy trình mã số 999 (xem “flow_export --list”)."),
    ],
)
def test_export_refusals(world, national, args, message):
    with pytest.raises(CommandError) as error:
        run("flow_export", *args)
    assert str(error.value) == message


def test_export_of_a_definition_with_nothing_published(world, province_definition):
    with pytest.raises(CommandError) as error:
        run("flow_export", "--definition", str(province_definition.pk), "--format", "bpmn")
    assert str(error.value) == (
        "Quy trình “Quy trình của tỉnh Cần Thơ” chưa có phiên bản đang áp dụng: hãy chọn “--version N”."
    )


def test_export_of_a_version_that_does_not_exist(world, national):
    with pytest.raises(CommandError) as error:
        run("flow_export", "--definition", str(national.definition_id), "--format", "json", "--version", "7")
    assert str(error.value) == "Quy trình “Quy trình công nhận mô hình “Dân vận khéo”” không có phiên bản số 7."


def test_bpmn_of_a_draft_that_lacks_a_stage_is_refused(world, national):
    draft = draft_create(definition=national.definition, author=world.admin)
    stages = {name: stage for name, stage in draft.spec["stages"].items() if name not in ("survey", "replicate")}
    ProcedureVersion.objects.filter(pk=draft.pk).update(spec={**draft.spec, "stages": stages})
    with pytest.raises(CommandError) as error:
        run("flow_export", "--definition", str(national.definition_id), "--format", "bpmn", "--version", "2")
    assert str(error.value) == (
        "Không vẽ được BPMN của Quy trình công nhận mô hình “Dân vận khéo” — phiên bản 2: thiếu cấu hình các bước "
        "“Khảo sát thực tế”, “Theo dõi nhân rộng”."
    )


def test_export_into_a_file_that_cannot_be_written(world, national, tmp_path):
    target = tmp_path / "khong-co" / "quy-trinh.json"
    with pytest.raises(CommandError) as error:
        run("flow_export", "--definition", str(national.definition_id), "--format", "json", "--out", str(target))
    assert str(error.value) == f"Không ghi được {target}: No such file or directory"


def test_import_creates_a_draft_that_reproduces_the_export(world, national, province_definition, tmp_path):
    source = tmp_path / "quoc-gia.json"
    run("flow_export", "--definition", str(national.definition_id), "--format", "json", "--out", str(source))
    output = run("flow_import", str(source), "--definition", str(province_definition.pk), "--user", "quantri")
    imported = province_definition.versions.get()
    assert output == f"Đã tạo bản nháp Quy trình của tỉnh Cần Thơ — phiên bản 1 (mã phiên bản {imported.pk}).\n"
    assert (imported.status, imported.spec, imported.created_by) == ("draft", national.spec, world.admin)


def test_import_refused_lists_every_problem_and_creates_nothing(world, national, province_definition, tmp_path):
    document = json.loads(version_json(national))
    document["spec"]["stages"]["survey"]["performer_role"] = "mat_tran"
    document["spec"]["required_dossier_fields"] = ["so_ho_dan"]
    source = tmp_path / "sai.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("flow_import", str(source), "--definition", str(province_definition.pk))
    assert str(error.value) == (
        f"Không nhập được {source}, chưa tạo gì:\n"
        "- Vai trò thực hiện “mat_tran” ở bước “Khảo sát thực tế” không tồn tại trong hệ thống.\n"
        "- Trường hồ sơ “so_ho_dan” không có trong mẫu hồ sơ đăng ký."
    )
    assert ProcedureVersion.objects.filter(definition=province_definition).count() == 0


def test_import_of_a_malformed_file(world, province_definition, tmp_path):
    source = tmp_path / "hong.json"
    source.write_text("khong phai json", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("flow_import", str(source), "--definition", str(province_definition.pk))
    assert str(error.value) == (
        f"Không nhập được {source}, chưa tạo gì:\n- Tệp không phải JSON hợp lệ (dòng 1, cột 1): Expecting value."
    )
    assert not province_definition.versions.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--definition", "999"], "Không có quy trình mã số 999 (xem “flow_export --list”)."),
        (["--definition", "{definition}", "--user", "khong_ai"], "Không có người dùng đang hoạt động “khong_ai”."),
    ],
)
def test_import_refusals(world, national, province_definition, tmp_path, args, message):
    source = tmp_path / "quoc-gia.json"
    source.write_text(version_json(national), encoding="utf-8")
    args = [arg.format(definition=province_definition.pk) for arg in args]
    with pytest.raises(CommandError) as error:
        run("flow_import", str(source), *args)
    assert str(error.value) == message
    assert not province_definition.versions.exists()


def test_import_of_a_missing_file(world, province_definition, tmp_path):
    source = tmp_path / "khong-co.json"
    with pytest.raises(CommandError) as error:
        run("flow_import", str(source), "--definition", str(province_definition.pk))
    assert str(error.value) == f"Không đọc được {source}: No such file or directory"
