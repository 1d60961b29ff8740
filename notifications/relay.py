"""The outbox relay: publishes the delivery messages of new outbox rows, outside any request.

A request (or a worker firing deadlines) only writes its outbox rows; in "relay" mode
(KHEO_OUTBOX_PUBLISH) they are written with `relayed_at` empty. This long-running
process (`manage.py outbox_relay`) claims such rows, marking them, and publishes one
Celery delivery message per hundred of them. The guarantee stays the outbox's: a row
is committed with the change or not at all, the worker's delivery is idempotent (it
claims each row before sending), and the beat's sweep republishes whatever a lost
message, a dead relay or a broker outage left pending.

Waking up: on PostgreSQL the relay LISTENs on CHANNEL, which a trigger on the outbox
table NOTIFYs in the inserting transaction (migration 0003: delivered on commit only,
never for a rollback), and it also looks every KHEO_OUTBOX_RELAY_POLL_SECONDS in case
a notification was missed (a reconnection). On SQLite it polls every
KHEO_OUTBOX_RELAY_SQLITE_POLL_SECONDS.

Several relays may run (one per host, or a spare): see `notifications_relay_claim`.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .dispatch import publish_delivery
from .models import Notification

logger = logging.getLogger(__name__)

# The channel migration 0003's trigger NOTIFYs when rows waiting for the relay are inserted.
CHANNEL = "kheo_outbox"
BATCH = 500
# While waiting, a stop request (SIGTERM, Ctrl-C) is noticed within this many seconds.
WAIT_SLICE = 0.5


def notifications_relay_claim(*, limit: int = BATCH, now=None) -> list[int]:
    """Mark up to `limit` rows still to publish as published; their ids, oldest first.

    Two relays never both take a row. PostgreSQL: the rows are locked FOR UPDATE SKIP
    LOCKED, so a relay claiming at the same moment takes other rows (or none) without
    waiting, and a row the other one marked meanwhile no longer matches. SQLite has a
    single writer: a relay whose read overlapped another's claim fails on its UPDATE
    ("database is locked") and claims nothing; it looks again on its next round. (The
    same holds for any other SQLite transaction that read before a relay's mark and
    writes after it, as with the worker's writes: SQLite is for development.)
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(relayed_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(relayed_at=now)
    return ids


def notifications_relay_publish(*, limit: int = BATCH) -> int | None:
    """Claim and publish, batch by batch, until nothing waits; how many rows were published.

    None when the broker is unreachable: the batch in hand is given back to the next
    round (a copy already sent is harmless, delivery is idempotent), and the sweep
    delivers the rows anyway if the broker stays down.
    """
    published = 0
    while True:
        ids = notifications_relay_claim(limit=limit)
        if not ids:
            return published
        if not publish_delivery(ids, backoff=False):
            Notification.objects.filter(pk__in=ids).update(relayed_at=None)
            return None
        published += len(ids)
        if len(ids) < limit:
            return published


def _listen() -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {CHANNEL}")


def _notified(*, stop: threading.Event, timeout: float) -> bool:
    """Wait on the LISTEN connection up to `timeout` seconds; True when a NOTIFY came."""
    deadline = time.monotonic() + timeout
    raw = connection.connection
    while not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        # Each generator runs to its end: while open it holds the connection's lock.
        if list(raw.notifies(timeout=min(WAIT_SLICE, remaining), stop_after=1)):
            list(raw.notifies(timeout=0))  # those that came meanwhile: one round serves them all
            return True
    return False


def outbox_relay_run(*, stop: threading.Event, limit: int = BATCH) -> None:
    """Publish what waits, then wait for a NOTIFY (PostgreSQL) or the poll interval, until `stop` is set."""
    listens = connection.vendor == "postgresql"
    poll = settings.KHEO_OUTBOX_RELAY_POLL_SECONDS if listens else settings.KHEO_OUTBOX_RELAY_SQLITE_POLL_SECONDS
    listening = False
    while not stop.is_set():
        try:
            if listens and not listening:
                _listen()
                listening = True
            published = notifications_relay_publish(limit=limit)
            if published:
                logger.info("Published the delivery of %d notification(s)", published)
            if published is None:
                logger.warning("Broker unreachable: trying again in %s s (the sweep delivers meanwhile)", poll)
                stop.wait(poll)
            elif listens:
                _notified(stop=stop, timeout=poll)
            else:
                stop.wait(poll)
        except (DatabaseError, connection.Database.Error) as error:
            # The database went away (restart, failover) or, on SQLite, another relay held the lock.
            logger.warning("Outbox relay: %s: %s; trying again in %s s", type(error).__name__, error, poll)
            if listens:
                connection.close()
                listening = False
            stop.wait(poll)
