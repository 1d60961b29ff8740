"""Moving running processes to another procedure version: the dry run, the move, the chunked run.

The plan is computed by the pure `procedures.migration.migration_plan` from the facts
read here; the move applies it to one process in one transaction under the process's
row lock, re-plans its open tasks' deadlines with the planning functions of
`workflows.deadlines` and writes PROCESS_MIGRATED with the admin's reason.
"""

from collections.abc import Callable, Iterable

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from procedures.migration import (
    ORPHAN_CHOICES,
    TASK_CANCEL,
    TASK_REPLAN,
    OpenTaskFacts,
    Plan,
    ProcessFacts,
    migration_plan,
)
from procedures.models import MigrationRun, ProcedureVersion
from procedures.selectors import version_in_force, version_spec
from procedures.spec import ProcedureSpec
from recognition.audit_context import acting_as, workflow_scope
from recognition.models import AuditAction, User
from recognition.services.audit import audit_record
from recognition.services.stage import stage_move

from .deadlines.calendar import WorkingCalendar, working_calendar
from .deadlines.models import DeadlineSlot
from .deadlines.planning import deadline_slots_plan, task_starts_batched
from .deadlines.policy import notify_time, stage_deadlines
from .locking import process_locked
from .models import RecognitionProcess, RecognitionTask
from .performers import performer_unit_id
from .selectors import processes_visible_to

MIGRATE_PERMISSION = "procedures.migrate_process"
CHUNK_SIZE = 50
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
FINISHED = (STATUS.DONE, STATUS.CANCELED)

# The stage move when an open task of a switched-off stage is cancelled and the flow goes on.
SKIP_TRANSITIONS = {"survey": "survey_skip"}


# Facts -------------------------------------------------------------------------------------------


def migration_target_allowed(*, process: RecognitionProcess, target: ProcedureVersion) -> bool:
    """A published version of the process's own definition, or the one in force for its organiser."""
    if target.status != ProcedureVersion.Status.PUBLISHED:
        return False
    if process.procedure_version is not None and target.definition_id == process.procedure_version.definition_id:
        return True
    return version_in_force(process.organising_unit) == target


def process_facts(*, process: RecognitionProcess, target: ProcedureVersion, calendar: WorkingCalendar) -> ProcessFacts:
    """What the planner needs to know of one process (two queries: its open and its finished tasks)."""
    open_tasks = list(
        RecognitionTask.objects.filter(process=process, flow_task_type="HUMAN", status__in=OPEN).order_by(
            "created", "pk"
        )
    )
    spent = _working_days_spent(process=process, calendar=calendar) if open_tasks else {}
    return ProcessFacts(
        process_id=process.pk,
        label=process.movement_model.name if process.movement_model_id else str(process.pk),
        finished=process.status in FINISHED or process.finished is not None,
        version_id=process.procedure_version_id,
        open_tasks=tuple(
            OpenTaskFacts(
                task_id=task.pk,
                node=task.flow_task.name,
                created_on=timezone.localdate(task.created),
                due_on=task.due_on,
                approval_key=(task.data or {}).get("approval_step", ""),
                earlier_working_days=spent.get(task.flow_task.name, 0),
            )
            for task in open_tasks
        ),
        target_allowed=migration_target_allowed(process=process, target=target),
    )


def _working_days_spent(*, process: RecognitionProcess, calendar: WorkingCalendar) -> dict[str, int]:
    """Working days the finished tasks of each stage took (the clock-paused stage resumes with them)."""
    spent: dict[str, int] = {}
    finished = RecognitionTask.objects.filter(
        process=process, flow_task_type="HUMAN", status=STATUS.DONE, finished__isnull=False
    ).values_list("flow_task", "created", "finished")
    for flow_task, created, done in finished:
        name = flow_task.name
        days = calendar.working_days_between(timezone.localdate(created), timezone.localdate(done))
        spent[name] = spent.get(name, 0) + days
    return spent


# Dry run -----------------------------------------------------------------------------------------


