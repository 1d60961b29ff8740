"""Due date and "working days left / overdue by" in the inbox, on the task page and in the API."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.notifications.support import model_register, open_task
from workflows.deadlines.display import task_due_status
from workflows.services import task_claim

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def claimed(world, dossier):
    with time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=HCM), tick=False):
        model = model_register(world, dossier)
        task = open_task(model, "check_dossier")
        task_claim(task_id=task.pk, user=world.standing_body)
    return task


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today, label, left, overdue",
    [
        (date(2026, 5, 4), "Còn 2 ngày làm việc", 2, None),
        (date(2026, 5, 6), "Hết hạn hôm nay", 0, None),
        (date(2026, 5, 8), "Quá hạn 2 ngày làm việc", None, 2),
        (date(2026, 5, 9), "Quá hạn 2 ngày làm việc", None, 2),  # a Saturday adds no working day
    ],
)
def test_due_status_counts_working_days(claimed, today, label, left, overdue):
    status = task_due_status(task=claimed, today=today)
    assert (status.label, status.working_days_left, status.overdue_working_days) == (label, left, overdue)


@pytest.mark.django_db
def test_inbox_and_task_page_show_the_due_date(client, world, claimed):
    client.force_login(world.standing_body)
    with time_machine.travel(datetime(2026, 5, 4, 10, 0, tzinfo=HCM), tick=False):
        inbox = client.get("/recognition/inbox/").content.decode()
        page = client.get(f"/recognition/{claimed.process_id}/check_dossier/{claimed.pk}/detail/").content.decode()
    assert "Hạn xử lý" in inbox
    assert "06/05/2026 — Còn 2 ngày làm việc" in inbox
    assert "06/05/2026 — Còn 2 ngày làm việc" in page
    with time_machine.travel(datetime(2026, 5, 8, 10, 0, tzinfo=HCM), tick=False):
        page = client.get(f"/recognition/{claimed.process_id}/check_dossier/{claimed.pk}/detail/").content.decode()
    assert "<strong>06/05/2026 — Quá hạn 2 ngày làm việc</strong>" in page


@pytest.mark.django_db
def test_api_gives_the_deadline_and_refuses_other_units(client, world, claimed):
    client.force_login(world.standing_body)
    with time_machine.travel(datetime(2026, 5, 8, 10, 0, tzinfo=HCM), tick=False):
        body = client.get(f"/api/v1/tasks/{claimed.pk}/").json()
    assert body["due_on"] == "2026-05-06"
    assert body["deadline"] == {
        "due_on": "2026-05-06",
        "working_days_left": None,
        "overdue_working_days": 2,
        "is_overdue": True,
        "label": "Quá hạn 2 ngày làm việc",
    }
    client.force_login(world.other_submitter)
    assert client.get(f"/api/v1/tasks/{claimed.pk}/").status_code == 404
