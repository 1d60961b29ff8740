"""The sequencer of the audit Merkle tree, signed checkpoints and their witnesses outside the database.

Writers never touch the tree: `audit_record` only appends to its model's chain, so
steps of different models do not queue on one global lock. The sequencer
(`audit_tree_append`, run by Celery beat every minute and on demand before a
checkpoint is written or a bundle exported) appends the records committed since
its last run, in id order, and signs a checkpoint of the new tree. A record thus
enters the tree within about a minute of its commit; `KHEO_AUDIT_MAX_MERGE_DELAY_SECONDS`
(Certificate Transparency's "maximum merge delay") bounds how late it may enter
before the verifier calls it inserted after the fact.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import notifications_create
from recognition.audit import chain, merkle
from recognition.audit.keys import signing_key
from recognition.audit.signing import CHECKPOINT_FORMAT, CHECKPOINT_VERSION, checkpoint_sign
from recognition.models import User
from recognition.models.audit import AuditCheckpoint, AuditEvent, AuditLeaf
from recognition.roles import Role

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the sequencer ("kheo" in ASCII): one sequencer at a time.
SEQUENCER_LOCK = 0x6B68656F
_BATCH = 20_000
WITNESS_FILE = "checkpoints.jsonl"


class AuditTreeBroken(Exception):
    """The leaves stored disagree with the latest signed checkpoint: the sequencer refuses to extend them."""


def max_merge_delay() -> timedelta:
    return timedelta(seconds=getattr(settings, "KHEO_AUDIT_MAX_MERGE_DELAY_SECONDS", 3600))


def checkpoint_latest() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-tree_size", "-signed_at", "-pk").first()


def checkpoint_json(checkpoint: AuditCheckpoint) -> dict:
    """The checkpoint as witnesses hold it: the signed fields and the signature."""
    return {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "origin": checkpoint.origin,
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "timestamp": chain.canonical_time(checkpoint.signed_at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def audit_tree_append(*, now=None) -> AuditCheckpoint | None:
    """Append every committed record not yet in the tree, then sign and store a checkpoint of the new tree.

    Returns the new checkpoint, or None when no record was waiting. Idempotent and
    safe to run concurrently (an advisory lock on PostgreSQL, the unique tree index
    and record id everywhere). Raises SigningKeyError before writing anything when
    no signing key is configured, and AuditTreeBroken when the stored leaves do not
    match the latest checkpoint (tampering: see `audit_verify`).
    """
    key = signing_key()
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEQUENCER_LOCK])
        latest = checkpoint_latest()
        frontier = (
            merkle.Frontier(latest.tree_size, [bytes.fromhex(value) for value in latest.frontier])
            if latest
            else merkle.Frontier()
        )
        highest = AuditLeaf.objects.aggregate(highest=Max("tree_index"))["highest"]
        stored = 0 if highest is None else highest + 1
        if stored != frontier.size:
            raise AuditTreeBroken(
                _("Cây nhật ký có %(stored)s lá nhưng mốc đã ký gần nhất ghi %(signed)s lá: chạy audit_verify.")
                % {"stored": stored, "signed": frontier.size}
            )
        size_before = frontier.size
        last_event_id = latest.last_event_id if latest else 0
        after = _settled_watermark(now)
        while rows := _unsequenced(after):
            leaves = []
            for event_id, chain_key, sequence, record_hash in rows:
                leaf = merkle.record_leaf_hash(event_id, chain_key, sequence, record_hash)
                leaves.append(
                    AuditLeaf(
                        tree_index=frontier.size,
                        event_id=event_id,
                        chain_key=chain_key,
                        sequence=sequence,
                        leaf_hash=leaf.hex(),
                        appended_at=now,
                    )
                )
                frontier.append(leaf)
            AuditLeaf.objects.bulk_create(leaves, batch_size=5000)
            after = rows[-1][0]
            last_event_id = max(last_event_id, after)
        if frontier.size == size_before:
            return None
        checkpoint = _checkpoint_store(key, frontier, last_event_id, now)
    return checkpoint


def _settled_watermark(now) -> int:
    """Records with a lower id committed long ago: the sequencer looks only above it, not through the whole table."""
    settled = (
        AuditCheckpoint.objects.filter(signed_at__lte=now - max_merge_delay())
        .order_by("-tree_size", "-signed_at")
        .values_list("last_event_id", flat=True)
        .first()
    )
    return settled or 0


def _unsequenced(after: int) -> list[tuple]:
    quote = connection.ops.quote_name
    events, leaves = quote(AuditEvent._meta.db_table), quote(AuditLeaf._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, e.chain_key, e.sequence, e.record_hash FROM {events} e WHERE e.id > %s "
            f"AND NOT EXISTS (SELECT 1 FROM {leaves} l WHERE l.event_id = e.id) ORDER BY e.id LIMIT {_BATCH}",
            [after],
        )
        return cursor.fetchall()


def _checkpoint_store(key, frontier: merkle.Frontier, last_event_id: int, now) -> AuditCheckpoint:
    signed = checkpoint_sign(
        key,
        origin=settings.KHEO_AUDIT_ORIGIN,
        tree_size=frontier.size,
        root_hash=frontier.root().hex(),
        timestamp=chain.canonical_time(now),
    )
    checkpoint = AuditCheckpoint.objects.create(
        tree_size=frontier.size,
        root_hash=signed["root_hash"],
        signed_at=now,
        origin=signed["origin"],
        key_id=signed["key_id"],
        signature=signed["signature"],
        frontier=frontier.hex_hashes(),
        last_event_id=last_event_id,
    )
    transaction.on_commit(lambda: witness_file_append(signed))
    return checkpoint


def witness_file_append(checkpoint: dict) -> None:
    """Append the checkpoint to `KHEO_AUDIT_WITNESS_DIR/checkpoints.jsonl` (one JSON object per line).

    The operator ships this file elsewhere (rsync, a write-once bucket, paper); any
    line of it lets `audit_verify --witness` prove the trail still extends it. A
    write failure is logged, never raised: the checkpoint is also in the database,
    in the daily e-mail and behind the API.
    """
    directory = getattr(settings, "KHEO_AUDIT_WITNESS_DIR", "")
    if not directory:
        return
    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
        descriptor = os.open(Path(directory) / WITNESS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, orjson.dumps(checkpoint, option=orjson.OPT_SORT_KEYS) + b"\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError:
        logger.exception("audit checkpoint %s not written to the witness directory", checkpoint.get("tree_size"))


def checkpoint_current() -> AuditCheckpoint | None:
    """Sequence what is waiting, then the latest checkpoint (what `audit_checkpoint --out` writes)."""
    return audit_tree_append() or checkpoint_latest()


def top_unit_auditors():
    return User.objects.filter(is_active=True, groups__name=Role.AUDITOR, unit__depth=1).distinct()


def audit_checkpoint_publish(*, now=None) -> AuditCheckpoint | None:
    """The daily witness e-mail: the current signed checkpoint to every auditor of a top-level unit.

    Through the notification outbox (once per checkpoint and day, whatever retries).
    Run by `recognition.audit.tasks.audit_checkpoint_publish_task`.
    """
    now = now or timezone.now()
    checkpoint = audit_tree_append(now=now) or checkpoint_latest()
    if checkpoint is None:
        return None
    data = checkpoint_json(checkpoint)
    with transaction.atomic():
        notifications_create(
            recipients=top_unit_auditors(),
            kind=NotificationKind.AUDIT_CHECKPOINT,
            context={
                "checkpoint": data,
                "checkpoint_text": orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode(),
                "signed_at": timezone.localtime(checkpoint.signed_at),
            },
            source_key=f"audit-checkpoint:{timezone.localdate(now).isoformat()}:{checkpoint.tree_size}",
            url="/audit/checkpoint/",
        )
    return checkpoint
