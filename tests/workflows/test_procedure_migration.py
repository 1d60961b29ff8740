"""Moving running processes to another procedure version: dry run, the move, blocked cases, the run."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import STATUS

from procedures.models import MigrationRun
from recognition.models import AuditEvent, ModelStage
from recognition.roles import Role
from tests.factories import user_with_role
from tests.recognition.audit_support import straight_through
from tests.workflows.migration_support import at, at_survey, registered_on_monday, version_published
from tests.workflows.views_support import open_task
from workflows.models import DeadlineSlot
from workflows.procedure_migration import (
    migration_dry_run,
    migration_run_execute,
    migration_run_start,
    process_migrate,
)
from workflows.services import task_claim

pytestmark = pytest.mark.django_db
REASON = "Áp dụng Hướng dẫn số 12-HD/BDVTW."


def slots_of(task) -> list[tuple[str, str, str]]:
    return sorted(
        (slot.rule, slot.state, slot.fire_at.astimezone(at(2026, 1, 1).tzinfo).strftime("%d/%m %H:%M"))
        for slot in DeadlineSlot.objects.filter(task=task)
    )


def test_the_dry_run_shows_the_new_due_date_and_writes_nothing(world, dossier):
    model = registered_on_monday(world, dossier)
    v1 = model.process.procedure_version
    v2 = version_published(world, v1, stages={"check_dossier": {"sla_working_days": 8}, "survey": {"enabled": False}})
    (plan,) = migration_dry_run(user=world.admin, process_ids=[model.process.pk], target=v2)
    (change,) = plan.task_changes
    assert (plan.label, plan.position, plan.stages_skipped, plan.blocked) == (
        "Hũ gạo tình thương",
        "check_dossier",
        ("survey",),
        False,
    )
    assert (change.node, change.old_due_on, change.new_due_on, change.new_budget) == (
        "check_dossier",
        date(2026, 3, 9),
        date(2026, 3, 12),
        8,
    )
    model.process.refresh_from_db()
    assert model.process.procedure_version_id == v1.pk
    assert not AuditEvent.objects.filter(action="process_migrated").exists()


def test_the_move_pins_the_target_replans_the_deadline_and_is_audited_with_the_reason(world, dossier):
    model = registered_on_monday(world, dossier)
    v1 = model.process.procedure_version
    v2 = version_published(world, v1, stages={"check_dossier": {"sla_working_days": 8}})
    task = open_task(model, "check_dossier")
    assert slots_of(task) == [
        ("escalation.level-1", "pending", "10/03 08:00"),
        ("escalation.level-2", "pending", "13/03 08:00"),
        ("reminder.d-2", "pending", "05/03 08:00"),
        ("reminder.d0", "pending", "09/03 08:00"),
    ]
    with time_machine.travel(at(2026, 3, 4, 9, 0), tick=False):
        process_migrate(process_id=model.process.pk, target=v2, actor=world.admin, reason=REASON)
    model.process.refresh_from_db()
    task.refresh_from_db()
    assert (model.process.procedure_version_id, task.due_on, task.sla_working_days) == (v2.pk, date(2026, 3, 12), 8)
    assert slots_of(task) == [
        ("escalation.level-1", "pending", "13/03 08:00"),
        ("escalation.level-2", "pending", "18/03 08:00"),
        ("reminder.d-2", "pending", "10/03 08:00"),
        ("reminder.d0", "pending", "12/03 08:00"),
    ]
    event = AuditEvent.objects.get(action="process_migrated")
    assert (event.actor, event.reason, event.movement_model, event.process_id) == (
        world.admin,
        REASON,
        model,
        model.process.pk,
    )
    assert (event.payload["from_version"], event.payload["to_version"], event.payload["tasks_replanned"]) == (
        v1.pk,
        v2.pk,
        [task.pk],
    )


def test_a_move_needs_a_reason(world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version)
    with pytest.raises(ValidationError, match="Phải ghi rõ lý do chuyển phiên bản"):
        process_migrate(process_id=model.process.pk, target=v2, actor=world.admin, reason="  ")
    model.process.refresh_from_db()
    assert model.process.procedure_version_id != v2.pk


def test_a_finished_process_is_blocked_and_unchanged(world, dossier):
    model = straight_through(world, dossier)
    v1 = model.process.procedure_version
    v2 = version_published(world, v1)
    (plan,) = migration_dry_run(user=world.admin, process_ids=[model.process.pk], target=v2)
    assert plan.blockers == ("Hồ sơ đã kết thúc quy trình, không chuyển phiên bản được.",)
    with pytest.raises(ValidationError, match="Hồ sơ đã kết thúc quy trình"):
        process_migrate(process_id=model.process.pk, target=v2, actor=world.admin, reason=REASON)
    model.process.refresh_from_db()
    assert model.process.procedure_version_id == v1.pk
    assert not AuditEvent.objects.filter(action="process_migrated").exists()


def test_an_open_survey_the_target_skips_is_refused_unless_the_admin_chooses(world, dossier):
    model = at_survey(world, dossier)
    v2 = version_published(world, model.process.procedure_version, stages={"survey": {"enabled": False}})
    with pytest.raises(ValidationError, match="phiên bản đích bỏ bước này"):
        process_migrate(process_id=model.process.pk, target=v2, actor=world.admin, reason=REASON)
    survey = open_task(model, "survey")
    assert survey.status == STATUS.NEW
    with time_machine.travel(at(2026, 3, 4, 9, 0), tick=False):
        plan = process_migrate(
            process_id=model.process.pk,
            target=v2,
            actor=world.admin,
            reason=REASON,
            orphan_choices={"survey": "cancel"},
        )
    assert (plan.tasks_cancelled, plan.tasks_created) == ((survey.pk,), ("evaluate",))
    survey.refresh_from_db()
    model.refresh_from_db()
    assert (survey.status, model.stage) == (STATUS.CANCELED, ModelStage.EVALUATION)
    seats = model.process.task_set.filter(flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED])
    assert sorted(seat.owner.username for seat in seats) == ["hoidong1", "hoidong2", "hoidong3"]
    assert set(DeadlineSlot.objects.filter(task=survey).values_list("state", flat=True)) == {"cancelled"}
    event = AuditEvent.objects.get(action="process_migrated")
    assert (event.payload["tasks_cancelled"], event.payload["orphan_choices"]) == ([survey.pk], {"survey": "cancel"})


def test_keeping_the_orphaned_survey_leaves_it_open_with_its_due_date(world, dossier):
    model = at_survey(world, dossier)
    v2 = version_published(world, model.process.procedure_version, stages={"survey": {"enabled": False}})
    survey = open_task(model, "survey")
    due = survey.due_on
    process_migrate(
        process_id=model.process.pk, target=v2, actor=world.admin, reason=REASON, orphan_choices={"survey": "keep"}
    )
    survey.refresh_from_db()
    model.process.refresh_from_db()
    assert (survey.status, survey.due_on, model.process.procedure_version_id) == (STATUS.NEW, due, v2.pk)


def test_a_run_moves_processes_in_chunks_and_lists_the_blocked_one(world, dossier):
    first = registered_on_monday(world, dossier, name="Mô hình một")
    finished = straight_through(world, dossier | {"name": "Mô hình đã xong"})
    third = registered_on_monday(world, dossier, name="Mô hình ba")
    v2 = version_published(world, first.process.procedure_version)
    published = []
    run = migration_run_start(
        user=world.admin,
        process_ids=[first.process.pk, finished.process.pk, third.process.pk],
        target=v2,
        reason=REASON,
        publish=published.append,
    )
    assert (run.status, run.total, run.done, run.failed) == ("pending", 3, 0, 0)
    run = migration_run_execute(run_id=run.pk, chunk_size=2)
    assert (run.status, run.total, run.done, run.failed) == ("done", 3, 2, 1)
    assert run.errors == [
        {"process": finished.process.pk, "errors": ["Hồ sơ đã kết thúc quy trình, không chuyển phiên bản được."]}
    ]
    assert AuditEvent.objects.filter(action="process_migrated").count() == 2


def test_only_an_admin_of_the_scope_may_migrate(world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version)
    other_admin = user_with_role(role=Role.ADMIN, unit=world.other_commune, username="quantri_xa")
    with pytest.raises(PermissionDenied, match="không thuộc phạm vi đơn vị"):
        migration_dry_run(user=other_admin, process_ids=[model.process.pk], target=v2)
    with pytest.raises(PermissionDenied, match="không có quyền chuyển hồ sơ"):
        migration_run_start(
            user=world.standing_body, process_ids=[model.process.pk], target=v2, reason=REASON, publish=print
        )
    assert not MigrationRun.objects.exists()


def test_a_new_performing_unit_moves_the_open_task_and_releases_an_owner_outside_it(world, dossier):
    model = registered_on_monday(world, dossier)
    task = open_task(model, "check_dossier")
    task_claim(task_id=task.pk, user=world.standing_body)
    v2 = version_published(
        world, model.process.procedure_version, stages={"check_dossier": {"performer_unit": "registrant"}}
    )
    (plan,) = migration_dry_run(user=world.admin, process_ids=[model.process.pk], target=v2)
    assert plan.task_changes[0].new_performer == ("standing_body", "registrant")
    process_migrate(process_id=model.process.pk, target=v2, actor=world.admin, reason=REASON)
    task.refresh_from_db()
    assert (task.unit, task.owner, task.status) == (world.submitter_unit, None, STATUS.NEW)
    assert AuditEvent.objects.filter(action="task_released", task_id=task.pk, actor=world.admin).count() == 1
    payload = AuditEvent.objects.get(action="process_migrated").payload
    assert payload["task_units"] == {str(task.pk): world.submitter_unit.pk}


def test_a_retried_run_counts_a_process_its_first_attempt_moved_as_done(world, dossier):
    model = registered_on_monday(world, dossier)
    v2 = version_published(world, model.process.procedure_version)
    run = migration_run_start(
        user=world.admin, process_ids=[model.process.pk], target=v2, reason=REASON, publish=lambda run_id: None
    )
    # The worker moved the process, then died before saving the chunk's progress.
    process_migrate(process_id=model.process.pk, target=v2, actor=world.admin, reason=REASON)
    run = migration_run_execute(run_id=run.pk)
    assert (run.done, run.failed, run.errors) == (1, 0, [])