def orphan_choices_clean(choices: dict | None) -> dict[str, str]:
    """The admin's choice per switched-off stage; anything else is refused in Vietnamese."""
    cleaned = {}
    for stage, choice in (choices or {}).items():
        if choice in ("", None):
            continue
        if choice not in ORPHAN_CHOICES:
            raise ValidationError(
                {
                    "orphan_choices": _("Lựa chọn “%(choice)s” cho bước “%(stage)s” không hợp lệ.")
                    % {
                        "choice": choice,
                        "stage": stage,
                    }
                }
            )
        cleaned[str(stage)] = choice
    return cleaned


def migration_processes_for(*, user: User, process_ids: Iterable[int]) -> list[RecognitionProcess]:
    """The processes the admin chose; one outside the admin's unit subtree (or unknown) is refused."""
    if not user.has_perm(MIGRATE_PERMISSION):
        raise PermissionDenied(_("Bạn không có quyền chuyển hồ sơ sang phiên bản quy trình khác."))
    wanted = list(dict.fromkeys(int(pk) for pk in process_ids))
    if not wanted:
        raise ValidationError({"processes": _("Hãy chọn ít nhất một hồ sơ.")})
    found = {
        process.pk: process
        for process in processes_visible_to(user=user)
        .select_related("procedure_version", "organising_unit")
        .filter(pk__in=wanted)
    }
    if len(found) != len(wanted):
        raise PermissionDenied(_("Có hồ sơ không thuộc phạm vi đơn vị của bạn."))
    return [found[pk] for pk in wanted]


def migration_dry_run(
    *, user: User, process_ids: Iterable[int], target: ProcedureVersion, orphan_choices: dict | None = None
) -> list[Plan]:
    """Per process, what the move would change and what blocks it; nothing is written."""
    choices = orphan_choices_clean(orphan_choices)
    processes = migration_processes_for(user=user, process_ids=process_ids)
    calendar = working_calendar()
    to_spec = version_spec(target)
    return [
        migration_plan(
            process_facts(process=process, target=target, calendar=calendar),
            version_spec(process.procedure_version),
            to_spec,
            to_version_id=target.pk,
            calendar=calendar,
            orphan_choices=choices,
        )
        for process in processes
    ]


# The move ----------------------------------------------------------------------------------------


