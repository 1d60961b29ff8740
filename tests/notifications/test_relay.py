"""The outbox relay: the request only writes its rows, `manage.py outbox_relay` publishes them.

Real processes throughout: a private redis-server whose `notifications` queue the tests
read (what was published, and how often), relays started as `manage.py outbox_relay`
and Celery workers on the test database. On PostgreSQL the relays are started with a
one-hour poll, so a row they publish within the test was announced by the NOTIFY of its
transaction; on SQLite they poll every half second.
"""

import subprocess
import sys
import time

import pytest
from django.db import connection, transaction

from notifications.models import Notification
from notifications.relay import notifications_relay_claim
from notifications.services import notifications_create
from notifications.tasks import notifications_sweep_task
from tests.notifications.support import ROOT, celery_broker, mail_files, process_env, queued_deliveries, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CONTEXT = {"task_title": "Kiểm tra hồ sơ", "model_name": "Hũ gạo tình thương", "due_on": "06/05/2026"}
# PostgreSQL: only a NOTIFY wakes the relay within a test. SQLite: the relay's own short poll.
ONLY_NOTIFY = {"KHEO_OUTBOX_RELAY_POLL_SECONDS": "3600"}
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED: PostgreSQL (SQLite has one writer at a time)"
)


@pytest.fixture(autouse=True)
def relay_mode(settings):
    settings.KHEO_OUTBOX_PUBLISH = "relay"
    settings.KHEO_NOTIFICATION_SWEEP_GRACE_SECONDS = 0


def create(users, key: str) -> list[Notification]:
    """Rows of a new event, written as a new task's are: the insert is the transaction's first statement.

    (On SQLite a transaction that read before a relay's commit cannot write after it:
    "database is locked". Written this way it waits for the relay's write lock instead.)
    """
    with transaction.atomic():
        return notifications_create(recipients=users, kind="reminder", source_key=key, context=CONTEXT, new_event=True)


def relay_once(broker_url: str) -> str:
    """`manage.py outbox_relay --once` (what a second relay does in one round); its output."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "outbox_relay", "--once"],
        cwd=ROOT,
        env=process_env(broker_url=broker_url, extra_env={}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_request_only_writes_the_row_and_the_relay_publishes_it_once(
    world, redis_server, relays, workers, mail_dir
):
    url = redis_server.url
    with celery_broker(url):
        (first,) = create([world.standing_body], "relay:first")
        # The request's commit published nothing: the row waits for the relay.
        assert queued_deliveries(url) == []
        assert Notification.objects.get().relayed_at is None

        relay = relays(**ONLY_NOTIFY)
        wait_for(lambda: queued_deliveries(url) == [[first.pk]], message="the relay to publish the waiting row")
        (second,) = create([world.chair], "relay:second")
        wait_for(
            lambda: queued_deliveries(url) == [[first.pk], [second.pk]],
            message="the relay to publish a row committed while it listens",
        )
        assert not Notification.objects.filter(relayed_at__isnull=True).exists()

        worker = workers()
        wait_for(lambda: not Notification.objects.exclude(status="sent").exists(), message="delivery")
        time.sleep(1)  # give any duplicate a chance to show up
        assert queued_deliveries(url) == []
    assert mail_files(mail_dir) == {str(first.pk): 1, str(second.pk): 1}, worker.output()[-3000:]
    assert relay.stop() == 0
    assert "Bộ chuyển hộp thư đi đã dừng." in relay.output()


def test_a_rolled_back_transaction_publishes_nothing(world, redis_server, relays):
    url = redis_server.url
    relays(**ONLY_NOTIFY)
    with pytest.raises(RuntimeError), transaction.atomic():
        create([world.standing_body, world.chair], "relay:rolled-back")
        raise RuntimeError("the change fails")
    (committed,) = create([world.survey_team], "relay:committed")
    wait_for(lambda: queued_deliveries(url) == [[committed.pk]], message="the committed row to be published")
    time.sleep(1)  # anything else the relay would publish has had its chance
    assert queued_deliveries(url) == [[committed.pk]]
    assert list(Notification.objects.values_list("source_key", flat=True)) == [
        f"relay:committed:{world.survey_team.pk}"
    ]


def test_two_relays_never_publish_the_same_row(world, redis_server, relays):
    url = redis_server.url
    relays(**ONLY_NOTIFY)
    relays(**ONLY_NOTIFY)
    people = [world.standing_body, world.survey_team, world.chair, world.submitter, *world.council]
    created = []
    for event in range(30):
        created += create(people, f"relay:event-{event}")
    expected = sorted(row.pk for row in created)
    assert len(expected) == 30 * len({person.pk for person in people})

    def published() -> list[int]:
        return sorted(pk for message in queued_deliveries(url) for pk in message)

    wait_for(lambda: len(published()) >= len(expected), message="every row to be published")
    time.sleep(1)  # a second copy of any row has had its chance
    assert published() == expected
    assert not Notification.objects.filter(relayed_at__isnull=True).exists()


@postgresql_only
def test_a_relay_skips_the_rows_another_relay_is_claiming_instead_of_waiting(world, redis_server):
    url = redis_server.url
    rows = create([world.standing_body, world.chair, world.survey_team], "relay:skip")
    with pytest.raises(RuntimeError), transaction.atomic():
        # Another relay is in the middle of claiming the first two rows (its transaction is open).
        assert notifications_relay_claim(limit=2) == [rows[0].pk, rows[1].pk]
        assert relay_once(url) == "Đã chuyển 1 thông báo."
        assert queued_deliveries(url) == [[rows[2].pk]]
        raise RuntimeError("that relay dies before its commit")
    # Its claim rolled back with it: the two rows are published on the next round.
    assert relay_once(url) == "Đã chuyển 2 thông báo."
    assert queued_deliveries(url) == [[rows[2].pk], [rows[0].pk, rows[1].pk]]


def test_with_no_relay_running_the_sweep_delivers_once_and_a_late_relay_publishes_nothing(
    world, redis_server, workers, mail_dir
):
    url = redis_server.url
    worker = workers()
    with celery_broker(url):
        rows = create([world.standing_body, world.chair], "relay:down")
        time.sleep(1)
        assert Notification.objects.filter(status="pending").count() == 2  # nobody published them
        notifications_sweep_task.delay()  # the beat's next tick
        wait_for(lambda: not Notification.objects.exclude(status="sent").exists(), message="delivery by the sweep")
        assert not Notification.objects.filter(relayed_at__isnull=True).exists()
        # The relay comes back: the sweep's rows are not published a second time.
        assert relay_once(url) == "Đã chuyển 0 thông báo."
        time.sleep(1)
        assert queued_deliveries(url) == []
    assert mail_files(mail_dir) == {str(row.pk): 1 for row in rows}, worker.output()[-3000:]
