"""viewflow activations that record every task state change in the audit trail.

viewflow's signals do not cover create/assign/unassign/cancel/undo, so the human
task activation overrides each transition and writes the audit record inside the
same lock and transaction as the change.
"""

from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from recognition.audit_context import current_actor
from recognition.models import AuditAction
from recognition.services.audit import audit_record

ENGINE_ACTOR = "workflow_engine"


def _record(activation, action: str, *, actor=None, reason: str = "", payload=None) -> None:
    actor = actor or current_actor()
    audit_record(
        action=action,
        actor=actor,
        system_actor="" if actor is not None else ENGINE_ACTOR,
        movement_model=activation.process.movement_model,
        process_id=activation.process.pk,
        task_id=activation.task.pk,
        reason=reason,
        payload={"node": activation.flow_task.name, **(payload or {})},
    )


class AuditedViewActivation(ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """Create the task with its acting unit and candidates, then record it."""
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
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
        task.save()
        task.previous.add(prev_activation.task)
        _record(
            activation,
            AuditAction.TASK_CREATED,
            payload={"unit": task.unit_id, "permission": owner_permission, "owner": task.owner_id},
        )
        return activation

    @ViewActivation.status.super()
    def assign(self, user):
        super().assign.original(user)
        _record(self, AuditAction.TASK_CLAIMED, actor=user, payload={"owner": user.pk})

    @ViewActivation.status.super()
    def unassign(self):
        previous_owner = self.task.owner_id
        super().unassign.original()
        _record(self, AuditAction.TASK_RELEASED, payload={"previous_owner": previous_owner})

    @ViewActivation.status.super()
    def reassign(self, user=None):
        previous_owner = self.task.owner_id
        super().reassign.original(user=user)
        _record(
            self,
            AuditAction.TASK_REASSIGNED,
            payload={"previous_owner": previous_owner, "owner": self.task.owner_id},
        )

    @ViewActivation.status.super()
    def start(self, request):
        super().start.original(request)

    @ViewActivation.status.super()
    def cancel(self):
        super().cancel.original()
        _record(self, AuditAction.TASK_CANCELLED)

    @ViewActivation.status.super()
    def undo(self):
        super().undo.original()
        _record(self, AuditAction.TASK_UNDONE)
