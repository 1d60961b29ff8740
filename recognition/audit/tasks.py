"""Celery task that seals the day's audit chains.

Register it in the beat schedule (config), e.g. at 23:55 Asia/Ho_Chi_Minh:
`"audit-digest": {"task": "recognition.audit.tasks.audit_digest_seal_task", "schedule": crontab(hour=23, minute=55)}`.
"""

from celery import shared_task


@shared_task(name="recognition.audit.tasks.audit_digest_seal_task", soft_time_limit=120, time_limit=180)
def audit_digest_seal_task() -> str:
    from recognition.services.audit import audit_digest_seal

    return audit_digest_seal().digest_hash
