"""Due dates and planned reminder/escalation slots of new human tasks."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications.models import Notification
from tests.notifications.support import model_register, open_task
from workflows.deadlines.policy import deadline_policy, deadline_settings_check
from workflows.demo import task_do
from workflows.models import DeadlineSlot

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


@pytest.mark.django_db
def test_check_dossier_gets_five_working_days_and_four_slots(world, dossier):
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
    task = open_task(model, "check_dossier")
    # Fri 24/4 + 5 working days: 28, 29 April, 4, 5, 6 May (27/4, 30/4, 1/5 are holidays).
    assert task.due_on == date(2026, 5, 6)
    assert task.sla_working_days == 5
    slots = list(DeadlineSlot.objects.filter(task=task).order_by("fire_at").values_list("rule", "fire_at", "state"))
    assert slots == [
        ("reminder.d-2", at(2026, 5, 4, 8, 0), "pending"),
        ("reminder.d0", at(2026, 5, 6, 8, 0), "pending"),
        ("escalation.level-1", at(2026, 5, 7, 8, 0), "pending"),
        ("escalation.level-2", at(2026, 5, 12, 8, 0), "pending"),
    ]


@pytest.mark.django_db
def test_new_unclaimed_task_notifies_every_candidate_of_its_unit(world, dossier):
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
    task = open_task(model, "check_dossier")
    rows = Notification.objects.filter(source_key__startswith=f"task-created:{task.pk}:")
    # Only the province's standing body holds check_dossier; the commune's is another unit.
    assert [row.recipient.username for row in rows] == ["thuongtruc"]
    row = rows.get()
    assert row.kind == "task_assigned"
    assert row.status == "pending"
    assert row.subject == "[Khéo] Nhiệm vụ mới: Kiểm tra hồ sơ — Hũ gạo tình thương"
    assert "Hạn xử lý: 06/05/2026 (5 ngày làm việc)." in row.body
    assert row.url == f"/recognition/{task.process_id}/check_dossier/{task.pk}/"


@pytest.mark.django_db
def test_check_dossier_clock_stops_while_the_dossier_is_back_with_the_unit(world, dossier):
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
    with time_machine.travel(at(2026, 4, 29, 15, 0), tick=False):  # 2 working days used (28, 29)
        task_do(
            movement_model=model,
            node_name="check_dossier",
            user=world.standing_body,
            data={"decision": "return", "reason": "Bổ sung biên bản họp dân."},
        )
    revise = open_task(model, "revise")
    assert (revise.due_on, revise.sla_working_days) == (date(2026, 5, 15), 10)
    assert list(
        DeadlineSlot.objects.filter(task__flow_task_type="HUMAN", state="cancelled")
        .values_list("rule", flat=True)
        .order_by("fire_at")
    ) == ["reminder.d-2", "reminder.d0", "escalation.level-1", "escalation.level-2"]
    with time_machine.travel(at(2026, 5, 11, 9, 0), tick=False):  # the unit sends it back on Monday 11/5
        model.refresh_from_db()
        task_do(
            movement_model=model,
            node_name="revise",
            user=world.submitter,
            data={**dossier, "objectives": "Hỗ trợ 60 hộ."},
        )
    second_check = open_task(model, "check_dossier")
    # The clock resumes with the 3 working days left, not a fresh 5: 12, 13, 14 May.
    assert (second_check.due_on, second_check.sla_working_days) == (date(2026, 5, 14), 3)


@pytest.mark.django_db
def test_a_short_budget_plans_no_reminder_before_the_task_exists(world, dossier, settings):
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {**settings.KHEO_STAGE_SLA_WORKING_DAYS, "check_dossier": 1}
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
    task = open_task(model, "check_dossier")
    assert task.due_on == date(2026, 4, 28)
    assert list(DeadlineSlot.objects.filter(task=task).values_list("rule", flat=True).order_by("fire_at")) == [
        "reminder.d0",
        "escalation.level-1",
        "escalation.level-2",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, -3])
def test_an_sla_of_zero_or_negative_days_is_refused_in_vietnamese(settings, days):
    # The settings are the first version's defaults: the start-up check refuses them before any version is made.
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {**settings.KHEO_STAGE_SLA_WORKING_DAYS, "survey": days}
    message = f"Thời hạn xử lý của bước “survey” phải là số nguyên ngày làm việc lớn hơn 0 (đang là {days})."
    errors = deadline_settings_check()
    assert [(error.id, error.msg) for error in errors] == [("workflows.E101", message)]
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        deadline_policy()


@pytest.mark.django_db
def test_system_check_reports_bad_reminder_and_escalation_settings(settings):
    settings.KHEO_REMINDER_OFFSETS_WORKING_DAYS = [-2, 1]
    settings.KHEO_ESCALATION_DELAYS_WORKING_DAYS = [1, 0]
    (error,) = deadline_settings_check()
    assert error.msg == (
        "Mốc nhắc việc phải là 0 (ngày đến hạn) hoặc số âm (số ngày làm việc trước hạn), không phải 1. "
        "Mỗi cấp chuyển lên trên phải cách cấp trước ít nhất 1 ngày làm việc, không phải 0."
    )
    with pytest.raises(SystemCheckError, match="workflows.E101"):
        call_command("check")


@pytest.mark.django_db
def test_completing_a_task_cancels_its_pending_slots(world, dossier):
    with time_machine.travel(at(2026, 4, 24, 10, 0), tick=False):
        model = model_register(world, dossier)
        task = open_task(model, "check_dossier")
        task_do(movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"})
    assert set(DeadlineSlot.objects.filter(task=task).values_list("state", flat=True)) == {"cancelled"}
    survey = open_task(model, "survey")
    assert (survey.due_on, survey.sla_working_days) == (date(2026, 5, 15), 12)
    assert DeadlineSlot.objects.filter(task=survey, state="pending").count() == 4
