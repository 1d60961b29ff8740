"""A new task's due date, slots and "new task" message, and what the notification templates say about it."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch

from notifications.models import Notification
from tests.notifications.support import model_register, open_task
from workflows.deadlines.planning import task_context, task_deadline_start, task_url
from workflows.flows import RecognitionFlow
from workflows.models import DeadlineSlot, RecognitionTask

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_task_context_is_what_the_templates_need(world, dossier):
    model = model_register(world, dossier)
    task = open_task(model, "check_dossier")
    expected = {
        "task_title": "Kiểm tra hồ sơ",
        "model_name": "Hũ gạo tình thương",
        "registering_unit": "Hội LHPN phường Ninh Kiều",
        "task_unit": "Thành ủy Cần Thơ",
        "due_on": task.due_on.strftime("%d/%m/%Y"),
        "sla_working_days": 5,
        "unclaimed": True,
    }
    assert task_context(task=task) == expected
    assert task_context(task=RecognitionTask.objects.get(pk=task.pk)) == expected


def test_task_context_of_a_claimed_task_without_unit_or_due_date(world, dossier):
    task = open_task(model_register(world, dossier), "check_dossier")
    task.owner = world.standing_body
    task.unit = None
    task.due_on = None
    task.sla_working_days = None
    context = task_context(task=task)
    assert (context["task_unit"], context["due_on"], context["sla_working_days"], context["unclaimed"]) == (
        "",
        "",
        None,
        False,
    )
    task.process.registering_unit = None  # the cached row task_context reads
    assert task_context(task=task)["registering_unit"] == ""


def test_a_task_url_points_at_its_page_or_is_empty():
    task = SimpleNamespace(flow_task=RecognitionFlow.survey, process_id=4, pk=9)
    assert task_url(task=task) == "/recognition/4/survey/9/"

    def no_page(*args, **kwargs):
        raise NoReverseMatch("no page")

    assert task_url(task=SimpleNamespace(flow_task=SimpleNamespace(reverse=no_page), process_id=4, pk=9)) == ""


def test_starting_a_task_without_a_saved_due_date_writes_it_with_its_slots_and_message(world, dossier):
    model = model_register(world, dossier)
    process = model.process
    task = RecognitionTask.objects.create(
        process=process,
        flow_task=RecognitionFlow.survey,
        flow_task_type="HUMAN",
        unit=world.province,
        owner_permission="recognition.conduct_survey",
    )
    now = datetime(2026, 3, 2, 10, 0, tzinfo=HCM)  # far from the real clock: the given moment must be used
    task_deadline_start(task=task, now=now)
    task.refresh_from_db()
    # Monday 2/3 + 12 working days = Wednesday 18/3
    assert (task.due_on, task.sla_working_days) == (date(2026, 3, 18), 12)
    assert list(DeadlineSlot.objects.filter(task=task).values_list("rule", "fire_at")) == [
        ("reminder.d-2", datetime(2026, 3, 16, 8, tzinfo=HCM)),
        ("reminder.d0", datetime(2026, 3, 18, 8, tzinfo=HCM)),
        ("escalation.level-1", datetime(2026, 3, 19, 8, tzinfo=HCM)),
        ("escalation.level-2", datetime(2026, 3, 24, 8, tzinfo=HCM)),
    ]
    [message] = Notification.objects.filter(source_key__startswith=f"task-created:{task.pk}:")
    assert (message.recipient, message.kind, message.created_at) == (world.survey_team, "task_assigned", now)
    assert message.next_attempt_at > now
    assert message.next_attempt_at <= now + timedelta(minutes=5)


def test_starting_a_task_of_a_stage_without_a_period_sends_only_the_message(world, dossier, settings):
    # Every stage of a version has a period; an unpinned process reads the settings, here without one.
    model = model_register(world, dossier)
    model.process.procedure_version = None
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {}
    task = RecognitionTask.objects.create(
        process=model.process,
        flow_task=RecognitionFlow.survey,
        flow_task_type="HUMAN",
        unit=world.province,
        owner_permission="recognition.conduct_survey",
    )
    task_deadline_start(task=task, now=datetime(2026, 3, 2, 10, 0, tzinfo=HCM))
    task.refresh_from_db()
    assert (task.due_on, task.sla_working_days) == (None, None)
    assert DeadlineSlot.objects.filter(task=task).count() == 0
    assert list(
        Notification.objects.filter(source_key__startswith=f"task-created:{task.pk}:").values_list(
            "recipient__username", flat=True
        )
    ) == ["khaosat"]


def test_task_context_of_a_process_without_a_model(world):
    from workflows.models import RecognitionProcess

    process = RecognitionProcess.objects.create(flow_class=RecognitionFlow)
    task = RecognitionTask.objects.create(process=process, flow_task=RecognitionFlow.survey, flow_task_type="HUMAN")
    context = task_context(task=task)
    assert (context["model_name"], context["registering_unit"], context["task_title"]) == ("", "", "Khảo sát thực tế")
