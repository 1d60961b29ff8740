"""Faults with a real Redis and real Celery worker processes.

Each test starts its own redis-server on a spare port and `celery -A config worker`
processes on the test database (KHEO_TEST_DATABASE_NAME), then breaks something. Each
runs twice: with the request publishing its delivery messages after commit, and with
the outbox relay (`manage.py outbox_relay`, its own process) publishing them.
"""

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from notifications.models import Notification
from notifications.services import notifications_create
from notifications.tasks import notifications_deliver_task, notifications_sweep_task
from recognition.models import AuditEvent
from tests.notifications.support import (
    celery_broker,
    mail_files,
    model_register,
    open_task,
    wait_for,
)
from workflows.deadlines.scan import deadline_scan
from workflows.models import DeadlineSlot
from workflows.services import task_claim

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
CRITERIA = ("tt-sang-tao", "tt-chap-hanh-phap-luat", "tt-huy-dong-luc-luong", "tt-hai-hoa-loi-ich", "tt-ben-vung")


@pytest.fixture(autouse=True, params=["on_commit", "relay"])
def outbox_mode(request, settings, monkeypatch, relays) -> str:
    """Each fault with the request publishing after its commit, and with the outbox relay publishing."""
    settings.KHEO_OUTBOX_PUBLISH = request.param
    # The workers write outbox rows too (deadline reminders): they run in the same mode.
    monkeypatch.setenv("KHEO_OUTBOX_PUBLISH", request.param)
    if request.param == "relay":
        relays()
    return request.param


