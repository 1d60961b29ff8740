"""Celery adapters of the notifications app: ids in, one service call."""

from celery import shared_task
from django.db import DatabaseError

from .services import notifications_deliver, notifications_digest_send, notifications_sweep

RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError, ConnectionError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="notifications.deliver", **RETRY)
def notifications_deliver_task(notification_ids: list[int]) -> int:
    return len(notifications_deliver(notification_ids=notification_ids).sent)


@shared_task(name="notifications.sweep", **RETRY)
def notifications_sweep_task() -> int:
    """Publish again what the outbox still holds (broker was down, message lost, worker killed)."""
    return notifications_sweep()


@shared_task(name="notifications.digest", **{**RETRY, "soft_time_limit": 600, "time_limit": 660})
def notifications_digest_task() -> int:
    return notifications_digest_send()
