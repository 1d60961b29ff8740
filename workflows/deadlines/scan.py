"""What the beat runs every minute: find due slots and hand them to the workers.

The scan only reads the partial index of pending slots (`deadline_slot_due_idx`) and
publishes their ids in due order; the worker fires them. A published slot gets a
lease (its `next_attempt_at` moves on), so a second beat does not publish it again,
and a message lost with the broker is published again once the lease is over.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import DeadlineSlot

CHUNK = 100


def deadline_slots_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Ids of pending slots due at `now`, oldest first (the scan's one query)."""
    now = now or timezone.now()
    return list(
        DeadlineSlot.objects.filter(state=DeadlineSlot.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def deadline_scan(*, now: datetime | None = None, limit: int = 5000, publish=None) -> list[list[int]]:
    """Lease the due slots and publish them in chunks, in due order; returns the chunks published.

    `publish(chunk)` sends one message (the Celery task's apply_async by default). A
    chunk whose lease another beat took first is not published twice.
    """
    from workflows.tasks import deadline_slots_fire_task

    now = now or timezone.now()
    publish = publish or (lambda chunk: deadline_slots_fire_task.apply_async(args=[chunk]))
    lease = timedelta(seconds=getattr(settings, "KHEO_DEADLINE_LEASE_SECONDS", 600))
    published = []
    ids = deadline_slots_due(now=now, limit=limit)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        leased = DeadlineSlot.objects.filter(
            pk__in=chunk, state=DeadlineSlot.State.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + lease)
        if not leased:
            continue
        publish(chunk)
        published.append(chunk)
    return published