def complete_in_browser(client, user, task, data) -> float:
    """Claim (if needed) and submit a task form as a reviewer would; returns the seconds the POST took."""
    if task.owner_id is None:
        task_claim(task_id=task.pk, user=user)
    client.force_login(user)
    started = time.monotonic()
    response = client.post(f"/recognition/{task.process_id}/{task.flow_task.name}/{task.pk}/execute/", data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    return elapsed


def test_redis_down_while_reviewers_work_then_every_notification_is_delivered_once(
    world, dossier, client, redis_server, workers, mail_dir, settings
):
    settings.KHEO_NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    worker = workers()
    with celery_broker(redis_server.url):
        model = model_register(world, dossier)
        first = Notification.objects.get()
        wait_for(lambda: Notification.objects.filter(pk=first.pk, status="sent").exists(), message="first delivery")

        redis_server.stop()
        today = datetime.now(HCM).date().isoformat()
        timings = [
            complete_in_browser(client, world.standing_body, open_task(model, "check_dossier"), {"decision": "accept"}),
            complete_in_browser(
                client,
                world.survey_team,
                open_task(model, "survey"),
                {"visited_on": today, "findings": "Tốt", "recommendation": "recommend"},
            ),
        ]
        for member in world.council:
            timings.append(
                complete_in_browser(
                    client, member, open_task(model, "evaluate"), {f"criterion_{code}": 16 for code in CRITERIA}
                )
            )
        # The web app kept working: every step went through, none waited on the broker.
        model.refresh_from_db()
        assert model.stage == "recognition"
        assert max(timings) < 5.0, timings
        waiting = Notification.objects.exclude(pk=first.pk)
        assert sorted(waiting.values_list("recipient__username", flat=True)) == [
            "hoidong1",
            "hoidong2",
            "hoidong3",
            "khaosat",
            "truongban",
        ]
        assert set(waiting.values_list("status", flat=True)) == {"pending"}

        redis_server.start()
        time.sleep(1)  # the worker reconnects on its own
        notifications_sweep_task.delay()  # the beat's next two ticks (two beats would do the same)
        notifications_sweep_task.delay()
        wait_for(
            lambda: not Notification.objects.exclude(status="sent").exists(),
            timeout=60,
            message="delivery after Redis is back",
        )
        time.sleep(1)  # give any duplicate a chance to show up
    ids = sorted(str(pk) for pk in Notification.objects.values_list("pk", flat=True))
    assert mail_files(mail_dir) == {pk: 1 for pk in ids}, worker.output()[-3000:]
    assert len(ids) == 6


def test_worker_killed_while_delivering_then_the_message_is_delivered_exactly_once(
    world, redis_server, workers, mail_dir
):
    slow = Path(mail_dir) / "slow"
    slow.touch()
    env = {"KHEO_NOTIFICATION_LEASE_SECONDS": "3", "CELERY_VISIBILITY_TIMEOUT": "5"}
    first_worker = workers(**env)
    with celery_broker(redis_server.url):
        with transaction.atomic():
            (row,) = notifications_create(
                recipients=[world.standing_body],
                kind="reminder",
                source_key="fault:kill",
                context={"task_title": "Kiểm tra hồ sơ", "model_name": "Hũ gạo tình thương", "due_on": "06/05/2026"},
            )
        wait_for(lambda: (Path(mail_dir) / "sending").exists(), message="the worker to be in the middle of sending")
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("sending", 1)

        first_worker.kill()
        slow.unlink()
        assert mail_files(mail_dir) == {}
        second_worker = workers(**env)
        time.sleep(3.5)  # the dead worker's claim expires
        notifications_sweep_task.delay()  # the beat's sweep; Redis also hands the unacked message out again
        wait_for(
            lambda: Notification.objects.filter(pk=row.pk, status="sent").exists(),
            timeout=60,
            message="delivery by the restarted worker",
        )
        notifications_deliver_task.delay([row.pk])  # a duplicate message on top
        time.sleep(7)  # past the visibility timeout: a redelivered copy would have arrived by now
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert mail_files(mail_dir) == {str(row.pk): 1}, second_worker.output()[-3000:]


def test_beat_down_for_two_days_catches_up_each_missed_slot_once_in_due_order(world, dossier, redis_server, workers):
    workers()  # one worker, one process: it takes the messages in the order they were published

    def tick(moment: datetime) -> list[int]:
        """One beat tick at `moment` of simulated time; waits until the worker has fired what it published."""
        with time_machine.travel(moment, tick=True):
            published = [slot_id for chunk in deadline_scan() for slot_id in chunk]
        wait_for(
            lambda: not DeadlineSlot.objects.filter(pk__in=published, state="pending").exists(),
            timeout=60,
            message=f"slots fired at {moment}",
        )
        return published

    with celery_broker(redis_server.url):
        with time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=HCM), tick=True):
            first = model_register(world, dossier)
        with time_machine.travel(datetime(2026, 4, 28, 10, 0, tzinfo=HCM), tick=True):
            second = model_register(world, {**dossier, "name": "Thắp sáng đường quê"})
        first_task, second_task = open_task(first, "check_dossier"), open_task(second, "check_dossier")

        def slot(task, rule) -> int:
            return DeadlineSlot.objects.get(task=task, rule=rule).pk

        # The beat runs every day up to Wednesday 6 May...
        assert tick(datetime(2026, 5, 4, 8, 0, tzinfo=HCM)) == [slot(first_task, "reminder.d-2")]
        assert tick(datetime(2026, 5, 5, 8, 0, tzinfo=HCM)) == [slot(second_task, "reminder.d-2")]
        assert tick(datetime(2026, 5, 6, 8, 0, tzinfo=HCM)) == [slot(first_task, "reminder.d0")]
        # ...then is down for two days; on Friday 8 May 08:30 it starts again.
        missed = [
            slot(first_task, "escalation.level-1"),
            slot(second_task, "reminder.d0"),
            slot(second_task, "escalation.level-1"),
        ]
        assert tick(datetime(2026, 5, 8, 8, 30, tzinfo=HCM)) == missed
        assert tick(datetime(2026, 5, 8, 8, 31, tzinfo=HCM)) == []  # the next tick finds nothing left
        deadline_slots_fire_again = __import__("workflows.tasks", fromlist=["x"]).deadline_slots_fire_task
        deadline_slots_fire_again.delay(missed)  # and a duplicate message changes nothing
        time.sleep(2)

    # Each missed slot fired once, in due order (the worker records them in the order it fires them).
    fired_in_order = list(
        AuditEvent.objects.filter(payload__slot__in=missed).order_by("pk").values_list("payload__slot", "action")
    )
    assert fired_in_order == [(missed[0], "escalated"), (missed[1], "reminder_sent"), (missed[2], "escalated")]
    assert AuditEvent.objects.filter(action__in=["reminder_sent", "escalated"]).count() == 6
    assert list(DeadlineSlot.objects.filter(state="pending").values_list("rule", flat=True).order_by("fire_at")) == [
        "escalation.level-2",
        "escalation.level-2",
    ]
    escalated = Notification.objects.filter(source_key__startswith=f"deadline-slot:{missed[0]}:")
    assert [(row.recipient.username, row.kind) for row in escalated] == [("thuongtruc", "escalation")]
