"""A new human task's due date and its reminder and escalation slots.

Called by the task activation inside the transaction that creates the task, so the
task, its deadline and its "new task" notifications commit or roll back together.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format
from viewflow.workflow.status import STATUS

from notifications.dispatch import deliver_soon
from notifications.models import Notification, NotificationKind
from notifications.services import NotificationDraft, notification_rows_build
from procedures.selectors import spec_for_version_id
from recognition.savepoints import markers_alive, savepoint_marker

from .calendar import WorkingCalendar, local_moment, working_calendar
from .models import DeadlineSlot
from .policy import StageDeadlines, deadline_policy, notify_time, settings_stage_deadlines, stage_deadlines
from .recipients import task_reminder_recipients
from .statements import Statement, insert_statement, statements_run


@dataclass(frozen=True)
class DeadlinePlan:
    due_on: date
    budget: int
    calendar: WorkingCalendar
    rules: StageDeadlines
    notify_at: time


def task_stage_deadlines(*, task) -> StageDeadlines | None:
    """The deadlines of the task's stage in the version its process is pinned to (no query: cached per worker)."""
    own = getattr(task.flow_task, "stage_deadlines", None)
    if own is not None:
        # A follow-up task (workflows.followups) is no stage of a procedure version.
        return own()
    stage = task.flow_task.name
    version_id = task.process.procedure_version_id
    if version_id is None:
        return settings_stage_deadlines(deadline_policy(), stage)
    return stage_deadlines(spec_for_version_id(version_id), stage, task.data)


def task_due_date_plan(*, task, now: datetime) -> DeadlinePlan | None:
    """Set a new human task's due date and working-day budget on the instance (None: its stage has no SLA).

    Called before the task row is written, so the row is inserted with them.
    """
    rules = task_stage_deadlines(task=task)
    if rules is None:
        return None
    calendar = _calendar()
    budget = rules.sla_working_days
    if rules.clock_paused:
        budget = max(budget - _working_days_used(task=task, calendar=calendar), 0)
    task.due_on = calendar.add_working_days(timezone.localdate(now), budget)
    task.sla_working_days = budget
    return DeadlinePlan(due_on=task.due_on, budget=budget, calendar=calendar, rules=rules, notify_at=notify_time())


def task_deadline_start(
    *, task, now: datetime | None = None, plan: DeadlinePlan | None = None, due_date_saved: bool = False
) -> None:
    """Give a just-created human task its due date, plan its slots and tell the people who may do it.

    With `due_date_saved` the caller set the due date with `task_due_date_plan`
    before saving the task and passes its `plan` (None when the stage has no SLA).
    Inside `task_starts_batched()` the slots and notifications are written when the
    block ends, together with those of the other tasks it created.
    """
    from workflows.models import RecognitionTask

    now = now or timezone.now()
    if not due_date_saved:
        plan = task_due_date_plan(task=task, now=now)
        if plan is not None:
            RecognitionTask.objects.filter(pk=task.pk).update(due_on=plan.due_on, sla_working_days=plan.budget)
    slots = []
    if plan is not None:
        slots = deadline_slots_plan(
            task_id=task.pk,
            due_on=plan.due_on,
            now=now,
            calendar=plan.calendar,
            rules=plan.rules,
            notify_at=plan.notify_at,
        )
    start = _TaskStart(slots=slots, notification=_new_task_notification(task=task))
    batch = _batch.get()
    if batch is not None:
        batch.starts.append((start, savepoint_marker()))
    else:
        _task_starts_write([start], now=now)


@dataclass(frozen=True)
class _TaskStart:
    slots: list[DeadlineSlot]
    notification: NotificationDraft | None


@dataclass
class _Batch:
    starts: list[tuple[_TaskStart, object]] = field(default_factory=list)
    finished: list[tuple[int, object]] = field(default_factory=list)  # tasks whose pending slots end
    calendar: WorkingCalendar | None = None  # read once per batch


_batch: ContextVar[_Batch | None] = ContextVar("kheo_task_starts", default=None)


def _calendar() -> WorkingCalendar:
    batch = _batch.get()
    if batch is None:
        return working_calendar()
    if batch.calendar is None:
        batch.calendar = working_calendar()
    return batch.calendar


@contextmanager
def task_starts_batched():
    """Write the deadline slots and "new task" notifications of the tasks created in the block when it ends.

    One insert of slots and one of notifications (and one delivery message after
    commit) however many tasks the block created: a fan-out creates one per council
    member. Precondition, as for `audit_batch`: entered inside the transaction and
    left before it ends. When the block raises nothing is written; what a
    rolled-back savepoint created inside it is dropped. Nested blocks join the outermost.
    """
    if _batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    if batch.starts or batch.finished:
        alive = markers_alive()
        _task_starts_write(
            [start for start, marker in batch.starts if marker in alive],
            finished_task_ids=[task_id for task_id, marker in batch.finished if marker in alive],
            now=timezone.now(),
        )


