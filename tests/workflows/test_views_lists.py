"""The inbox, queue and archive pages at any length: a fixed number of SQL statements,
the selectors' rows in the selectors' order, a total bounded past KHEO_LIST_COUNT_BOUND,
the step filter from the flow and sidebar badges that stop at "99+"."""

import datetime
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recognition.forms import DossierForm
from tests.conftest import dossier_data
from workflows.models import RecognitionTask
from workflows.selectors import task_archive_for, task_inbox_for, task_queue_for
from workflows.services import registration_submit, task_claim, task_complete

from .views_support import open_task

INBOX, QUEUE, ARCHIVE = "/recognition/inbox/", "/recognition/queue/", "/recognition/archive/"
SELECTORS = {INBOX: task_inbox_for, QUEUE: task_queue_for, ARCHIVE: task_archive_for}

# Session, user, its groups and two permission reads, the bounded count, the badges (one
# statement for both), the unread-notifications bell, the rows, then viewflow's saving of
# the page in the session (savepoint, update, release); the inbox and the queue also read
# the working calendar once for their due-date column.
STATEMENTS = {INBOX: 13, QUEUE: 13, ARCHIVE: 12}
# Opened again at the same address, a list does not write the session (savepoint, UPDATE, release).
SESSION_WRITE = 3


def _registered(world, name: str):
    form = DossierForm(data=dossier_data(world, name=name), user=world.submitter)
    assert form.is_valid(), form.errors
    # "Mô hình đã xử lý" and "Mô hình đang xử lý" are near names: confirmed not duplicates.
    return registration_submit(
        submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data(), confirm_duplicate=True
    )


def _task_of_each_list(world) -> dict[str, RecognitionTask]:
    """One model waiting in the standing body's queue, one in its inbox, one done (archive)."""
    queued = open_task(_registered(world, "Mô hình chờ nhận"), "check_dossier")
    claimed = open_task(_registered(world, "Mô hình đang xử lý"), "check_dossier")
    task_claim(task_id=claimed.pk, user=world.standing_body)
    done = open_task(_registered(world, "Mô hình đã xử lý"), "check_dossier")
    task_claim(task_id=done.pk, user=world.standing_body)
    task_complete(task_id=done.pk, user=world.standing_body, data={"decision": "accept"})
    return {QUEUE: queued, INBOX: claimed, ARCHIVE: RecognitionTask.objects.get(pk=done.pk)}


def _add_rows(task: RecognitionTask, count: int) -> None:
    """`count` more rows like `task`, created (and finished) at times out of pk order.

    Copies of a real task's row (every column but its key and times) stand for more tasks.
    """
    source = RecognitionTask.objects.get(pk=task.pk)
    columns = {
        field.attname: getattr(source, field.attname)
        for field in RecognitionTask._meta.concrete_fields
        if not field.primary_key and field.name not in ("created", "finished")
    }
    start = timezone.now() - datetime.timedelta(days=1)
    for n in range(count):
        at = start + datetime.timedelta(minutes=(n * 7) % count)
        RecognitionTask.objects.create(
            **columns,
            created=at,
            finished=at + datetime.timedelta(hours=1) if source.finished else None,
        )


def _statements(client, url: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
    return [query["sql"] for query in queries.captured_queries], page


def _statements_and_page(client, url: str) -> tuple[int, str]:
    statements, page = _statements(client, url)
    return len(statements), page


def _counts(statements: list[str]) -> list[str]:
    """The statements that count tasks, each with the LIMIT that bounds it."""
    return [
        " ".join(re.findall(r"LIMIT \d+", sql)) for sql in statements if "COUNT(" in sql and "recognitiontask" in sql
    ]


def _row_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-row-id="(\d+)">', page)]


def _summary(page: str) -> str:
    return " ".join(re.search(r'vf-list__pagination-summary">(.*?)</span>', page, re.S).group(1).split())


def _badge(page: str, url: str) -> str:
    return re.search(rf'href="{url}">.*?mdc-list-item__meta">(.*?)</span>', page, re.S).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INBOX, QUEUE, ARCHIVE])
def test_list_pages_cost_the_same_statements_with_3_or_30_rows(client, world, url):
    task = _task_of_each_list(world)[url]
    _add_rows(task, 2)
    client.force_login(world.standing_body)
    expected = [t.pk for t in SELECTORS[url](user=world.standing_body)]
    assert len(expected) == 3

    with_three, page = _statements_and_page(client, url)

    assert _row_ids(page) == expected
    assert _summary(page) == "1-3 trong tổng số 3"

    _add_rows(task, 27)
    expected = [t.pk for t in SELECTORS[url](user=world.standing_body)]
    assert len(expected) == 30

    with_thirty, first = _statements_and_page(client, url)
    on_second_page, second = _statements_and_page(client, url + "?page=2")

    # The first visit and page 2 pin a new address in the session; the same page again does not.
    assert (with_three, with_thirty, on_second_page) == (
        STATEMENTS[url],
        STATEMENTS[url] - SESSION_WRITE,
        STATEMENTS[url],
    )
    assert _row_ids(first) == expected[:25]
    assert _row_ids(second) == expected[25:]
    assert (_summary(first), _summary(second)) == ("1-25 trong tổng số 30", "26-30 trong tổng số 30")


