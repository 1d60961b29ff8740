"""Asking a worker to deliver new outbox rows soon after their transaction commits.

This is only a shortcut: the rows are already safe in the database, and the sweep
of the beat delivers whatever a lost or failed message left behind. So a broker
that is down never fails the request that wrote the rows: the publish is tried
once, and after a failure the next ones are skipped for a short while instead of
making every request wait on a dead connection.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

CHUNK = 100
_batch: ContextVar[list | None] = ContextVar("kheo_notification_batch", default=None)
_broker_down_until = 0.0


def deliver_soon(notification_ids: list[int]) -> None:
    """Publish a delivery message after the current transaction commits (never inside it)."""
    if not notification_ids or not getattr(settings, "KHEO_NOTIFICATIONS_PUBLISH", True):
        return
    ids = list(notification_ids)
    transaction.on_commit(lambda: _after_commit(ids))


def _after_commit(ids: list[int]) -> None:
    buffer = _batch.get()
    if buffer is not None:
        buffer.extend(ids)
    else:
        publish_delivery(ids)


@contextmanager
def deliveries_batched():
    """Collect the delivery messages of many small transactions and publish them in chunks at the end."""
    token = _batch.set([])
    try:
        yield
    finally:
        ids = _batch.get()
        _batch.reset(token)
        publish_delivery(ids)


def publish_delivery(ids: list[int]) -> bool:
    """Send delivery messages for `ids`; False (logged, not raised) when the broker is unreachable."""
    global _broker_down_until
    if not ids:
        return True
    if time.monotonic() < _broker_down_until:
        return False
    from .tasks import notifications_deliver_task

    for start in range(0, len(ids), CHUNK):
        try:
            notifications_deliver_task.apply_async(args=[ids[start : start + CHUNK]], retry=False)
        except Exception:  # the broker is down: the sweep will deliver these rows later
            logger.warning("Broker unreachable, %d notification(s) left to the sweep", len(ids) - start, exc_info=True)
            _broker_down_until = time.monotonic() + getattr(settings, "KHEO_BROKER_BACKOFF_SECONDS", 30)
            return False
    return True


def broker_backoff_reset() -> None:
    global _broker_down_until
    _broker_down_until = 0.0
