"""The tasks one step creates get their deadlines and "new task" notifications together.

The survey's completion opens one evaluation task per council member: each member is
told once about their own task, every task has its slots, and one delivery message
carries them all. A task created inside a savepoint that rolled back leaves nothing behind.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext

from notifications import dispatch
from notifications.models import Notification
from tests.notifications.support import model_register, open_task
from workflows.deadlines.planning import task_deadline_start, task_starts_batched
from workflows.demo import task_do
from workflows.models import DeadlineSlot, RecognitionTask

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _to_evaluation(world, dossier):
    with time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=HCM), tick=False):
        model = model_register(world, dossier)
        task_do(movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"})
    return model


def _evaluation_tasks(model) -> list[RecognitionTask]:
    return [
        task
        for task in RecognitionTask.objects.filter(process__movement_model=model).order_by("pk")
        if task.flow_task.name == "evaluate"
    ]


def test_each_council_member_is_told_once_about_their_own_evaluation_task(
    world, dossier, monkeypatch, django_capture_on_commit_callbacks
):
    model = _to_evaluation(world, dossier)
    published: list[list[int]] = []
    real_publish = dispatch.publish_delivery
    monkeypatch.setattr(dispatch, "publish_delivery", lambda ids: published.append(list(ids)) or real_publish(ids))

    with (
        time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=HCM), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        task_do(
            movement_model=model,
            node_name="survey",
            user=world.survey_team,
            data={"visited_on": "04/05/2026", "findings": "Tốt", "recommendation": "recommend"},
        )

    tasks = _evaluation_tasks(model)
    assert sorted(task.owner.username for task in tasks) == ["hoidong1", "hoidong2", "hoidong3"]
    for task in tasks:
        assert task.due_on == date(2026, 5, 13)  # 7 working days from Mon 4/5
        rows = Notification.objects.filter(source_key__startswith=f"task-created:{task.pk}:")
        assert [row.recipient_id for row in rows] == [task.owner_id]
        assert "Hạn xử lý: 13/05/2026" in rows.get().body
        assert DeadlineSlot.objects.filter(task=task, state="pending").count() == 4
    created = Notification.objects.filter(source_key__startswith="task-created:", kind="task_assigned")
    evaluation_rows = sorted(created.filter(recipient__in=[task.owner for task in tasks]).values_list("pk", flat=True))
    assert published == [evaluation_rows]  # one message after commit, for the three of them


def _new_survey_task(survey) -> RecognitionTask:
    task = RecognitionTask(
        process_id=survey.process_id,
        flow_task=survey.flow_task,
        status="NEW",
        unit_id=survey.unit_id,
        owner_permission=survey.owner_permission,
    )
    task.due_on = date(2026, 5, 20)
    task.save()
    return task


def test_a_task_created_in_a_rolled_back_savepoint_leaves_no_slot_or_notification(world, dossier):
    model = _to_evaluation(world, dossier)
    survey = open_task(model, "survey")

    slots_before, notifications_before = DeadlineSlot.objects.count(), Notification.objects.count()

    with transaction.atomic(), task_starts_batched():
        try:
            with transaction.atomic():
                task_deadline_start(task=_new_survey_task(survey))
                raise IntegrityError("refused half-way")
        except IntegrityError:
            pass
        kept = _new_survey_task(survey)  # SQLite may give it the rolled-back task's id
        task_deadline_start(task=kept)

    assert DeadlineSlot.objects.count() - slots_before == 4
    assert DeadlineSlot.objects.filter(task=kept, state="pending").count() == 4
    assert Notification.objects.count() - notifications_before == 1
    rows = Notification.objects.filter(source_key__startswith=f"task-created:{kept.pk}:")
    assert [row.recipient.username for row in rows] == ["khaosat"]


def test_a_task_saved_by_the_engine_keeps_its_unit_and_due_date_and_a_changed_one_is_written(world, dossier):
    model = _to_evaluation(world, dossier)
    survey = open_task(model, "survey")
    unit_id, due_on = survey.unit_id, survey.due_on

    loaded = RecognitionTask.objects.get(pk=survey.pk)
    loaded.status = "NEW"
    with CaptureQueriesContext(transaction.get_connection()) as captured:
        loaded.save()
    # One row per task: one UPDATE, no second table.
    statements = [query["sql"].split()[0:3] for query in captured.captured_queries]
    assert statements == [["UPDATE", '"workflows_recognitiontask"', "SET"]]
    assert RecognitionTask.objects.filter(pk=survey.pk).values_list("unit_id", "due_on").get() == (unit_id, due_on)

    loaded.due_on = date(2026, 6, 1)
    loaded.save()
    assert RecognitionTask.objects.get(pk=survey.pk).due_on == date(2026, 6, 1)
    loaded.save()  # saved again unchanged: still the new date
    assert RecognitionTask.objects.get(pk=survey.pk).due_on == date(2026, 6, 1)
