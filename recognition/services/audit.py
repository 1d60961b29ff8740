"""The single writer of audit records, and the daily digest that seals the chains."""

import contextvars
import json
from contextlib import contextmanager
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.audit import chain
from recognition.audit_context import current_request_metadata, current_workflow_scope
from recognition.models import AuditEvent, MovementModel, User
from recognition.models.audit import REASON_REQUIRED_ACTIONS, AuditChainHead, AuditDigest
from recognition.roles import user_roles

SYSTEM_PREFIX = "system:"
DIGEST_OVERLAP = timedelta(minutes=10)

_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("kheo_audit_suspended", default=False)


@contextmanager
def audit_suspended():
    """Skip audit writes inside the block. FOR THE BENCHMARK ONLY (`bench/audit.py`).

    It exists to measure what the audit write costs a human step; production code
    and tests of behaviour must never use it.
    """
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


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
) -> AuditEvent | None:
    """Append one audit record to its model's hash chain, in the caller's transaction.

    Precondition: called inside `transaction.atomic()` together with the change it
    describes, so that the change and its record commit or roll back together.
    Exactly one of `actor` (a person) and `system_actor` (a rule or Celery task name)
    names who acted. Raises ValidationError when the action needs a reason and none
    is given. The chain head row is locked (SELECT ... FOR UPDATE) until the caller
    commits, so concurrent writers of one model queue instead of forking its chain.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if (actor is None) == (not system_actor):
        raise ValueError("name exactly one of actor and system_actor")
    reason = (reason or "").strip()
    if action in REASON_REQUIRED_ACTIONS and not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do cho thao tác này.")})
    if _suspended.get():
        return None

    metadata = current_request_metadata() if actor is not None else None
    scope = current_workflow_scope()
    movement_model_id = movement_model.pk if movement_model is not None else None
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else f"{SYSTEM_PREFIX}{system_actor}",
        on_behalf_of=on_behalf_of,
        actor_unit_id=actor.unit_id if actor is not None else None,
        actor_roles=",".join(user_roles(actor)) if actor is not None else "",
        movement_model_id=movement_model_id,
        process_id=process_id if process_id is not None else scope.process_id,
        task_id=task_id if task_id is not None else scope.task_id,
        action=action,
        reason=reason,
        # Stored exactly as it will be read back, so the hash can be recomputed.
        payload=chain.normalise_json(json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))),
        client_ip=chain.normalise_ip(metadata.client_ip) if metadata else None,
        user_agent=(metadata.user_agent if metadata else "")[:500],
        chain_key=chain.chain_key_for(movement_model_id),
    )
    # No savepoint of its own: a failed insert must fail the caller's whole transaction.
    head_id, sequence, previous_hash = _chain_head_locked(event.chain_key)
    event.sequence = sequence + 1
    event.previous_hash = previous_hash
    event.record_hash = chain.record_hash(event.previous_hash, chained_values(event))
    _insert_and_move_head(event, head_id)
    return event


# Every human step writes several records: plain SQL, prepared once, keeps each to
# two statements on PostgreSQL (lock the head; insert and move the head in one
# statement) and three on SQLite, without the ORM's per-query compilation.
_STORED_FIELDS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]


@cache
def _sql_for(vendor: str) -> dict[str, str]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _STORED_FIELDS)
    placeholders = ", ".join(["%s"] * len(_STORED_FIELDS))
    events, heads = quote(AuditEvent._meta.db_table), quote(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    insert = f"INSERT INTO {events} ({columns}) VALUES ({placeholders}) RETURNING {quote('id')}"
    head_update = f"UPDATE {heads} SET sequence = %s, head_hash = %s, updated_at = %s WHERE id = %s"
    statements = {
        "insert": insert,
        "head_select": f"SELECT id, sequence, head_hash FROM {heads} WHERE chain_key = %s{lock}",
        "head_update": head_update,
    }
    if vendor == "postgresql":
        statements["insert_and_move"] = (
            f"WITH inserted AS ({insert}), moved AS ({head_update}) SELECT {quote('id')} FROM inserted"
        )
    return statements


def _sql() -> dict[str, str]:
    return _sql_for(connection.vendor)


# Text and integer columns go to the driver as they are; the others need the field's adaptation.
_PLAIN_TYPES = {"CharField", "TextField", "BigIntegerField", "PositiveBigIntegerField", "ForeignKey"}
_PREPARED = [(field.attname, None if field.get_internal_type() in _PLAIN_TYPES else field) for field in _STORED_FIELDS]


def _insert_and_move_head(event: AuditEvent, head_id: int) -> None:
    values = [
        getattr(event, name) if field is None else field.get_db_prep_save(getattr(event, name), connection)
        for name, field in _PREPARED
    ]
    head = [event.sequence, event.record_hash, connection.ops.adapt_datetimefield_value(event.occurred_at), head_id]
    statements = _sql()
    with connection.cursor() as cursor:
        if "insert_and_move" in statements:
            cursor.execute(statements["insert_and_move"], values + head)
            event.pk = cursor.fetchone()[0]
        else:
            cursor.execute(statements["insert"], values)
            event.pk = cursor.fetchone()[0]
            cursor.execute(statements["head_update"], head)
    event._state.adding = False


def chained_values(event: AuditEvent) -> dict[str, Any]:
    """The canonical values of an event, as hashed (see `recognition.audit.chain`)."""
    return {
        "chain_key": event.chain_key,
        "sequence": event.sequence,
        "occurred_at": chain.canonical_time(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "on_behalf_of_id": event.on_behalf_of_id,
        "actor_unit_id": event.actor_unit_id,
        "actor_roles": event.actor_roles,
        "movement_model_id": event.movement_model_id,
        "process_id": event.process_id,
        "task_id": event.task_id,
        "action": event.action,
        "reason": event.reason,
        "payload": event.payload,
        "client_ip": event.client_ip,
        "user_agent": event.user_agent,
    }


def _chain_head_locked(chain_key: str) -> tuple[int, int, str]:
    """(id, sequence, hash) of the chain's head row, locked until the caller's transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(_sql()["head_select"], [chain_key])
        row = cursor.fetchone()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            head = AuditChainHead.objects.create(
                chain_key=chain_key, sequence=0, head_hash=chain.GENESIS_HASH, updated_at=timezone.now()
            )
            return head.pk, 0, head.head_hash
    except IntegrityError:
        # Another writer created the head first: queue behind it.
        head = AuditChainHead.objects.select_for_update().get(chain_key=chain_key)
        return head.pk, head.sequence, head.head_hash


