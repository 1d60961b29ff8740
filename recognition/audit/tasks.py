"""Celery tasks of the audit trail: the daily seal, the tree sequencer, the daily witness e-mail.

Scheduled by the beat (`config/settings/base.py`): the sequencer every minute, the
seal at 23:55 and the checkpoint e-mail at 23:58 Asia/Ho_Chi_Minh. Each is
idempotent, so a retried or duplicated run changes nothing.
"""

from celery import shared_task
from django.db import DatabaseError

from recognition.services.audit import audit_digest_seal
from recognition.services.audit_tree import audit_checkpoint_publish, audit_tree_append

_RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 8,
    "soft_time_limit": 120,
    "time_limit": 180,
}


@shared_task(name="recognition.audit.tasks.audit_digest_seal_task", **_RETRY)
def audit_digest_seal_task() -> str:
    return audit_digest_seal().digest_hash


@shared_task(name="recognition.audit.tasks.audit_tree_append_task", **_RETRY)
def audit_tree_append_task() -> int | None:
    checkpoint = audit_tree_append()
    return checkpoint.tree_size if checkpoint else None


@shared_task(name="recognition.audit.tasks.audit_checkpoint_publish_task", **_RETRY)
def audit_checkpoint_publish_task() -> int | None:
    checkpoint = audit_checkpoint_publish()
    return checkpoint.tree_size if checkpoint else None
