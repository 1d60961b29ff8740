"""Reminders and escalations fired by the beat's scan: recipients, audit, exactly once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from notifications.models import Notification
from recognition.models import AuditEvent
from recognition.roles import Role
from tests.factories import user_with_role
from tests.notifications.support import model_register, open_task
from workflows.deadlines import firing
from workflows.deadlines.firing import deadline_slots_fire
from workflows.deadlines.scan import deadline_scan
from workflows.demo import task_do
from workflows.models import DeadlineSlot, EscalationRoute

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


def beat(now: datetime) -> list[int]:
    """One tick of the beat followed by its worker, in-process: returns the slot ids fired, in order."""
    published = []
    with time_machine.travel(now, tick=False):
        deadline_scan(publish=published.append)
        fired = []
        for chunk in published:
            fired.extend(deadline_slots_fire(slot_ids=chunk).fired)
    return fired


def slot(task, rule) -> DeadlineSlot:
    return DeadlineSlot.objects.get(task=task, rule=rule)


def audit_of(slot_row) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(payload__slot=slot_row.pk)
        .order_by("pk")
        .values_list("action", "actor_id", "actor_label", "payload__recipients", "payload__skipped")
    )


@pytest.fixture
def registered(world, dossier):
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
    return model


@pytest.mark.django_db
def test_reminder_goes_to_every_active_candidate_and_reports_the_deactivated(world, registered):
    colleague = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")
    user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc_nghi", is_active=False)
    task = open_task(registered, "check_dossier")

    assert beat(at(2026, 5, 4, 7, 59)) == []  # not yet: reminders go at 08:00
    reminder = slot(task, "reminder.d-2")
    assert beat(at(2026, 5, 4, 8, 0)) == [reminder.pk]

    assert audit_of(reminder) == [
        (
            "reminder_sent",
            None,
            "system:reminder.d-2",
            ["thuongtruc", "thuongtruc2"],
            [{"user": "thuongtruc_nghi", "reason": "inactive"}],
        ),
    ]
    rows = Notification.objects.filter(source_key__startswith=f"deadline-slot:{reminder.pk}:").order_by("recipient_id")
    assert [(row.recipient, row.kind) for row in rows] == [(world.standing_body, "reminder"), (colleague, "reminder")]
    assert rows[0].subject == "[Khéo] Nhắc việc: “Kiểm tra hồ sơ” đến hạn ngày 06/05/2026"
    assert "còn 2 ngày làm việc, hạn xử lý đến hết ngày 06/05/2026" in rows[0].body
    assert "chưa có người nhận" in rows[0].body


@pytest.mark.django_db
def test_each_slot_fires_once_whatever_the_number_of_beats_and_duplicate_messages(world, registered):
    task = open_task(registered, "check_dossier")
    reminder = slot(task, "reminder.d-2")
    with time_machine.travel(at(2026, 5, 4, 8, 0), tick=False):
        first, second = [], []
        deadline_scan(publish=first.append)
        deadline_scan(publish=second.append)  # a second beat running at the same time
        assert (first, second) == ([[reminder.pk]], [])
        for _copy in range(3):  # the message delivered three times (retry, redelivery...)
            deadline_slots_fire(slot_ids=[reminder.pk])
    assert len(audit_of(reminder)) == 1
    assert Notification.objects.filter(source_key__startswith=f"deadline-slot:{reminder.pk}:").count() == 1
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("fired", 1)


@pytest.mark.django_db
def test_a_claimed_task_reminds_its_owner_only(world, registered):
    task = open_task(registered, "check_dossier")
    user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")
    from workflows.services import task_claim

    task_claim(task_id=task.pk, user=world.standing_body)
    beat(at(2026, 5, 6, 8, 0))
    due_day = slot(task, "reminder.d0")
    assert audit_of(due_day)[0][3] == ["thuongtruc"]
    (row,) = Notification.objects.filter(source_key__startswith=f"deadline-slot:{due_day.pk}:")
    assert row.subject == "[Khéo] Nhắc việc: “Kiểm tra hồ sơ” đến hạn hôm nay (06/05/2026)"


@pytest.mark.django_db
def test_overdue_task_escalates_to_the_standing_body_then_one_level_up(world, dossier):
    # The revise task belongs to the women's union: no standing body there, so level 1
    # is the commune's standing body and level 2 the province's.
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
        task_do(
            movement_model=model,
            node_name="check_dossier",
            user=world.standing_body,
            data={"decision": "return", "reason": "Thiếu biên bản."},
        )
    revise = open_task(model, "revise")
    assert revise.due_on.isoformat() == "2026-05-13"
    level_1, level_2 = slot(revise, "escalation.level-1"), slot(revise, "escalation.level-2")
    assert (level_1.fire_at, level_2.fire_at) == (at(2026, 5, 14, 8, 0), at(2026, 5, 19, 8, 0))

    fired = beat(at(2026, 5, 19, 9, 0))  # the whole backlog at once, in due order
    assert fired == list(DeadlineSlot.objects.filter(task=revise).order_by("fire_at").values_list("pk", flat=True))
    assert audit_of(level_1) == [("escalated", None, "system:escalation.level-1", ["thuongtruc_phuong"], [])]
    assert audit_of(level_2) == [("escalated", None, "system:escalation.level-2", ["thuongtruc"], [])]
    escalation = Notification.objects.get(source_key=f"deadline-slot:{level_1.pk}:{world.commune_standing_body.pk}")
    assert escalation.subject == "[Khéo] Quá hạn 1 ngày làm việc: “Bổ sung hồ sơ” — Hũ gạo tình thương"
    assert "Đảng ủy phường Ninh Kiều" in escalation.body
    assert level_2.__class__.objects.get(pk=level_2.pk).outcome["overdue_working_days"] == 4


@pytest.mark.django_db
def test_no_supervisor_above_the_province_is_reported_not_crashed(world, registered):
    task = open_task(registered, "check_dossier")
    beat(at(2026, 5, 12, 8, 0))
    level_2 = slot(task, "escalation.level-2")
    assert audit_of(level_2) == [
        ("escalated", None, "system:escalation.level-2", [], [{"user": None, "reason": "no_supervisor_at_level"}])
    ]
    assert Notification.objects.filter(source_key__startswith=f"deadline-slot:{level_2.pk}:").count() == 0
    assert DeadlineSlot.objects.get(pk=level_2.pk).state == "fired"


@pytest.mark.django_db
def test_escalation_policy_reassigns_an_owned_overdue_task(world, dossier, settings):
    # The first version's check_dossier escalation reassigns (the settings are its defaults).
    settings.KHEO_ESCALATION_REASSIGN_STAGES = ["check_dossier"]
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        registered = model_register(world, dossier)
    deputy = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc_pho")
    task = open_task(registered, "check_dossier")
    from workflows.services import task_claim

    task_claim(task_id=task.pk, user=world.standing_body)
    beat(at(2026, 5, 7, 8, 0))
    task.refresh_from_db()
    assert task.owner == deputy
    level_1 = slot(task, "escalation.level-1")
    reassigned = AuditEvent.objects.get(task_id=task.pk, action="task_reassigned")
    assert (reassigned.actor_id, reassigned.actor_label) == (None, "system:escalation.level-1")
    assert reassigned.payload["recipients"] == ["thuongtruc_pho", "thuongtruc"]
    assert (reassigned.payload["previous_owner"], reassigned.payload["owner"]) == (world.standing_body.pk, deputy.pk)
    assert DeadlineSlot.objects.get(pk=level_1.pk).outcome["reassigned_to"] == "thuongtruc_pho"
    assert sorted(Notification.objects.filter(kind="reassigned").values_list("recipient__username", flat=True)) == [
        "thuongtruc",
        "thuongtruc_pho",
    ]


@pytest.mark.django_db
def test_a_failing_slot_is_recorded_and_the_others_still_fire(world, registered, monkeypatch):
    task = open_task(registered, "check_dossier")
    original = firing._Firing._remind

    def broken(self, slot, task):
        if slot.rule == "reminder.d-2":
            raise RuntimeError("mất kết nối")
        return original(self, slot, task)

    monkeypatch.setattr(firing._Firing, "_remind", broken)
    fired = beat(at(2026, 5, 6, 8, 0))
    broken_slot, due_day = slot(task, "reminder.d-2"), slot(task, "reminder.d0")
    assert fired == [due_day.pk]
    assert (broken_slot.state, broken_slot.attempts, broken_slot.last_error) == (
        "pending",
        1,
        "RuntimeError: mất kết nối",
    )
    assert broken_slot.next_attempt_at == at(2026, 5, 6, 8, 2)
    assert audit_of(broken_slot) == []  # rolled back with the claim
    assert Notification.objects.filter(source_key__startswith=f"deadline-slot:{broken_slot.pk}:").count() == 0


@pytest.mark.django_db
def test_a_slot_of_a_finished_task_is_cancelled_silently(world, registered):
    task = open_task(registered, "check_dossier")
    task_do(movement_model=registered, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"})
    DeadlineSlot.objects.filter(task=task, rule="reminder.d-2").update(state="pending")  # a stale copy
    assert beat(at(2026, 5, 4, 8, 0)) == []
    assert slot(task, "reminder.d-2").state == "cancelled"
    assert AuditEvent.objects.filter(action="reminder_sent").count() == 0


@pytest.mark.django_db
def test_escalation_route_that_loops_back_is_refused_in_vietnamese(world):
    EscalationRoute.objects.create(unit=world.commune, supervising_unit=world.other_commune)
    looping = EscalationRoute(unit=world.other_commune, supervising_unit=world.commune)
    with pytest.raises(ValidationError) as error:
        looping.full_clean()
    assert error.value.message_dict["supervising_unit"] == [
        "Tuyến chuyển cấp bị lặp vòng: Đảng ủy xã Phong Điền → Đảng ủy phường Ninh Kiều → Đảng ủy xã Phong Điền. "
        "Hãy chọn đơn vị giám sát khác."
    ]
    itself = EscalationRoute(unit=world.province, supervising_unit=world.province)
    with pytest.raises(ValidationError) as error:
        itself.full_clean()
    assert error.value.message_dict["supervising_unit"] == [
        "Đơn vị “Thành ủy Cần Thơ” không thể tự giám sát chính mình."
    ]
    assert EscalationRoute.objects.count() == 1


@pytest.mark.django_db
def test_escalation_route_sends_level_one_elsewhere(world, dossier):
    # The women's union is supervised directly by the province, skipping its commune.
    EscalationRoute.objects.create(unit=world.submitter_unit, supervising_unit=world.province)
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
        task_do(
            movement_model=model,
            node_name="check_dossier",
            user=world.standing_body,
            data={"decision": "return", "reason": "Thiếu biên bản."},
        )
    revise = open_task(model, "revise")
    beat(at(2026, 5, 14, 8, 0))
    assert audit_of(slot(revise, "escalation.level-1"))[0][3] == ["thuongtruc"]


def test_beat_runs_the_scan_the_viewflow_timers_and_the_outbox_sweep_every_minute(settings):
    from config.celery import app

    app.loader.import_default_modules()
    every_minute = {
        name: (entry["task"], entry["schedule"], entry["options"]["expires"])
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if name
        not in ("notifications-digest", "audit-digest-seal", "audit-checkpoint-publish", "followups-rereviews-open")
    }
    assert every_minute == {
        "deadlines-scan": ("deadlines.scan", 60.0, 55),
        "workflow-timers": ("workflows.timers", 60.0, 55),
        "notifications-sweep": ("notifications.sweep", 60.0, 55),
        "audit-tree-append": ("recognition.audit.tasks.audit_tree_append_task", 60.0, 55),
        "decisions-settle-pending": ("decisions.settle_pending", 60.0, 55),
    }
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = app.tasks[entry["task"]]
        assert (task.acks_late, task.max_retries) == (True, 8)


@pytest.mark.django_db
def test_viewflow_timers_task_replaces_the_cron_command():
    from workflows.tasks import workflow_timers_fire_task

    assert workflow_timers_fire_task.run() == {"timers": 0, "starts": 0, "conditions": 0}


@pytest.mark.django_db
def test_a_deactivated_owner_is_skipped_and_reported_and_the_beat_goes_on(world, registered):
    from workflows.services import task_claim

    task = open_task(registered, "check_dossier")
    task_claim(task_id=task.pk, user=world.standing_body)
    world.standing_body.is_active = False
    world.standing_body.save(update_fields=["is_active"])
    reminder = slot(task, "reminder.d-2")
    assert beat(at(2026, 5, 4, 8, 0)) == [reminder.pk]
    assert audit_of(reminder) == [
        ("reminder_sent", None, "system:reminder.d-2", [], [{"user": "thuongtruc", "reason": "inactive"}])
    ]
    assert Notification.objects.filter(source_key__startswith=f"deadline-slot:{reminder.pk}:").count() == 0
