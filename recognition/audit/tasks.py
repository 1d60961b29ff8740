"""Celery task that seals the day's audit chains.

Scheduled by the beat at 23:55 Asia/Ho_Chi_Minh (`config/settings/base.py`). Sealing is
idempotent per day, so a retried or duplicated run changes nothing.
"""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    name="recognition.audit.tasks.audit_digest_seal_task",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def audit_digest_seal_task() -> str:
    from recognition.services.audit import audit_digest_seal

    return audit_digest_seal().digest_hash
