"""Asking a worker to deliver outbox rows: the Celery publish, and who does it when.

With KHEO_OUTBOX_PUBLISH = "relay" (the default) the request only writes its rows and
the outbox relay (notifications/relay.py) publishes them from its own process; with
"on_commit" the request publishes them itself right after its commit.

Publishing is only a shortcut: the rows are already safe in the database, and the sweep
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
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

logger = logging.getLogger(__name__)

CHUNK = 100
_batch: ContextVar[list | None] = ContextVar("kheo_notification_batch", default=None)
_broker_down_until = 0.0


RELAY = "relay"
ON_COMMIT = "on_commit"


def publish_on_commit() -> bool:
    """Whether the request publishes its own rows after commit (else the relay does)."""
    mode = getattr(settings, "KHEO_OUTBOX_PUBLISH", RELAY)
    if mode not in (RELAY, ON_COMMIT):
        raise ImproperlyConfigured(f"KHEO_OUTBOX_PUBLISH must be {RELAY!r} or {ON_COMMIT!r}, not {mode!r}.")
    return mode == ON_COMMIT


def deliver_soon(notification_ids: list[int]) -> None:
    """In "on_commit" mode, publish a delivery message after the current transaction commits (never inside it)."""
    if not notification_ids or not publish_on_commit() or not getattr(settings, "KHEO_NOTIFICATIONS_PUBLISH", True):
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


def publish_delivery(ids: list[int], *, backoff: bool = True) -> bool:
    """Send delivery messages for `ids`; False (logged, not raised) when the broker is unreachable.

    `backoff=False` tries the broker even in the pause after a failure (the relay, which
    keeps no request waiting, retries at its own pace).
    """
    global _broker_down_until
    if not ids:
        return True
    if backoff and time.monotonic() < _broker_down_until:
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