@pytest.mark.django_db
@override_settings(KHEO_LIST_COUNT_BOUND=3)
def test_a_list_longer_than_the_bound_says_more_than_the_bound_until_its_last_page(client, world):
    task = _task_of_each_list(world)[INBOX]
    _add_rows(task, 29)
    expected = [t.pk for t in task_inbox_for(user=world.standing_body)]
    client.force_login(world.standing_body)

    statements, first = _statements(client, INBOX)
    _, second = _statements_and_page(client, INBOX + "?page=2")

    assert len(statements) == STATEMENTS[INBOX]
    # The list's total reads at most 4 rows; the badges (inbox, queue) at most 100 each.
    assert _counts(statements) == ["LIMIT 4", "LIMIT 100 LIMIT 100"]
    assert _summary(first) == "1-25 trong tổng số hơn 3"
    assert 'href="?page=2#pagination"' in first
    assert _row_ids(first) == expected[:25]
    # The last page has been read to its end: the total is known again.
    assert _summary(second) == "26-30 trong tổng số 30"
    assert _row_ids(second) == expected[25:]
    assert "navigate_next</i>\n      </li>" in second and 'href="?page=3' not in second
    assert client.get(INBOX + "?page=3").status_code == 404


@pytest.mark.django_db
@override_settings(KHEO_LIST_COUNT_BOUND=1000)
def test_totals_are_written_with_vietnamese_thousands(client, world):
    task = _task_of_each_list(world)[INBOX]
    _add_rows(task, 999)
    client.force_login(world.standing_body)
    exact = client.get(INBOX + "?page=40").content.decode()

    _add_rows(task, 1)
    more = client.get(INBOX).content.decode()
    last = client.get(INBOX + "?page=41").content.decode()

    assert _summary(exact) == "976-1.000 trong tổng số 1.000"
    assert _summary(more) == "1-25 trong tổng số hơn 1.000"
    assert _summary(last) == "1.001-1.001 trong tổng số 1.001"


@pytest.mark.django_db
def test_sidebar_badges_count_inbox_and_queue_up_to_the_badge_bound(client, world):
    tasks = _task_of_each_list(world)
    _add_rows(tasks[INBOX], 2)
    _add_rows(tasks[QUEUE], 1)
    client.force_login(world.standing_body)

    page = client.get(ARCHIVE).content.decode()
    with override_settings(KHEO_LIST_BADGE_BOUND=2):
        statements, bounded = _statements(client, ARCHIVE)

    assert (_badge(page, INBOX), _badge(page, QUEUE)) == ("3", "2")
    assert _counts(statements) == ["LIMIT 1001", "LIMIT 3 LIMIT 3"]
    assert (_badge(bounded, INBOX), _badge(bounded, QUEUE)) == ("2+", "2")


def _step_options(page: str) -> list[tuple[str, str]]:
    select = re.search(r'<vf-field-select id="id_flow_task"[^>]*optgroups="([^"]*)"', page).group(1)
    values = re.findall(r"&quot;value&quot;: &quot;(.*?)&quot;, &quot;label&quot;: &quot;(.*?)&quot;", select)
    return [(value, label.encode().decode("unicode_escape")) for value, label in values]


FLOW_STEPS = [
    ("", "---------"),
    ("workflows/flows.RecognitionFlow.check_dossier", "Kiểm tra hồ sơ"),
    ("workflows/flows.RecognitionFlow.revise", "Bổ sung hồ sơ"),
    ("workflows/flows.RecognitionFlow.survey", "Khảo sát thực tế"),
    ("workflows/flows.RecognitionFlow.evaluate", "Chấm điểm"),
    ("workflows/flows.RecognitionFlow.approve", "Ý kiến phê duyệt"),
    ("workflows/flows.RecognitionFlow.recognise", "Ký quyết định công nhận"),
    ("workflows/flows.RecognitionFlow.replicate", "Theo dõi nhân rộng"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INBOX, QUEUE, ARCHIVE])
def test_step_filter_offers_the_flows_human_steps_in_flow_order(client, world, url):
    client.force_login(world.standing_body)
    empty = client.get(url).content.decode()
    task = _task_of_each_list(world)[url]

    page = client.get(url).content.decode()
    on_step = client.get(url + "?flow_task=workflows/flows.RecognitionFlow.check_dossier").content.decode()
    on_other_step = client.get(url + "?flow_task=workflows/flows.RecognitionFlow.survey").content.decode()

    assert _step_options(empty) == _step_options(page) == FLOW_STEPS
    assert (_row_ids(on_step), _row_ids(on_other_step)) == ([task.pk], [])
