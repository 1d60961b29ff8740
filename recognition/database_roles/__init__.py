"""The PostgreSQL role the web app and Celery workers connect as, and exactly what it may do.

Two roles share one database: the *owner* (`DATABASE_MIGRATION_URL`) creates and alters
the tables in migrations; the *app role* (`DATABASE_URL`) runs the site and the workers.
The app role gets full DML on ordinary tables, but on the audit tables it may only add
and read rows: it owns nothing, so it cannot ALTER them or disable their triggers, and it
has no UPDATE, DELETE or TRUNCATE privilege on them.

The chain heads must move when a record is appended, so the app role may UPDATE the
columns that move (column privileges: never `chain_key`), and triggers installed with
the grants (`grants.py`) refuse, for every role but the owner, a head that does not move
forward, a new head that does not start at zero, and any DELETE. The writer (`recognition.services.audit`)
needs no change: it locks, inserts and moves heads exactly as before. No SECURITY
DEFINER function exists, so there is no owner-privileged code path to abuse.

Everything is driven by the lists below: a new append-only audit table is one line in
`APPEND_ONLY_MODELS`, then `manage.py db_roles` (after `migrate`) grants accordingly.
Code that runs as the app role must not lock rows of an append-only table
(`select_for_update` needs UPDATE): lock a head, or take an advisory lock.
"""

from dataclasses import dataclass

from recognition.models.audit import AuditChainHead, AuditCheckpoint, AuditDigest, AuditEvent, AuditLeaf

# INSERT and SELECT only. Add new append-only audit tables here (one line each).
APPEND_ONLY_MODELS = (AuditEvent, AuditDigest, AuditLeaf, AuditCheckpoint)


@dataclass(frozen=True)
class ForwardOnly:
    """A table whose rows only move forward: `counter` only grows, `movable` columns are all the app may UPDATE."""

    counter: str
    movable: tuple[str, ...]


# SELECT, INSERT (counter at 0), UPDATE of `movable` moving `counter` forward; never DELETE.
FORWARD_ONLY_MODELS = {
    AuditChainHead: ForwardOnly(counter="sequence", movable=("sequence", "head_hash", "updated_at")),
}

# Django's own bookkeeping the app reads (the "unapplied migrations" warning) but never writes.
READ_ONLY_TABLES = ("django_migrations",)


def append_only_primary_keys() -> dict[str, str]:
    """table -> its primary-key column, for statements that must name a column (the probe's UPDATE)."""
    return {model._meta.db_table: model._meta.pk.column for model in APPEND_ONLY_MODELS}


def append_only_tables() -> list[str]:
    return [model._meta.db_table for model in APPEND_ONLY_MODELS]


def forward_only_tables() -> dict[str, ForwardOnly]:
    return {model._meta.db_table: rule for model, rule in FORWARD_ONLY_MODELS.items()}
