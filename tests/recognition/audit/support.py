"""An insider with the database's owner role: raw SQL, triggers switched off, hashes recomputed."""

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection

from recognition.audit import chain, merkle
from recognition.models import AuditEvent
from recognition.models.audit import AuditChainHead, AuditCheckpoint, AuditDigest, AuditLeaf
from recognition.services.audit import chained_values

IS_POSTGRES = connection.vendor == "postgresql"
TABLES = [model._meta.db_table for model in (AuditEvent, AuditChainHead, AuditDigest, AuditLeaf, AuditCheckpoint)]
EVENTS, HEADS, DIGESTS, LEAVES, CHECKPOINTS = TABLES


class Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@dataclass
class Verdict:
    code: int
    output: str


def audit_verify(*args) -> Verdict:
    """`manage.py audit_verify ARGS`: its exit status and everything it printed."""
    out, err = Out(), Out()
    try:
        call_command("audit_verify", *[str(arg) for arg in args], stdout=out, stderr=err)
    except CommandError as failure:
        return Verdict(failure.returncode, f"{failure}\n{out.text}{err.text}")
    return Verdict(0, out.text + err.text)


@contextmanager
def insider():
    """A cursor past every guard: on PostgreSQL the owner disables the triggers first, as an insider can."""
    if IS_POSTGRES:
        with connection.cursor() as cursor:
            # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        if IS_POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rechain(cursor, chain_key: str) -> str:
    """Recompute every hash of a chain from its rows as they now are, and move its head to match."""
    previous = chain.GENESIS_HASH
    last = None
    for event in AuditEvent.objects.filter(chain_key=chain_key).order_by("sequence"):
        event.previous_hash = previous
        event.record_hash = chain.record_hash(previous, chained_values(event))
        cursor.execute(
            f"UPDATE {EVENTS} SET previous_hash = %s, record_hash = %s WHERE id = %s",
            [event.previous_hash, event.record_hash, event.pk],
        )
        previous, last = event.record_hash, event
    cursor.execute(
        f"UPDATE {HEADS} SET sequence = %s, head_hash = %s WHERE chain_key = %s",
        [last.sequence if last else 0, previous, chain_key],
    )
    return previous


def reseal(cursor) -> None:
    """Rewrite the seal chain (and the seals' own records) to agree with the chains as they now are."""
    heads = {
        key: [sequence, head]
        for key, sequence, head in AuditChainHead.objects.values_list("chain_key", "sequence", "head_hash")
    }
    previous = chain.GENESIS_HASH
    for digest in AuditDigest.objects.order_by("day"):
        sealed = {key: heads[key] for key in digest.heads if key in heads and heads[key][0] > 0}
        digest_hash = chain.digest_hash(
            previous,
            day=digest.day.isoformat(),
            sealed_at=chain.canonical_time(digest.sealed_at),
            heads=sealed,
            chains_total=digest.chains_total,
        )
        cursor.execute(
            f"UPDATE {DIGESTS} SET heads = %s, previous_hash = %s, digest_hash = %s WHERE id = %s",
            [json.dumps(sealed), previous, digest_hash, digest.pk],
        )
        for event in AuditEvent.objects.filter(action="audit_sealed", payload__day=digest.day.isoformat()):
            cursor.execute(
                f"UPDATE {EVENTS} SET payload = %s WHERE id = %s",
                [json.dumps({"day": digest.day.isoformat(), "digest_hash": digest_hash}), event.pk],
            )
        previous = digest_hash
    rechain(cursor, chain.GLOBAL_CHAIN)


def releaf(cursor, events) -> None:
    """Recompute the leaves of these records as they now are (the insider who knows the tree too)."""
    for event in events:
        event.refresh_from_db()
        leaf = merkle.record_leaf_hash(event.pk, event.chain_key, event.sequence, event.record_hash).hex()
        cursor.execute(
            f"UPDATE {LEAVES} SET leaf_hash = %s, chain_key = %s, sequence = %s WHERE event_id = %s",
            [leaf, event.chain_key, event.sequence, event.pk],
        )


def insert_event(cursor, *, like: AuditEvent, sequence: int, occurred_at, reason: str) -> int:
    """A forged record copied from `like`, at `sequence` of the same chain, with made-up hashes (rechain later)."""
    cursor.execute(
        f"INSERT INTO {EVENTS} (occurred_at, actor_id, actor_label, actor_roles, movement_model_id, action, reason,"
        " payload, user_agent, chain_key, sequence, previous_hash, record_hash)"
        " VALUES (%s, %s, %s, '', %s, 'evaluation_passed', %s, '{}', '', %s, %s, '', '')",
        [occurred_at, like.actor_id, like.actor_label, like.movement_model_id, reason, like.chain_key, sequence],
    )
    return AuditEvent.objects.get(chain_key=like.chain_key, sequence=sequence, reason=reason).pk


def witness_path(tmp_path: Path) -> Path:
    path = tmp_path / "moc.json"
    call_command("audit_checkpoint", "--out", str(path), stdout=Out())
    return path
