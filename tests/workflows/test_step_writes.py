"""A completion's deadline and outbox writes: the finished task's slots cancelled, the new
task's slots and its "new task" notification inserted, in one statement on PostgreSQL."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from tests.notifications.support import model_register, open_task
from workflows.models import DeadlineSlot
from workflows.services import task_claim, task_complete

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _writes_of(queries, table: str) -> list[str]:
    return [query["sql"] for query in queries if table in query["sql"]]


def test_a_completion_cancels_the_old_slots_and_writes_the_new_ones_with_their_notice(world, dossier):
    with time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=HCM), tick=False):
        check = open_task(model_register(world, dossier), "check_dossier")
        task_claim(task_id=check.pk, user=world.standing_body)
        with CaptureQueriesContext(connection) as captured:
            task_complete(task_id=check.pk, user=world.standing_body, data={"decision": "accept"})

    survey = open_task(check.process.movement_model, "survey")
    assert sorted(DeadlineSlot.objects.filter(task=check).values_list("state", flat=True)) == ["cancelled"] * 4
    assert sorted(DeadlineSlot.objects.filter(task=survey).values_list("state", flat=True)) == ["pending"] * 4
    notices = Notification.objects.filter(source_key__startswith=f"task-created:{survey.pk}:")
    assert [notice.recipient.username for notice in notices] == [world.survey_team.username]

    slot_statements = _writes_of(captured.captured_queries, "workflows_deadlineslot")
    if connection.vendor == "postgresql":
        # One round trip: WITH cancel AS (UPDATE ...), slots AS (INSERT ...) INSERT INTO notifications ...
        assert len(slot_statements) == 1
        assert slot_statements[0].startswith("WITH write_0 AS (UPDATE")
        assert "notifications_notification" in slot_statements[0]
    else:
        assert [sql.split()[0] for sql in slot_statements] == ["UPDATE", "INSERT"]


def test_a_completion_that_opens_no_task_still_cancels_its_slots(world, dossier):
    """Returning the dossier opens `revise` for the unit (no SLA there): only the cancellation is written."""
    with time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=HCM), tick=False):
        check = open_task(model_register(world, dossier), "check_dossier")
        task_claim(task_id=check.pk, user=world.standing_body)
        task_complete(
            task_id=check.pk, user=world.standing_body, data={"decision": "return", "reason": "Thiếu biên bản."}
        )
    assert sorted(DeadlineSlot.objects.filter(task=check).values_list("state", flat=True)) == ["cancelled"] * 4