def _task_starts_write(starts: list[_TaskStart], *, finished_task_ids: list[int] = (), now: datetime) -> None:
    """Finished tasks' slots cancelled, new tasks' slots and notifications inserted: one statement on PostgreSQL."""
    statements = []
    if finished_task_ids:
        statements.append(_slots_cancel_statement(list(finished_task_ids)))
    slots = [slot for start in starts for slot in start.slots]
    if slots:
        statements.append(insert_statement(DeadlineSlot, slots))
    drafts = [start.notification for start in starts if start.notification is not None]
    # The tasks were inserted in this transaction: no notification of them can exist yet.
    rows = notification_rows_build(drafts=drafts, now=now, new_event=True) if drafts else []
    if rows:
        statements.append(insert_statement(Notification, rows, returning=True))
    returned = statements_run(statements)
    if rows:
        for row, (pk,) in zip(rows, returned, strict=True):
            row.pk = pk
            row._state.adding = False
        deliver_soon([row.pk for row in rows])


def _slots_cancel_statement(task_ids: list[int]) -> Statement:
    table = connection.ops.quote_name(DeadlineSlot._meta.db_table)
    marks = ", ".join(["%s"] * len(task_ids))
    return Statement(
        sql=f"UPDATE {table} SET state = %s WHERE state = %s AND task_id IN ({marks})",
        params=[DeadlineSlot.State.CANCELLED, DeadlineSlot.State.PENDING, *task_ids],
    )


def _working_days_used(*, task, calendar: WorkingCalendar) -> int:
    """Working days already spent on earlier tasks of the same stage in this process.

    While the dossier is back with the unit (the `revise` task) this stage's clock is
    stopped: the new check resumes with what the earlier checks left, not a fresh SLA.
    """
    from workflows.models import RecognitionTask

    earlier = (
        RecognitionTask.objects.filter(process_id=task.process_id, flow_task=task.flow_task, finished__isnull=False)
        .exclude(pk=task.pk)  # None while the task is being planned, before its row is written
        .values_list("created", "finished")
    )
    return sum(
        calendar.working_days_between(timezone.localdate(created), timezone.localdate(finished))
        for created, finished in earlier
    )


def deadline_slots_plan(
    *, task_id: int, due_on: date, now: datetime, calendar: WorkingCalendar, rules: StageDeadlines, notify_at: time
) -> list[DeadlineSlot]:
    """The reminder slots (before and on the due day) and the escalation levels after it.

    A reminder that would fall before the task exists is not planned: a task with a
    two-day budget gets its due-day reminder only.
    """
    slots = []
    today = timezone.localdate(now)
    for offset in rules.reminder_offsets:
        day = calendar.subtract_working_days(due_on, -offset)
        if offset < 0 and day <= today:
            continue
        slots.append(_slot(task_id, DeadlineSlot.Kind.REMINDER, f"reminder.d{offset}", local_moment(day, notify_at)))
    after = 0
    for level, escalation in enumerate(rules.escalation, start=1):
        after += escalation.after_working_days
        day = calendar.add_working_days(due_on, after)
        slots.append(
            _slot(task_id, DeadlineSlot.Kind.ESCALATION, f"escalation.level-{level}", local_moment(day, notify_at))
        )
    return slots


def _slot(task_id: int, kind: str, rule: str, fire_at: datetime) -> DeadlineSlot:
    return DeadlineSlot(task_id=task_id, kind=kind, rule=rule, fire_at=fire_at, next_attempt_at=fire_at)


def deadline_slots_cancel(*, task_id: int) -> int | None:
    """The task is finished: its pending slots will never fire.

    Inside `task_starts_batched()` the cancellation joins the block's write (and None is
    returned); otherwise it is written now and the number of slots cancelled returned.
    """
    batch = _batch.get()
    if batch is not None:
        batch.finished.append((task_id, savepoint_marker()))
        return None
    return DeadlineSlot.objects.filter(task_id=task_id, state=DeadlineSlot.State.PENDING).update(
        state=DeadlineSlot.State.CANCELLED
    )


def task_context(*, task) -> dict:
    """What the notification templates say about a task (plain values: the notifications app knows no flows)."""
    process = task.process
    movement_model = process.subject_model
    return {
        "task_title": str(task.title),
        "model_name": movement_model.name if movement_model else "",
        "registering_unit": str(process.registering_unit) if process.registering_unit_id else "",
        "task_unit": str(task.unit) if task.unit_id else "",
        "due_on": date_format(task.due_on, "d/m/Y") if task.due_on else "",
        "sla_working_days": task.sla_working_days,
        "unclaimed": task.owner_id is None,
    }


def task_url(*, task) -> str:
    try:
        return task.flow_task.reverse("index", args=[task.process_id, task.pk])
    except Exception:  # a node without a page (should not happen for human tasks): the inbox still lists it
        return ""


def _new_task_notification(*, task) -> NotificationDraft | None:
    """The "new task" message: to the task's owner, or to every candidate while it is unclaimed."""
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return None
    return NotificationDraft(
        recipients=task_reminder_recipients(task=task).users,
        kind=NotificationKind.TASK_ASSIGNED,
        context=task_context(task=task),
        source_key=f"task-created:{task.pk}",
        url=task_url(task=task),
    )
