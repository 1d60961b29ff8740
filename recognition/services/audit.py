"""The single writer of audit records, and the daily digest that seals the chains."""

import contextvars
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.audit import chain
from recognition.audit_context import current_request_metadata, current_workflow_scope
from recognition.models import AuditEvent, MovementModel, User
from recognition.models.audit import REASON_REQUIRED_ACTIONS, AuditAction, AuditChainHead, AuditDigest
from recognition.roles import user_roles
from recognition.savepoints import markers_alive, savepoint_marker

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


@contextmanager
def audit_batch():
    """Write the audit records of the block together when it ends: a few statements instead of 2–3 per record.

    Precondition: entered inside the transaction of the change and left before it
    ends (`with transaction.atomic(), audit_batch(): ...`). The records keep the
    order they were written in; their chains' heads are locked when the block ends,
    in one statement, and held until the caller commits. A record written inside a
    savepoint that was rolled back (an exception caught inside the block) is
    dropped, exactly as it would have been rolled back if written at once. When the
    block raises, nothing is written. Inside a batch, `audit_record` returns the
    event unsaved; it gets its primary key, position and hash when the block ends.
    Nested batches join the outermost one.
    """
    if _batch.get() is not None:
        yield
        return
    pending: list[tuple[AuditEvent, Any]] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    _chain_append(_not_rolled_back(pending))


_batch: contextvars.ContextVar[list | None] = contextvars.ContextVar("kheo_audit_batch", default=None)


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
    movement_model_id: int | None = None,
) -> AuditEvent | None:
    """Append one audit record to its model's hash chain, in the caller's transaction.

    Precondition: called inside `transaction.atomic()` together with the change it
    describes, so that the change and its record commit or roll back together.
    Exactly one of `actor` (a person) and `system_actor` (a rule or Celery task name)
    names who acted. Raises ValidationError when the action needs a reason and none
    is given. The chain head row is locked (SELECT ... FOR UPDATE) until the caller
    commits, so concurrent writers of one model queue instead of forking its chain.
    Inside `audit_batch()` the record is written when the batch ends.
    `movement_model_id` may name the model instead of `movement_model` (a caller
    that has only the id need not load the row).
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
    if movement_model is not None:
        movement_model_id = movement_model.pk
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
    pending = _batch.get()
    if pending is not None:
        pending.append((event, savepoint_marker()))
        return event
    # No savepoint of its own: a failed insert must fail the caller's whole transaction.
    _chain_append([event])
    return event


def _not_rolled_back(pending: list[tuple[AuditEvent, Any]]) -> list[AuditEvent]:
    if not pending:
        return []
    alive = markers_alive()
    return [event for event, marker in pending if marker in alive]


@dataclass
class _Head:
    pk: int
    sequence: int
    head_hash: str
    updated_at: datetime | None


def _chain_append(events: list[AuditEvent]) -> None:
    """Chain `events` (in order, any number of chains) after their heads, insert them and move the heads.

    Two statements on PostgreSQL (lock the heads; insert the records and move the
    heads in one statement), two plus one per chain on SQLite.
    """
    if not events:
        return
    heads = _chain_heads_locked(sorted({event.chain_key for event in events}))
    for event in events:
        head = heads[event.chain_key]
        # A chain reads forward in time even when a concurrent writer committed first.
        if head.updated_at is not None and event.occurred_at < head.updated_at:
            event.occurred_at = head.updated_at
        event.sequence = head.sequence + 1
        event.previous_hash = head.head_hash
        event.record_hash = chain.record_hash(event.previous_hash, chained_values(event))
        head.sequence, head.head_hash, head.updated_at = event.sequence, event.record_hash, event.occurred_at
    _insert_and_move_heads(events, heads)


# Plain SQL, built once per shape, without the ORM's per-query compilation.
_STORED_FIELDS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
# Text and integer columns go to the driver as they are; the others need the field's adaptation.
_PLAIN_TYPES = {"CharField", "TextField", "BigIntegerField", "PositiveBigIntegerField", "ForeignKey"}
_PREPARED = [(field.attname, None if field.get_internal_type() in _PLAIN_TYPES else field) for field in _STORED_FIELDS]
_ROWS_PER_STATEMENT = 500


def _quoted_tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(AuditEvent._meta.db_table), quote(AuditChainHead._meta.db_table)


@lru_cache(maxsize=64)
def _insert_sql(vendor: str, rows: int, heads: int) -> str:
    quote = connection.ops.quote_name
    events, head_table = _quoted_tables()
    columns = ", ".join(quote(field.column) for field in _STORED_FIELDS)
    row = "(" + ", ".join(["%s"] * len(_STORED_FIELDS)) + ")"
    insert = (
        f"INSERT INTO {events} ({columns}) VALUES {', '.join([row] * rows)} "
        f"RETURNING {quote('id')}, {quote('chain_key')}, {quote('sequence')}"
    )
    if vendor != "postgresql" or not heads:
        return insert
    moves = ", ".join(["(%s::bigint, %s::bigint, %s::varchar, %s::timestamptz)"] * heads)
    move = (
        f"UPDATE {head_table} AS head SET sequence = moved.sequence, head_hash = moved.head_hash, "
        f"updated_at = moved.updated_at FROM (VALUES {moves}) AS moved(id, sequence, head_hash, updated_at) "
        "WHERE head.id = moved.id"
    )
    return f"WITH inserted AS ({insert}), moved AS ({move}) SELECT * FROM inserted"


def _insert_and_move_heads(events: list[AuditEvent], heads: dict[str, _Head]) -> None:
    adapt_time = connection.ops.adapt_datetimefield_value
    moves = [(head.pk, head.sequence, head.head_hash, adapt_time(head.updated_at)) for head in heads.values()]
    is_postgresql = connection.vendor == "postgresql"
    by_position = {}
    with connection.cursor() as cursor:
        for start in range(0, len(events), _ROWS_PER_STATEMENT):
            chunk = events[start : start + _ROWS_PER_STATEMENT]
            values = [
                getattr(event, name) if field is None else field.get_db_prep_save(getattr(event, name), connection)
                for event in chunk
                for name, field in _PREPARED
            ]
            # PostgreSQL moves the heads with the last chunk's insert, in the same statement.
            last = start + _ROWS_PER_STATEMENT >= len(events)
            move_now = moves if is_postgresql and last else []
            cursor.execute(
                _insert_sql(connection.vendor, len(chunk), len(move_now)),
                values + [value for move in move_now for value in move],
            )
            by_position.update({(key, sequence): pk for pk, key, sequence in cursor.fetchall()})
        if not is_postgresql:
            statement = f"UPDATE {_quoted_tables()[1]} SET sequence = %s, head_hash = %s, updated_at = %s WHERE id = %s"
            for pk, sequence, head_hash, updated_at in moves:
                cursor.execute(statement, [sequence, head_hash, updated_at, pk])
    for event in events:
        event.pk = by_position[(event.chain_key, event.sequence)]
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


def _chain_heads_locked(chain_keys: list[str]) -> dict[str, _Head]:
    """The heads of the chains (sorted keys), locked until the caller's transaction ends; missing ones created."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    placeholders = ", ".join(["%s"] * len(chain_keys))
    with connection.cursor() as cursor:
        # Locked in key order, so two writers of the same chains cannot deadlock.
        cursor.execute(
            f"SELECT id, chain_key, sequence, head_hash, updated_at FROM {_quoted_tables()[1]} "
            f"WHERE chain_key IN ({placeholders}) ORDER BY chain_key{lock}",
            chain_keys,
        )
        heads = {
            key: _Head(pk, sequence, head_hash, _aware(updated)) for pk, key, sequence, head_hash, updated in cursor
        }
    for chain_key in chain_keys:
        if chain_key not in heads:
            heads[chain_key] = _chain_head_created(chain_key)
    return heads