def audit_digest_seal(*, day: date | None = None) -> AuditDigest:
    """Seal the heads of every chain that grew since the previous digest (idempotent per day).

    Run daily by `recognition.audit.tasks.audit_digest_seal_task`.
    """
    day = day or timezone.localdate()
    with transaction.atomic():
        existing = AuditDigest.objects.filter(day=day).first()
        if existing is not None:
            return existing
        previous = AuditDigest.objects.select_for_update().order_by("-day").first()
        heads = AuditChainHead.objects.all()
        if previous is not None:
            # Overlap the previous seal: a head written by a transaction that committed
            # just after that seal was read must not slip between two digests.
            heads = heads.filter(updated_at__gt=previous.sealed_at - DIGEST_OVERLAP)
        sealed_at = timezone.now()
        head_map = {
            key: [sequence, head_hash]
            for key, sequence, head_hash in heads.values_list("chain_key", "sequence", "head_hash")
            if sequence > 0
        }
        chains_total = AuditChainHead.objects.count()
        previous_hash = previous.digest_hash if previous is not None else chain.GENESIS_HASH
        return AuditDigest.objects.create(
            day=day,
            sealed_at=sealed_at,
            heads=head_map,
            chains_total=chains_total,
            previous_hash=previous_hash,
            digest_hash=chain.digest_hash(
                previous_hash,
                day=day.isoformat(),
                sealed_at=chain.canonical_time(sealed_at),
                heads=head_map,
                chains_total=chains_total,
            ),
        )
