"""The migration through the API and the "Chuyển phiên bản" pages: dry run, confirm, progress, scope."""

import pytest

from procedures.models import MigrationRun
from recognition.roles import Role
from tests.factories import user_with_role
from tests.workflows.api_support import api_for
from tests.workflows.migration_support import at_survey, registered_on_monday, version_published
from workflows.procedure_migration import migration_run_execute

pytestmark = pytest.mark.django_db
MIGRATIONS = "/api/v1/procedures/migrations/"
REASON = "Áp dụng quy trình mới của tỉnh."


def progress_url(run_id: int) -> str:
    return f"/api/v1/procedures/migrations/{run_id}/"


def test_the_api_dry_run_lists_the_changes_and_writes_nothing(world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version, stages={"check_dossier": {"sla_working_days": 8}})
    response = api_for(world.admin).post(
        MIGRATIONS, {"processes": [model.process.pk], "target": v2.pk, "dry_run": True}, format="json"
    )
    assert response.status_code == 200
    (plan,) = response.json()["plans"]
    assert (plan["label"], plan["blocked"], plan["stages_skipped"]) == ("Hũ gạo tình thương", False, [])
    (task,) = plan["tasks"]
    assert (task["node"], task["action"], task["old_due_on"], task["new_due_on"], task["sla_working_days"]) == (
        "check_dossier",
        "replan",
        "2026-03-09",
        "2026-03-12",
        8,
    )
    assert not MigrationRun.objects.exists()


def test_the_api_refuses_an_orphaned_task_until_the_admin_chooses_then_reports_progress(world, dossier):
    model = at_survey(world, dossier)
    v2 = version_published(world, model.process.procedure_version, stages={"survey": {"enabled": False}})
    client = api_for(world.admin)
    body = {"processes": [model.process.pk], "target": v2.pk, "dry_run": False, "reason": REASON}
    refused = client.post(MIGRATIONS, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["processes"] == [
        "Hũ gạo tình thương: Nhiệm vụ “survey” đang mở nhưng phiên bản đích bỏ bước này: hãy chọn hủy nhiệm vụ để "
        "chuyển sang bước tiếp theo, hoặc giữ đến khi xử lý xong."
    ]
    accepted = client.post(MIGRATIONS, {**body, "orphan_choices": {"survey": "cancel"}}, format="json")
    assert accepted.status_code == 202
    run_id = accepted.json()["run"]
    assert accepted.json() | {"run": 0} == {
        "run": 0,
        "status": "pending",
        "status_label": "Chờ xử lý",
        "total": 1,
        "done": 0,
        "failed": 0,
        "percent": 0,
        "errors": [],
    }
    migration_run_execute(run_id=run_id)
    progress = client.get(progress_url(run_id)).json()
    assert (progress["status"], progress["done"], progress["failed"], progress["percent"]) == ("done", 1, 0, 100)
    model.refresh_from_db()
    assert model.stage == "evaluation"


def test_the_api_needs_a_reason_to_move(world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version)
    response = api_for(world.admin).post(
        MIGRATIONS, {"processes": [model.process.pk], "target": v2.pk, "dry_run": False}, format="json"
    )
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"reason": ["Phải ghi rõ lý do chuyển phiên bản quy trình."]},
    )


def test_out_of_scope_or_without_the_permission_is_forbidden(world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version)
    body = {"processes": [model.process.pk], "target": v2.pk, "dry_run": True}
    other_admin = user_with_role(role=Role.ADMIN, unit=world.other_commune, username="quantri_xa")
    response = api_for(other_admin).post(MIGRATIONS, body, format="json")
    assert (response.status_code, response.json()["detail"]) == (403, "Có hồ sơ không thuộc phạm vi đơn vị của bạn.")
    response = api_for(world.standing_body).post(MIGRATIONS, body, format="json")
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Bạn không có quyền chuyển hồ sơ sang phiên bản quy trình khác.",
    )


def test_a_run_is_shown_only_to_the_admin_who_started_it(world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version)
    run = MigrationRun.objects.create(
        actor=world.admin, target=v2, reason=REASON, process_ids=[model.process.pk], total=1
    )
    colleague = user_with_role(role=Role.ADMIN, unit=world.province, username="quantri2")
    assert api_for(colleague).get(progress_url(run.pk)).status_code == 404
    assert api_for(world.admin).get(progress_url(run.pk)).status_code == 200


def test_the_page_lists_processes_runs_the_dry_run_and_confirms(client, world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version, stages={"check_dossier": {"sla_working_days": 8}})
    client.force_login(world.admin)
    page = client.get("/procedures/migrate/")
    assert page.status_code == 200
    assert "Hũ gạo tình thương" in page.content.decode()
    form = {"processes": [model.process.pk], "target": v2.pk, "reason": REASON}
    dry_run = client.post("/procedures/migrate/", {**form, "action": "dry_run"})
    content = dry_run.content.decode()
    assert "09/03/2026 → 12/03/2026 (8 ngày làm việc)" in content
    assert "Xác nhận chuyển" in content
    confirmed = client.post("/procedures/migrate/", {**form, "action": "apply"})
    run = MigrationRun.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/procedures/migrate/runs/{run.pk}/"
    migration_run_execute(run_id=run.pk)
    assert client.get(f"/procedures/migrate/runs/{run.pk}/progress/").json()["done"] == 1
    assert 'value="100"' in client.get(f"/procedures/migrate/runs/{run.pk}/").content.decode()


def test_the_page_shows_what_blocks_and_offers_no_confirmation(client, world, dossier):
    model = at_survey(world, dossier)
    v2 = version_published(world, model.process.procedure_version, stages={"survey": {"enabled": False}})
    client.force_login(world.admin)
    response = client.post(
        "/procedures/migrate/", {"processes": [model.process.pk], "target": v2.pk, "action": "dry_run"}
    )
    content = response.content.decode()
    assert "phiên bản đích bỏ bước này" in content
    assert "Xác nhận chuyển" not in content
    refused = client.post(
        "/procedures/migrate/",
        {"processes": [model.process.pk], "target": v2.pk, "action": "apply", "reason": REASON},
    )
    assert refused.status_code == 200 and not MigrationRun.objects.exists()


def test_the_page_is_forbidden_without_the_permission(client, world):
    client.force_login(world.standing_body)
    assert client.get("/procedures/migrate/").status_code == 403


def test_the_dry_run_names_the_new_performer(client, world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(
        world, model.process.procedure_version, stages={"check_dossier": {"performer_unit": "registrant"}}
    )
    client.force_login(world.admin)
    response = client.post(
        "/procedures/migrate/", {"processes": [model.process.pk], "target": v2.pk, "action": "dry_run"}
    )
    assert "người xử lý mới: Cơ quan thường trực — đơn vị đăng ký" in response.content.decode()