def _aware(value) -> datetime | None:
    """A datetime column read with plain SQL (SQLite hands back UTC text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def _chain_head_created(chain_key: str) -> _Head:
    try:
        with transaction.atomic():
            head = AuditChainHead.objects.create(
                chain_key=chain_key, sequence=0, head_hash=chain.GENESIS_HASH, updated_at=timezone.now()
            )
            return _Head(head.pk, 0, head.head_hash, None)
    except IntegrityError:
        # Another writer created the head first: queue behind it.
        head = AuditChainHead.objects.select_for_update().get(chain_key=chain_key)
        return _Head(head.pk, head.sequence, head.head_hash, head.updated_at)


# Serialises sealers on PostgreSQL (SQLite serialises writers itself). A row lock on the
# digest table would need the UPDATE privilege the app role must not have there
# (recognition.database_roles); an advisory lock needs none.
_DIGEST_LOCK_KEY = 0x6B68656F


def _digest_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DIGEST_LOCK_KEY])


def audit_digest_seal(*, day: date | None = None) -> AuditDigest:
    """Seal the heads of every chain that grew since the previous digest (idempotent per day).

    Kept from before the Merkle tree: the signed checkpoints (`audit_tree`) are the
    anchor that holds against a database insider; a seal is recorded in the trail.

    Run daily by `recognition.audit.tasks.audit_digest_seal_task`.
    """
    day = day or timezone.localdate()
    with transaction.atomic():
        _digest_lock()
        existing = AuditDigest.objects.filter(day=day).first()
        if existing is not None:
            return existing
        previous = AuditDigest.objects.order_by("-day").first()
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
        digest = AuditDigest.objects.create(
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
        # The seal is itself a record, hence a leaf of the signed tree: deleting seals later is named.
        audit_record(
            action=AuditAction.AUDIT_SEALED,
            system_actor="audit.seal",
            payload={"day": day.isoformat(), "digest_hash": digest.digest_hash},
        )
        return digest
