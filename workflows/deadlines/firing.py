"""What happens when a deadline slot is due: a reminder, or an escalation (and maybe a reassignment).

A slot fires under the flow lock of its process, in the transaction that claims it
(pending → fired, one conditional UPDATE): a duplicate message, a retry or a second
beat that reaches it finds nothing left to do. Its notifications and its audit
record commit with the claim, or not at all.

A chunk of slots is first tried together, in one transaction holding the locks of
all their processes (a few statements per slot instead of a dozen); if anything in
it fails, or a process is busy, the chunk is fired again one slot at a time, so one
bad slot is recorded and retried later without holding back the others.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from notifications.dispatch import deliveries_batched
from notifications.models import NotificationKind
from notifications.services import NotificationDraft, notifications_create_many
from procedures.spec import EscalationLevel
from recognition.models import AuditAction
from recognition.services.audit import audit_batch, audit_record
from workflows.performers import user_may_perform

from .calendar import working_calendar
from .escalation import route_reassigns, supervisor_chain
from .models import DeadlineSlot
from .planning import task_context, task_stage_deadlines, task_url
from .recipients import Recipients, task_candidates, task_reminder_recipients

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A slot planned under a level its version no longer lists (it cannot happen for a pinned
# version, which never changes): the standing body of the units above is told.
DEFAULT_SUPERVISOR_ROLE = "standing_body"
_RELATED = (
    "task__process__movement_model",
    "task__process__followed_model",
    "task__process__registering_unit",
    "task__owner",
    "task__unit",
)


@dataclass
class FireReport:
    fired: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    already_done: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)


class _BatchFailed(Exception):
    pass


def deadline_slots_fire(*, slot_ids: list[int], now: datetime | None = None) -> FireReport:
    """Fire the given slots in due order; a failing slot is recorded and never stops the others."""
    now = now or timezone.now()
    report = FireReport()
    rows = list(
        DeadlineSlot.objects.filter(pk__in=slot_ids)
        .order_by("fire_at", "pk")
        .values_list("pk", "state", "task__process_id")
    )
    report.already_done = [pk for pk, state, _process in rows if state != DeadlineSlot.State.PENDING]
    pending = [(pk, process_id) for pk, state, process_id in rows if state == DeadlineSlot.State.PENDING]
    with deliveries_batched():
        if len(pending) > 1:
            try:
                _fire_together(pending=pending, now=now, report=report)
                return report
            except Exception:  # noqa: BLE001 - fall back to one slot at a time, which records the culprit
                logger.info("Firing %d slots together failed; firing them one by one", len(pending), exc_info=True)
        for slot_id, process_id in pending:
            _fire_alone(slot_id=slot_id, process_id=process_id, now=now, report=report)
    return report


def _fire_together(*, pending, now: datetime, report: FireReport) -> None:
    from workflows.flows import RecognitionFlow

    ids = [pk for pk, _process in pending]
    outcomes: dict[str, list[int]] = {"fired": [], "cancelled": []}
    with transaction.atomic():
        # The flow locks of every process of the chunk, in one statement, without waiting:
        # a process being worked on right now sends the chunk to the one-by-one path.
        process_ids = sorted({process_id for _pk, process_id in pending})
        locked = (
            RecognitionFlow.process_class._default_manager.filter(pk__in=process_ids)
            .order_by("pk")
            .select_for_update(nowait=True)
            .values_list("pk", flat=True)
        )
        if len(list(locked)) != len(process_ids):
            raise _BatchFailed("a process disappeared")
        claimed = DeadlineSlot.objects.filter(pk__in=ids, state=DeadlineSlot.State.PENDING).update(
            state=DeadlineSlot.State.FIRED, fired_at=now, attempts=F("attempts") + 1
        )
        if claimed != len(ids):
            raise _BatchFailed("another worker fired some of these slots")
        slots = list(DeadlineSlot.objects.filter(pk__in=ids).select_related(*_RELATED).order_by("fire_at", "pk"))
        firing = _Firing(now=now)
        # The chunk's audit records (one chain per model) go in with one insert.
        with audit_batch():
            for slot in slots:
                outcomes[firing.fire(slot)].append(slot.pk)
        firing.flush()
        _outcomes_save(slots)
    report.fired.extend(outcomes["fired"])
    report.cancelled.extend(outcomes["cancelled"])


def _outcomes_save(slots: list[DeadlineSlot]) -> None:
    """Write the state and outcome of many slots in one statement."""
    from django.db import connection

    if connection.vendor != "postgresql":
        DeadlineSlot.objects.bulk_update(slots, ["state", "outcome"])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workflows_deadlineslot AS slot SET state = v.state, outcome = v.outcome::jsonb "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, state, outcome) WHERE slot.id = v.id",
            [
                [slot.pk for slot in slots],
                [slot.state for slot in slots],
                [json.dumps(slot.outcome, cls=DjangoJSONEncoder) for slot in slots],
            ],
        )


def _fire_alone(*, slot_id: int, process_id: int, now: datetime, report: FireReport) -> None:
    from workflows.flows import RecognitionFlow

    try:
        with RecognitionFlow.lock(process_id):
            claimed = DeadlineSlot.objects.filter(pk=slot_id, state=DeadlineSlot.State.PENDING).update(
                state=DeadlineSlot.State.FIRED, fired_at=now, attempts=F("attempts") + 1
            )
            if not claimed:
                report.already_done.append(slot_id)
                return
            slot = DeadlineSlot.objects.select_related(*_RELATED).get(pk=slot_id)
            firing = _Firing(now=now)
            with audit_batch():
                outcome = firing.fire(slot)
            firing.flush()
            slot.save(update_fields=["state", "outcome"])
    except FlowLockFailed:
        # Someone is completing this task right now: look again at the next scan.
        DeadlineSlot.objects.filter(pk=slot_id, state=DeadlineSlot.State.PENDING).update(next_attempt_at=now)
        report.busy.append(slot_id)
        return
    except Exception as error:  # noqa: BLE001 - one broken slot must not stop the beat
        logger.exception("Deadline slot %s failed", slot_id)
        _record_failure(slot_id=slot_id, error=error, now=now)
        report.failed.append(slot_id)
        return
    getattr(report, outcome).append(slot_id)


def _record_failure(*, slot_id: int, error: Exception, now: datetime) -> None:
    slot = DeadlineSlot.objects.filter(pk=slot_id).values("attempts").first()
    attempts = (slot or {}).get("attempts", 0) + 1
    DeadlineSlot.objects.filter(pk=slot_id, state=DeadlineSlot.State.PENDING).update(
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=now + timedelta(minutes=2**attempts),
        state=DeadlineSlot.State.FAILED if attempts >= MAX_ATTEMPTS else DeadlineSlot.State.PENDING,
    )


class _Firing:
    """Fires claimed slots; keeps what several slots share (calendar, candidates, supervisors).

    Precondition for `fire`: the slot is claimed, inside the transaction holding the
    flow lock of its process. `flush` writes the collected notifications.
    """

    def __init__(self, *, now: datetime):
        self.now = now
        self.calendar = working_calendar()
        self.drafts: list[NotificationDraft] = []
        self._candidates: dict[tuple, list] = {}
        self._chains: dict[int | None, list] = {}

    def fire(self, slot: DeadlineSlot) -> str:
        task = slot.task
        if task.finished is not None or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            slot.state = DeadlineSlot.State.CANCELLED
            return "cancelled"
        if slot.kind == DeadlineSlot.Kind.REMINDER:
            slot.outcome = self._remind(slot, task)
        else:
            slot.outcome = self._escalate(slot, task)
        return "fired"

    def flush(self) -> None:
        notifications_create_many(drafts=self.drafts, now=self.now)
        self.drafts = []

    def _reminder_recipients(self, task) -> Recipients:
        if task.owner_id is not None:
            return task_reminder_recipients(task=task)
        key = (task.unit_id, task.owner_permission)
        if key not in self._candidates:
            self._candidates[key] = list(task_candidates(unit_id=task.unit_id, permission=task.owner_permission))
        return task_reminder_recipients(task=task, candidates=self._candidates[key])

    def _chain(self, unit_id: int | None, role: str) -> list:
        if (unit_id, role) not in self._chains:
            self._chains[unit_id, role] = supervisor_chain(unit_id=unit_id, role=role)
        return self._chains[unit_id, role]

    def _escalation_level(self, task, level: int) -> EscalationLevel | None:
        """The level as the task's pinned version defines it (its supervisor role, whether it reassigns)."""
        rules = task_stage_deadlines(task=task)
        return rules.escalation_level(level) if rules is not None else None

    def _audit(self, slot, task, *, action: str, payload: dict) -> None:
        audit_record(
            action=action,
            system_actor=slot.rule,
            movement_model_id=task.process.subject_model_id,
            process_id=task.process_id,
            task_id=task.pk,
            payload={"rule": slot.rule, "slot": slot.pk, "node": task.flow_task.name, **payload},
        )

    def _remind(self, slot, task) -> dict:
        recipients = self._reminder_recipients(task)
        days_before = self.calendar.working_days_between(timezone.localdate(slot.fire_at), task.due_on)
        self.drafts.append(
            NotificationDraft(
                recipients=recipients.users,
                kind=NotificationKind.REMINDER,
                context={**task_context(task=task), "days_before": days_before},
                source_key=f"deadline-slot:{slot.pk}",
                url=task_url(task=task),
            )
        )
        payload = {
            "recipients": recipients.usernames(),
            "skipped": recipients.skipped,
            "due_on": task.due_on.isoformat(),
        }
        self._audit(slot, task, action=AuditAction.REMINDER_SENT, payload=payload)
        return payload

    def _escalate(self, slot, task) -> dict:
        level = int(slot.rule.rsplit("-", 1)[1])
        escalation = self._escalation_level(task, level)
        role = escalation.supervisor_role if escalation else DEFAULT_SUPERVISOR_ROLE
        chain = self._chain(task.unit_id, role)
        overdue_days = self.calendar.working_days_between(task.due_on, timezone.localdate(slot.fire_at))
        recipients = Recipients()
        supervising_unit = None
        if len(chain) >= level:
            supervising_unit, holders = chain[level - 1]
            recipients.users = list(holders)
        else:
            recipients.skipped.append({"user": None, "reason": "no_supervisor_at_level"})
        context = {
            **task_context(task=task),
            "level": level,
            "overdue_days": overdue_days,
            "supervising_unit": str(supervising_unit or ""),
            "responsible": str(task.owner) if task.owner_id else _("(chưa có người nhận)"),
        }
        url = task_url(task=task)
        self.drafts.append(
            NotificationDraft(
                recipients=recipients.users,
                kind=NotificationKind.ESCALATION,
                context=context,
                source_key=f"deadline-slot:{slot.pk}",
                url=url,
            )
        )
        payload = {
            "level": level,
            "supervising_unit": supervising_unit.pk if supervising_unit else None,
            "recipients": recipients.usernames(),
            "skipped": recipients.skipped,
            "due_on": task.due_on.isoformat(),
            "overdue_working_days": overdue_days,
        }
        self._audit(slot, task, action=AuditAction.ESCALATED, payload=payload)
        if self._reassigns(task, level=level, escalation=escalation):
            payload["reassigned_to"] = self._reassign_to_supervisor(slot, task, recipients.users, context, url)
        return payload

    def _reassigns(self, task, *, level: int, escalation: EscalationLevel | None) -> bool:
        """The version's level says so, or (at level 1) the unit's escalation route does."""
        if task.status != STATUS.ASSIGNED:
            return False
        if escalation is not None and escalation.reassign:
            return True
        return level == 1 and route_reassigns(unit_id=task.unit_id)

    def _reassign_to_supervisor(self, slot, task, holders: list, context: dict, url: str) -> str | None:
        """Hand an overdue owned task to the first supervisor allowed to do it; None when nobody is."""
        previous_owner = task.owner
        new_owner = next(
            (
                user
                for user in holders
                if user.pk != task.owner_id
                and user.unit_id == task.unit_id
                and user_may_perform(user, task.owner_permission)
            ),
            None,
        )
        if new_owner is None:
            return None
        task.flow_task.activation_class(task).reassign(
            user=new_owner,
            reason=_("Quá hạn xử lý; chuyển cho người giám sát theo quy tắc chuyển cấp."),
            system_actor=slot.rule,
            payload={"rule": slot.rule, "recipients": [new_owner.get_username(), previous_owner.get_username()]},
        )
        self.drafts.append(
            NotificationDraft(
                recipients=[new_owner, previous_owner],
                kind=NotificationKind.REASSIGNED,
                context={**context, "previous_owner": str(previous_owner), "new_owner": str(new_owner)},
                source_key=f"deadline-slot:{slot.pk}:reassigned",
                url=url,
            )
        )
        return new_owner.get_username()
