"""Who publishes a new outbox row, and the relay's claim, within one database connection.

The processes (relays, workers, Redis) are in test_relay.py; here the rules themselves.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from notifications.models import Notification
from notifications.relay import notifications_relay_claim, notifications_relay_publish
from notifications.services import notifications_create, notifications_due
from tests.notifications.support import celery_broker, free_port

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 5, 4, 8, 0, tzinfo=HCM)
CONTEXT = {"task_title": "Kiểm tra hồ sơ", "model_name": "Hũ gạo tình thương", "due_on": "06/05/2026"}


def create(users, key: str) -> list[Notification]:
    with transaction.atomic():
        return notifications_create(recipients=users, kind="reminder", source_key=key, context=CONTEXT, now=NOW)


def test_in_relay_mode_the_request_publishes_nothing_and_leaves_its_rows_to_the_relay(
    world, settings, django_capture_on_commit_callbacks
):
    settings.KHEO_OUTBOX_PUBLISH = "relay"
    with django_capture_on_commit_callbacks() as callbacks:
        (row,) = create([world.standing_body], "mode:relay")
    assert callbacks == []
    row.refresh_from_db()
    assert (row.status, row.relayed_at) == ("pending", None)


def test_in_on_commit_mode_the_request_publishes_after_commit_and_marks_its_rows(
    world, settings, django_capture_on_commit_callbacks
):
    settings.KHEO_OUTBOX_PUBLISH = "on_commit"
    with django_capture_on_commit_callbacks() as callbacks:
        (row,) = create([world.standing_body], "mode:on-commit")
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.relayed_at == NOW
    assert notifications_relay_claim() == []


def test_an_unknown_publish_mode_is_refused(world, settings):
    settings.KHEO_OUTBOX_PUBLISH = "later"
    with pytest.raises(ImproperlyConfigured, match="KHEO_OUTBOX_PUBLISH must be 'relay' or 'on_commit', not 'later'"):
        create([world.standing_body], "mode:unknown")


def test_the_relay_claims_the_oldest_rows_first_and_each_row_once(world, settings):
    settings.KHEO_OUTBOX_PUBLISH = "relay"
    rows = create([world.standing_body, world.chair, world.survey_team], "claim:1")
    ids = sorted(row.pk for row in rows)
    claimed_at = NOW + timedelta(seconds=5)
    assert notifications_relay_claim(limit=2, now=claimed_at) == ids[:2]
    assert notifications_relay_claim(limit=2, now=claimed_at) == ids[2:]
    assert notifications_relay_claim(limit=2, now=claimed_at) == []
    assert set(Notification.objects.values_list("relayed_at", flat=True)) == {claimed_at}


def test_the_sweep_marks_what_the_relay_has_not_published_so_it_is_not_published_twice(world, settings):
    settings.KHEO_OUTBOX_PUBLISH = "relay"
    settings.KHEO_NOTIFICATION_SWEEP_GRACE_SECONDS = 30
    (late,) = create([world.standing_body], "sweep:late")
    later = NOW + timedelta(minutes=1)
    assert notifications_due(now=later) == [late.pk]
    assert notifications_relay_claim() == []
    late.refresh_from_db()
    assert late.relayed_at == later


def test_with_the_broker_unreachable_the_relay_gives_its_rows_back(world, settings):
    settings.KHEO_OUTBOX_PUBLISH = "relay"
    rows = create([world.standing_body, world.chair], "broker:down")
    with celery_broker(f"redis://127.0.0.1:{free_port(6450)}/0"):  # nothing listens there
        assert notifications_relay_publish() is None
    assert list(Notification.objects.filter(pk__in=[row.pk for row in rows]).values_list("relayed_at", flat=True)) == [
        None,
        None,
    ]
    assert sorted(notifications_relay_claim()) == sorted(row.pk for row in rows)