def process_migrate(
    *, process_id: int, target: ProcedureVersion, actor: User, reason: str, orphan_choices: dict | None = None
) -> Plan:
    """Move one process to `target` in one transaction under its row lock; ValidationError when blocked."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do chuyển phiên bản quy trình.")})
    choices = orphan_choices_clean(orphan_choices)
    calendar = working_calendar()
    with process_locked(process_id), acting_as(actor), task_starts_batched():
        process = RecognitionProcess.objects.select_related(
            "procedure_version", "organising_unit", "movement_model"
        ).get(pk=process_id)
        from_spec = version_spec(process.procedure_version)
        to_spec = version_spec(target)
        plan = migration_plan(
            process_facts(process=process, target=target, calendar=calendar),
            from_spec,
            to_spec,
            to_version_id=target.pk,
            calendar=calendar,
            orphan_choices=choices,
        )
        if plan.blocked:
            raise ValidationError(list(plan.blockers))
        from_version_id = process.procedure_version_id
        process.procedure_version = target
        process.save(update_fields=["procedure_version"])
        tasks = {
            task.pk: task for task in RecognitionTask.objects.filter(pk__in=[c.task_id for c in plan.task_changes])
        }
        now = timezone.now()
        task_units = {}
        skip_transition = ""
        for change in plan.task_changes:
            task = tasks[change.task_id]
            if change.action == TASK_REPLAN:
                _task_deadline_replan(task=task, change=change, spec=to_spec, now=now, calendar=calendar)
                if change.performer_changed:
                    unit_id = _task_unit_set(task=task, process=process, performer_unit=change.new_performer[1])
                    if unit_id is not None:
                        task_units[str(task.pk)] = unit_id
            elif change.action == TASK_CANCEL:
                skip_transition = SKIP_TRANSITIONS.get(task.flow_task.name, skip_transition)
                _task_cancel_and_move_on(task=task, process=process)
        record = dict(
            action=AuditAction.PROCESS_MIGRATED,
            actor=actor,
            reason=reason,
            payload={
                "from_version": from_version_id,
                "to_version": target.pk,
                "stages_skipped": list(plan.stages_skipped),
                "stages_added": list(plan.stages_added),
                "tasks_replanned": [c.task_id for c in plan.task_changes if c.action == TASK_REPLAN],
                "tasks_cancelled": list(plan.tasks_cancelled),
                "orphan_choices": choices,
                "task_units": task_units,
            },
        )
        with workflow_scope(process_id=process.pk):
            if skip_transition:
                # The migration's record is the stage move's: one record, checked against the transition table.
                stage_move(movement_model=process.movement_model, transition=skip_transition, **record)
            else:
                audit_record(movement_model_id=process.movement_model_id, **record)
    return plan


def _task_deadline_replan(*, task, change, spec: ProcedureSpec, now, calendar: WorkingCalendar) -> None:
    """New due date and budget; pending slots moved to the new plan, those it no longer has cancelled.

    A slot that already fired stays as it was (a task is reminded or escalated once per rule).
    """
    RecognitionTask.objects.filter(pk=task.pk).update(due_on=change.new_due_on, sla_working_days=change.new_budget)
    planned = {
        slot.rule: slot
        for slot in deadline_slots_plan(
            task_id=task.pk,
            due_on=change.new_due_on,
            now=now,
            calendar=calendar,
            rules=stage_deadlines(spec, task.flow_task.name, task.data),
            notify_at=notify_time(),
        )
    }
    existing = {slot.rule: slot for slot in DeadlineSlot.objects.filter(task_id=task.pk)}
    for rule, slot in existing.items():
        if slot.state != DeadlineSlot.State.PENDING:
            continue
        if rule in planned:
            slot.fire_at = slot.next_attempt_at = planned[rule].fire_at
            slot.save(update_fields=["fire_at", "next_attempt_at"])
        else:
            slot.state = DeadlineSlot.State.CANCELLED
            slot.save(update_fields=["state"])
    DeadlineSlot.objects.bulk_create([slot for rule, slot in planned.items() if rule not in existing])


def _task_unit_set(*, task, process: RecognitionProcess, performer_unit: str) -> int | None:
    """The unit that performs the task under the target (its id, None when unchanged).

    An owner outside that unit is released through the task's activation (audited as
    TASK_RELEASED), so the task waits in the new unit's queue.
    """
    unit_id = performer_unit_id(process, performer_unit)
    if unit_id is None or unit_id == task.unit_id:
        return None
    if task.owner_id is not None and task.owner.unit_id != unit_id:
        task.process = process
        task.flow_task.activation_class(task).unassign()
    RecognitionTask.objects.filter(pk=task.pk).update(unit_id=unit_id)
    return unit_id


def _task_cancel_and_move_on(*, task, process: RecognitionProcess) -> None:
    """Cancel an open task of a stage the target switches off, and start the flow's next node."""
    task.process = process
    activation = task.flow_task.activation_class(task)
    activation.cancel()
    following = task.flow_task._next
    activation._activate_next({following._create(activation, task.token, data={}, seed=None)})


# The run of many processes -----------------------------------------------------------------------


