"""The single writer of audit records."""

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from recognition.audit_context import current_request_metadata, current_workflow_scope
from recognition.models import AuditEvent, MovementModel, User
from recognition.roles import user_roles

SYSTEM_PREFIX = "system:"


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    system_actor: str = "",
    movement_model: MovementModel | None = None,
    process_id: int | None = None,
    task_id: int | None = None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    on_behalf_of: User | None = None,
) -> AuditEvent:
    """Append one audit record in the caller's transaction.

    Precondition: called inside `transaction.atomic()` together with the change it
    describes, so that the change and its record commit or roll back together.
    Exactly one of `actor` (a person) and `system_actor` (a rule or Celery task name)
    names who acted.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if (actor is None) == (not system_actor):
        raise ValueError("name exactly one of actor and system_actor")

    metadata = current_request_metadata() if actor is not None else None
    scope = current_workflow_scope()
    with transaction.atomic():
        return AuditEvent.objects.create(
            occurred_at=timezone.now(),
            actor=actor,
            actor_label=actor.get_username() if actor is not None else f"{SYSTEM_PREFIX}{system_actor}",
            on_behalf_of=on_behalf_of,
            actor_unit_id=actor.unit_id if actor is not None else None,
            actor_roles=",".join(user_roles(actor)) if actor is not None else "",
            movement_model=movement_model,
            process_id=process_id if process_id is not None else scope.process_id,
            task_id=task_id if task_id is not None else scope.task_id,
            action=action,
            reason=reason,
            payload=payload or {},
            client_ip=metadata.client_ip if metadata else None,
            user_agent=metadata.user_agent if metadata else "",
        )
