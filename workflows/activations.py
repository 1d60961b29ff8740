"""viewflow activations that record every task state change in the audit trail.

viewflow's signals do not cover create/assign/unassign/cancel/undo, so the human
task activation overrides each transition and writes the audit record inside the
same lock and transaction as the change.
"""

from django.db import connection, transaction
from django.utils import timezone
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_finished
from viewflow.workflow.status import STATUS

from recognition.audit_context import current_actor
from recognition.models import AuditAction
from recognition.services.audit import audit_record

from .deadlines.planning import deadline_slots_cancel, task_deadline_start, task_due_date_plan

ENGINE_ACTOR = "workflow_engine"


def _record(activation, action: str, *, actor=None, reason: str = "", payload=None, system_actor: str = "") -> None:
    # A rule acting on its own (a deadline escalation) names itself instead of the person in context.
    actor = None if system_actor else (actor or current_actor())
    audit_record(
        action=action,
        actor=actor,
        system_actor="" if actor is not None else (system_actor or ENGINE_ACTOR),
        movement_model_id=activation.process.subject_model_id,
        process_id=activation.process.pk,
        task_id=activation.task.pk,
        reason=reason,
        payload={"node": activation.flow_task.name, **(payload or {})},
    )


# What viewflow's transitions of a human task change; the rest of the row (unit, due
# date, scope, data) is written once, when the task is created.
TRANSITION_FIELDS = ("status", "owner", "assigned", "started", "finished")


def _engine_row_save(task) -> None:
    task.save(update_fields=TRANSITION_FIELDS)


def _unit_share(task, process) -> None:
    """Give the task the process's unit instance it acts for, when the process has it loaded already."""
    for name in ("organising_unit", "registering_unit"):
        field = process._meta.get_field(name)
        if getattr(process, field.attname) == task.unit_id and field.is_cached(process):
            task.unit = getattr(process, name)
            return


class AuditedViewActivation(ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """Create the task with its acting unit and candidates, then record it."""
        task = flow_task.flow_class.task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        task.unit_id = flow_task.calc_unit_id(activation)
        owner_permission = flow_task.calc_owner_permission(activation)
        if owner_permission:
            task.owner_permission = owner_permission
        owner = flow_task.calc_owner(activation)
        if owner:
            task.owner = owner
            task.status = STATUS.ASSIGNED
        _unit_share(task, activation.process)
        now = timezone.now()
        # The due date goes into the row as it is inserted, not in a second UPDATE.
        plan = task_due_date_plan(task=task, now=now)
        task.save()
        task.previous.add(prev_activation.task)
        task_deadline_start(task=task, now=now, plan=plan, due_date_saved=True)
        _record(
            activation,
            AuditAction.TASK_CREATED,
            payload={"unit": task.unit_id, "permission": owner_permission, "owner": task.owner_id},
        )
        return activation

    # assign, unassign, reassign and complete do what viewflow's do (ViewActivation,
    # Activation.complete) but save only viewflow's task row.

    @ViewActivation.status.super()
    def assign(self, user):
        self.task.owner = user
        _engine_row_save(self.task)
        _record(self, AuditAction.TASK_CLAIMED, actor=user, payload={"owner": user.pk})

    @ViewActivation.status.super()
    def unassign(self):
        previous_owner = self.task.owner_id
        self.task.owner = None
        _engine_row_save(self.task)
        _record(self, AuditAction.TASK_RELEASED, payload={"previous_owner": previous_owner})

    @ViewActivation.status.super()
    def reassign(self, user=None, reason: str = "", system_actor: str = "", payload=None):
        """Hand the task to another person; the audit trail refuses a reassignment without a reason."""
        previous_owner = self.task.owner_id
        if user:
            self.task.owner = user
        _engine_row_save(self.task)
        _record(
            self,
            AuditAction.TASK_REASSIGNED,
            reason=reason,
            system_actor=system_actor,
            payload={"previous_owner": previous_owner, "owner": self.task.owner_id, **(payload or {})},
        )

    @ViewActivation.status.super()
    def start(self, request):
        super().start.original(request)
        # A GET only shows the form (nothing is saved, no transaction): the start is
        # recorded when the submission is processed under the flow lock.
        if connection.in_atomic_block:
            user = getattr(request, "user", None)
            _record(self, AuditAction.TASK_STARTED, actor=user if getattr(user, "is_authenticated", False) else None)

    @ViewActivation.status.super()
    def complete(self):
        if not connection.in_atomic_block:
            raise RuntimeError("a task completes inside the transaction of the flow lock")
        self.task.finished = timezone.now()
        _engine_row_save(self.task)
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
        deadline_slots_cancel(task_id=self.task.pk)

    @ViewActivation.status.super()
    def cancel(self):
        super().cancel.original()
        deadline_slots_cancel(task_id=self.task.pk)
        _record(self, AuditAction.TASK_CANCELLED)

    @ViewActivation.status.super()
    def undo(self):
        super().undo.original()
        _record(self, AuditAction.TASK_UNDONE)


class AuditedFlowMixin:
    """Records the cancellation of a whole process (viewflow's CancelProcessView calls `Flow.cancel`).

    Each cancelled human task is recorded by its activation; the process record is
    written in the same transaction, after them.
    """

    def cancel(self, process):
        with transaction.atomic():
            super().cancel(process)
            actor = current_actor()
            audit_record(
                action=AuditAction.PROCESS_CANCELLED,
                actor=actor,
                system_actor="" if actor is not None else ENGINE_ACTOR,
                movement_model_id=process.subject_model_id,
                process_id=process.pk,
                payload={"status": process.status},
            )