def migration_run_start(
    *,
    user: User,
    process_ids: Iterable[int],
    target: ProcedureVersion,
    reason: str,
    orphan_choices: dict | None = None,
    publish: Callable[[int], None] | None = None,
) -> MigrationRun:
    """Record the run and hand it to the worker after the commit (`publish(run_id)`, the Celery task by default)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do chuyển phiên bản quy trình.")})
    choices = orphan_choices_clean(orphan_choices)
    processes = migration_processes_for(user=user, process_ids=process_ids)
    if target.status != ProcedureVersion.Status.PUBLISHED:
        raise ValidationError({"target": _("Chỉ chuyển được sang một phiên bản đang áp dụng.")})
    publish = publish or _publish
    with transaction.atomic():
        run = MigrationRun.objects.create(
            actor=user,
            target=target,
            reason=reason,
            orphan_choices=choices,
            process_ids=[process.pk for process in processes],
            total=len(processes),
        )
        transaction.on_commit(lambda: publish(run.pk))
    return run


def migration_confirm(
    *,
    user: User,
    process_ids: Iterable[int],
    target: ProcedureVersion,
    reason: str,
    orphan_choices: dict | None = None,
    publish: Callable[[int], None] | None = None,
) -> MigrationRun:
    """The admin confirms a move: refused while the dry run blocks any chosen process, else the run starts."""
    process_ids = list(process_ids)
    plans = migration_dry_run(user=user, process_ids=process_ids, target=target, orphan_choices=orphan_choices)
    blocked = [
        _("%(label)s: %(blocker)s") % {"label": plan.label, "blocker": blocker}
        for plan in plans
        for blocker in plan.blockers
    ]
    if blocked:
        raise ValidationError({"processes": blocked})
    return migration_run_start(
        user=user,
        process_ids=process_ids,
        target=target,
        reason=reason,
        orphan_choices=orphan_choices,
        publish=publish,
    )


MIGRATION_TASK = "procedures.migrate"


def _publish(run_id: int) -> None:
    # By name: the Celery adapter (workflows.tasks) imports this module.
    current_app.send_task(MIGRATION_TASK, args=[run_id])


def migration_run_execute(*, run_id: int, chunk_size: int = CHUNK_SIZE) -> MigrationRun:
    """Move the run's processes one by one, saving the progress after each chunk; a blocked one is listed."""
    run = MigrationRun.objects.select_related("actor", "target").get(pk=run_id)
    if run.status == MigrationRun.Status.DONE:
        return run
    run.status = MigrationRun.Status.RUNNING
    run.save(update_fields=["status"])
    pending = run.process_ids[run.done + run.failed :]  # a retried run resumes after the last saved chunk
    for start in range(0, len(pending), chunk_size):
        for process_id in pending[start : start + chunk_size]:
            try:
                process_migrate(
                    process_id=process_id,
                    target=run.target,
                    actor=run.actor,
                    reason=run.reason,
                    orphan_choices=run.orphan_choices,
                )
            except (ValidationError, RecognitionProcess.DoesNotExist, FlowLockFailed) as error:
                if _moved_already(process_id=process_id, target=run.target):
                    run.done += 1  # moved before a retry of this chunk: the progress was not saved yet
                    continue
                run.failed += 1
                run.errors.append({"process": process_id, "errors": _messages(error)})
            else:
                run.done += 1
        run.save(update_fields=["done", "failed", "errors"])
    run.status = MigrationRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def _moved_already(*, process_id: int, target: ProcedureVersion) -> bool:
    return RecognitionProcess.objects.filter(pk=process_id, procedure_version=target).exists()


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    if isinstance(error, FlowLockFailed):
        return [_("Hồ sơ đang được người khác xử lý; hãy chuyển lại hồ sơ này sau.")]
    return [_("Không tìm thấy hồ sơ.")]


# Reads for the pages -----------------------------------------------------------------------------

CANDIDATES_SHOWN = 500


def migration_candidates(*, user: User, name: str = "", version: ProcedureVersion | None = None):
    """Running processes of the admin's subtree, oldest first, that a move may concern."""
    queryset = (
        processes_visible_to(user=user)
        .filter(status=STATUS.NEW, finished__isnull=True)
        .select_related("procedure_version__definition")
        .order_by("created", "pk")
    )
    if name:
        queryset = queryset.filter(movement_model__name__icontains=name)
    if version is not None:
        queryset = queryset.filter(procedure_version=version)
    return queryset


def migration_run_for(*, user: User, run_id: int) -> MigrationRun:
    """A run the user started (any run for a superuser); DoesNotExist otherwise."""
    runs = MigrationRun.objects.select_related("target__definition")
    if not user.is_superuser:
        runs = runs.filter(actor=user)
    return runs.get(pk=run_id)


def migration_run_progress(run: MigrationRun) -> dict:
    """What the page polls: counts, the share done, and the processes that could not move."""
    return {
        "run": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "total": run.total,
        "done": run.done,
        "failed": run.failed,
        "percent": round(100 * (run.done + run.failed) / run.total) if run.total else 100,
        "errors": run.errors,
    }
