"""The bell's pages: only my notifications, unread count, mark as read, preference."""

import pytest
from django.db import transaction

from notifications.models import Notification, NotificationPreference
from notifications.services import notifications_create, notifications_deliver

CONTEXT = {
    "task_title": "Kiểm tra hồ sơ",
    "model_name": "Hũ gạo tình thương",
    "registering_unit": "Hội LHPN",
    "due_on": "06/05/2026",
    "days_before": 2,
    "unclaimed": False,
}


def delivered(users, key):
    with transaction.atomic():
        rows = notifications_create(recipients=users, kind="reminder", context=CONTEXT, source_key=key, url="/models/")
    notifications_deliver(notification_ids=[row.pk for row in rows])
    return rows


@pytest.mark.django_db
def test_list_shows_my_delivered_notifications_and_unread_count(client, world):
    delivered([world.standing_body, world.chair], "event:1")
    delivered([world.standing_body], "event:2")
    with transaction.atomic():  # not delivered yet: not in the bell
        notifications_create(recipients=[world.standing_body], kind="reminder", context=CONTEXT, source_key="event:3")
    client.force_login(world.standing_body)
    page = client.get("/notifications/").content.decode()
    assert "Thông báo (2 chưa đọc)" in page
    assert page.count("[Khéo] Nhắc việc: “Kiểm tra hồ sơ” đến hạn ngày 06/05/2026") == 2


@pytest.mark.django_db
def test_mark_read_opens_the_link_and_lowers_the_count(client, world):
    (mine,) = delivered([world.standing_body], "event:1")
    client.force_login(world.standing_body)
    response = client.post(f"/notifications/{mine.pk}/read/")
    assert (response.status_code, response["Location"]) == (302, "/models/")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "Thông báo (0 chưa đọc)" in client.get("/notifications/").content.decode()


@pytest.mark.django_db
def test_someone_elses_notification_is_404_and_stays_unread(client, world):
    (theirs,) = delivered([world.chair], "event:1")
    client.force_login(world.standing_body)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_mark_all_read_touches_only_mine(client, world):
    delivered([world.standing_body, world.chair], "event:1")
    delivered([world.standing_body], "event:2")
    client.force_login(world.standing_body)
    client.post("/notifications/read-all/")
    assert dict(Notification.objects.filter(read_at__isnull=True).values_list("recipient__username", "kind")) == {
        "truongban": "reminder"
    }


@pytest.mark.django_db
def test_preference_is_saved_for_the_user(client, world):
    client.force_login(world.standing_body)
    response = client.post("/notifications/preference/", {"email_mode": "digest"})
    assert response.status_code == 302
    assert list(NotificationPreference.objects.values_list("user__username", "email_mode")) == [
        ("thuongtruc", "digest")
    ]
    assert client.post("/notifications/preference/", {"email_mode": "sms"}).status_code == 200
    assert NotificationPreference.objects.get().email_mode == "digest"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/notifications/"),
        ("post", "/notifications/1/read/"),
        ("post", "/notifications/read-all/"),
        ("get", "/notifications/preference/"),
    ],
)
def test_anonymous_is_sent_to_login(client, world, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_bell_on_every_page_shows_my_unread_count(client, world):
    delivered([world.standing_body], "event:1")
    delivered([world.standing_body], "event:2")
    delivered([world.chair], "event:3")
    client.force_login(world.standing_body)
    page = client.get("/models/").content.decode()
    assert 'class="mdc-icon-button kheo-bell" href="/notifications/"' in page
    assert 'aria-label="2 thông báo chưa đọc"' in page
    client.force_login(world.submitter)
    assert 'aria-label="0 thông báo chưa đọc"' in client.get("/models/").content.decode()
