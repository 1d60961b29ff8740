"""The outbox: rows written with the change, delivered once, e-mail by preference, failures kept."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from notifications.models import Notification, NotificationPreference
from notifications.services import (
    notification_preference_set,
    notifications_create,
    notifications_deliver,
    notifications_digest_send,
    notifications_due,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 5, 4, 8, 0, tzinfo=HCM)
CONTEXT = {
    "task_title": "Kiểm tra hồ sơ",
    "model_name": "Hũ gạo tình thương",
    "registering_unit": "Hội LHPN",
    "due_on": "06/05/2026",
    "days_before": 2,
    "unclaimed": False,
}


def create(users, key="event:1", kind="reminder"):
    with transaction.atomic():
        return notifications_create(
            recipients=users, kind=kind, context=CONTEXT, source_key=key, url="/recognition/1/", now=NOW
        )


@pytest.mark.django_db
def test_rows_are_written_in_the_transaction_of_the_change(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications_create(recipients=[world.standing_body], kind="reminder", context=CONTEXT, source_key="event:1")
        raise RuntimeError("the change fails")
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_the_same_event_never_notifies_a_person_twice(world):
    first = create([world.standing_body, world.chair])
    again = create([world.standing_body, world.chair])
    assert (len(first), len(again)) == (2, 0)
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_immediate_email_is_sent_once_even_when_delivery_runs_twice(world):
    (row,) = create([world.standing_body])
    report = notifications_deliver(notification_ids=[row.pk], now=NOW)
    again = notifications_deliver(notification_ids=[row.pk], now=NOW)
    assert (report.sent, again.sent) == ([row.pk], [])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["thuongtruc@example.vn"]
    assert message.subject == "[Khéo] Nhắc việc: “Kiểm tra hồ sơ” đến hạn ngày 06/05/2026"
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@kheo.local>"
    assert message.body.endswith("http://127.0.0.1:8000/recognition/1/")
    row.refresh_from_db()
    assert (row.status, row.email_status, row.attempts, row.sent_at) == ("sent", "sent", 1, NOW)


@pytest.mark.django_db
def test_digest_and_none_preferences_send_no_immediate_email(world):
    notification_preference_set(user=world.standing_body, email_mode="digest")
    notification_preference_set(user=world.chair, email_mode="none")
    rows = create([world.standing_body, world.chair]) + create(
        [world.standing_body], key="event:2", kind="task_assigned"
    )
    notifications_deliver(notification_ids=[row.pk for row in rows], now=NOW)
    assert mail.outbox == []
    assert dict(Notification.objects.values_list("source_key", "email_status")) == {
        f"event:1:{world.standing_body.pk}": "digest_pending",
        f"event:1:{world.chair.pk}": "not_wanted",
        f"event:2:{world.standing_body.pk}": "digest_pending",
    }
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}  # all in the bell
    assert notifications_digest_send(now=NOW) == 1
    assert notifications_digest_send(now=NOW) == 0
    (digest,) = mail.outbox
    assert digest.to == ["thuongtruc@example.vn"]
    assert digest.subject == "[Khéo] Tổng hợp 2 thông báo"
    assert "Nhắc việc: “Kiểm tra hồ sơ”" in digest.body and "Nhiệm vụ mới: Kiểm tra hồ sơ" in digest.body


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("SMTP 127.0.0.1:25 từ chối kết nối")

    def close(self):
        pass


@pytest.mark.django_db
def test_failed_email_is_retried_with_backoff_then_left_for_admins(world, settings, client):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.BrokenBackend"
    settings.KHEO_NOTIFICATION_MAX_ATTEMPTS = 3
    (row,) = create([world.standing_body])
    expected_waits = [timedelta(minutes=1), timedelta(minutes=2)]
    now = NOW
    for attempt, wait in enumerate(expected_waits, start=1):
        report = notifications_deliver(notification_ids=[row.pk], now=now)
        row.refresh_from_db()
        assert (report.failed, row.status, row.attempts) == ([row.pk], "pending", attempt)
        assert row.next_attempt_at == now + wait
        assert notifications_due(now=now + wait - timedelta(seconds=1)) == []
        assert notifications_due(now=now + wait) == [row.pk]
        now = now + wait
    notifications_deliver(notification_ids=[row.pk], now=now)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        3,
        "ConnectionRefusedError: SMTP 127.0.0.1:25 từ chối kết nối",
    )
    assert notifications_due(now=now + timedelta(days=1)) == []  # no more automatic retries

    world.admin.is_superuser = True
    world.admin.save(update_fields=["is_superuser"])
    client.force_login(world.admin)
    page = client.get("/admin/notifications/notification/?status__exact=failed").content.decode()
    assert "ConnectionRefusedError: SMTP 127.0.0.1:25 từ chối kết nối" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post("/admin/notifications/notification/", {"action": "retry", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)


@pytest.mark.django_db
def test_outbox_admin_is_refused_to_a_reviewer(world, client):
    client.force_login(world.standing_body)
    response = client.get("/admin/notifications/notification/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_deactivated_recipient_is_skipped_and_reported(world):
    (row,) = create([world.chair])
    world.chair.is_active = False
    world.chair.save(update_fields=["is_active"])
    report = notifications_deliver(notification_ids=[row.pk], now=NOW)
    row.refresh_from_db()
    assert (report.skipped, row.status, row.last_error) == ([row.pk], "skipped", "Tài khoản người nhận đã bị khóa.")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_recipient_without_an_email_address_still_gets_the_bell(world):
    world.chair.email = ""
    world.chair.save(update_fields=["email"])
    (row,) = create([world.chair])
    notifications_deliver(notification_ids=[row.pk], now=NOW)
    row.refresh_from_db()
    assert (row.status, row.email_status) == ("sent", "no_address")


@pytest.mark.django_db
def test_sweep_finds_pending_rows_after_their_grace_and_dead_claims_after_their_lease(world):
    (row,) = create([world.standing_body])
    assert notifications_due(now=NOW) == []  # the message published on commit goes first
    assert notifications_due(now=NOW + timedelta(seconds=30)) == [row.pk]
    assert notifications_due(now=NOW + timedelta(seconds=31)) == []  # leased by the first sweep
    # A worker claims it and dies: the claim expires after its lease and is taken again.
    Notification.objects.filter(pk=row.pk).update(status="sending", claim_token="dead", next_attempt_at=NOW)
    with time_machine.travel(NOW, tick=False):
        assert notifications_due(now=NOW + timedelta(seconds=1)) == [row.pk]
    row.refresh_from_db()
    assert (row.status, row.claim_token) == ("pending", "")
    notifications_deliver(notification_ids=[row.pk], now=NOW + timedelta(seconds=2))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_preference_defaults_to_immediate(world):
    assert NotificationPreference.objects.count() == 0
    (row,) = create([world.standing_body])
    notifications_deliver(notification_ids=[row.pk], now=NOW)
    assert len(mail.outbox) == 1
