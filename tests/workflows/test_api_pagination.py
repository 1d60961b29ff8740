"""The API lists page by keyset: the selectors' rows in their order, a bounded count, refusals as 400 field maps."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from recognition.selectors import models_visible_to
from tests.workflows.api_support import INBOX, QUEUE, REGISTRATIONS, act, api_for, claim, register
from workflows.models import RecognitionTask
from workflows.selectors import task_archive_for, task_inbox_for, task_queue_for

pytestmark = pytest.mark.django_db

ARCHIVE = "/api/v1/tasks/archive/"
INVALID = "Dữ liệu không hợp lệ."
BAD_CURSOR = "Con trỏ trang (cursor) không hợp lệ hoặc không thuộc danh sách này. Hãy tải lại danh sách từ trang đầu."
EXPIRED_CURSOR = "Con trỏ trang (cursor) đã hết hạn sau 24 giờ. Hãy tải lại danh sách từ trang đầu."
BAD_PAGE_SIZE = "Số mục mỗi trang (page_size) phải là số nguyên từ 1 đến 100."


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def _cursor(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


def _walk(client, url: str, *, backwards_from: str | None = None) -> list[list[int]]:
    """Every page of a list by its next links (or its previous links, from a given page)."""
    pages, link, direction = [], backwards_from or url, "previous" if backwards_from else "next"
    while link:
        response = client.get(link)
        pages.append(_ids(response))
        link = response.json()[direction]
    return pages if direction == "next" else pages[::-1]


def _list_counts(queries: CaptureQueriesContext) -> list[str]:
    """The statements that count a list's rows (the working calendar's change check is another COUNT)."""
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*) FROM (")]


@pytest.fixture
def busy_province(world):
    """The province's standing body with 6 tasks in the queue, 6 in its inbox and 6 done (18 models)."""
    models = [register(world, name=f"Mô hình {index:02d}") for index in range(18)]
    for model in models[:6]:
        act(world.standing_body, model_id=model["id"], node="check_dossier", data={"decision": "accept"})
    for model in models[6:12]:
        claim(world.standing_body, model_id=model["id"], node="check_dossier")
    return world


@pytest.fixture
def small_province(world):
    """The province's standing body with 2 tasks in the queue, 2 in its inbox and 3 done (7 models)."""
    models = [register(world, name=f"Mô hình {index:02d}") for index in range(7)]
    for model in models[:3]:
        act(world.standing_body, model_id=model["id"], node="check_dossier", data={"decision": "accept"})
    for model in models[3:5]:
        claim(world.standing_body, model_id=model["id"], node="check_dossier")
    return world


def _selector_ids(world, url: str) -> list[int]:
    user = world.standing_body
    queryset = {
        INBOX: task_inbox_for(user=user),
        QUEUE: task_queue_for(user=user),
        ARCHIVE: task_archive_for(user=user),
        REGISTRATIONS: models_visible_to(user=user).order_by("-created_at", "-pk"),
    }[url]
    return list(queryset.values_list("pk", flat=True))


def test_pages_hold_the_selectors_rows_in_order_at_a_constant_statement_count(busy_province):
    world = busy_province
    client = api_for(world.standing_body)
    for url, rows in [(INBOX, 6), (QUEUE, 6), (ARCHIVE, 6), (REGISTRATIONS, 18)]:
        expected = _selector_ids(world, url)
        assert len(expected) == rows, url

        pages = _walk(client, f"{url}?page_size=5")
        assert [row for page in pages for row in page] == expected, url
        assert [len(page) for page in pages] == [5] * (rows // 5) + [rows % 5], url
        # Back from the last page by the previous links: the same pages.
        last = client.get(f"{url}?page_size=5")
        while last.json()["next"]:
            last = client.get(last.json()["next"])
        assert _walk(client, url, backwards_from=last.json()["previous"]) + [_ids(last)] == pages, url

        with CaptureQueriesContext(connection) as five:
            assert len(_ids(client.get(f"{url}?page_size=5"))) == 5
        with CaptureQueriesContext(connection) as fifty:
            response = client.get(f"{url}?page_size=50")
        assert _ids(response) == expected, url
        assert (response.json()["count"], response.json()["count_exact"]) == (rows, True), url
        assert len(five.captured_queries) == len(fifty.captured_queries), url
        counts = _list_counts(fifty)
        assert len(counts) == 1, url
        assert "LIMIT 1001" in counts[0], url


def test_reversed_order_on_request(busy_province):
    client = api_for(busy_province.standing_body)
    assert _ids(client.get(f"{INBOX}?ordering=-created")) == _selector_ids(busy_province, INBOX)[::-1]
    assert _ids(client.get(f"{ARCHIVE}?ordering=finished")) == _selector_ids(busy_province, ARCHIVE)[::-1]
    assert (
        _ids(client.get(f"{REGISTRATIONS}?ordering=created_at&page_size=100"))
        == (_selector_ids(busy_province, REGISTRATIONS)[::-1])
    )


def test_a_task_finished_or_added_between_two_pages_is_neither_repeated_nor_skipped(busy_province):
    world = busy_province
    client = api_for(world.standing_body)
    archive_before = _selector_ids(world, ARCHIVE)
    first = client.get(f"{ARCHIVE}?page_size=4")
    assert _ids(first) == archive_before[:4]
    # A task finished now goes to the top of the archive; the next page goes on where the first stopped.
    queue_first = client.get(f"{QUEUE}?page_size=4")
    newly_done = act(
        world.standing_body,
        model_id=queue_first.json()["results"][0]["model"]["id"],
        node="check_dossier",
        data={"decision": "accept"},
    )
    assert _selector_ids(world, ARCHIVE)[0] == newly_done["id"]
    assert _ids(client.get(first.json()["next"])) == archive_before[4:]
    # The queue lost its first row and gained a new one at its end; page 2 neither repeats nor skips.
    added = register(world, name="Mô hình mới")
    queue_now = _selector_ids(world, QUEUE)
    assert queue_now[-1] != queue_first.json()["results"][-1]["id"]
    assert _ids(client.get(queue_first.json()["next"])) == queue_now[3:7]
    assert client.get(QUEUE).json()["results"][-1]["model"]["id"] == added["id"]


def test_count_is_exact_up_to_the_bound_then_says_more(small_province, settings):
    client = api_for(small_province.standing_body)
    settings.KHEO_LIST_COUNT_BOUND = 7
    registrations = client.get(f"{REGISTRATIONS}?page_size=2").json()
    assert (registrations["count"], registrations["count_exact"], len(registrations["results"])) == (7, True, 2)
    settings.KHEO_LIST_COUNT_BOUND = 6
    with CaptureQueriesContext(connection) as queries:
        registrations = client.get(f"{REGISTRATIONS}?page_size=2").json()
    assert (registrations["count"], registrations["count_exact"], len(registrations["results"])) == (6, False, 2)
    counts = _list_counts(queries)
    assert len(counts) == 1
    assert "LIMIT 7" in counts[0]
    settings.KHEO_LIST_COUNT_BOUND = 2
    archive = client.get(ARCHIVE).json()
    assert (archive["count"], archive["count_exact"], len(archive["results"])) == (2, False, 3)


def test_default_page_is_25_rows_and_100_is_the_most(world):
    for index in range(26):
        register(world, name=f"Mô hình {index:02d}")
    client = api_for(world.standing_body)
    assert len(_ids(client.get(QUEUE))) == 25
    assert len(_ids(client.get(f"{QUEUE}?page_size=100"))) == 26
    assert client.get(QUEUE).json()["count"] == 26


@pytest.mark.parametrize("value", ["101", "0", "-1", "abc", "5.0", "", "١٠"])
def test_page_size_out_of_range_or_not_a_number_is_a_400(world, value):
    response = api_for(world.standing_body).get(QUEUE, {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": {"page_size": [BAD_PAGE_SIZE]}}


def test_unknown_sort_key_is_a_400_naming_the_keys(world):
    client = api_for(world.standing_body)
    response = client.get(f"{INBOX}?ordering=bogus")
    assert response.status_code == 400
    assert response.json() == {
        "detail": INVALID,
        "errors": {"ordering": ["Không sắp xếp được theo khóa này (ordering). Chọn một trong: created, -created."]},
    }
    # A key of another list is unknown here too; several mistakes are reported together.
    response = client.get(f"{ARCHIVE}?ordering=created&page_size=101")
    assert response.json() == {
        "detail": INVALID,
        "errors": {
            "page_size": [BAD_PAGE_SIZE],
            "ordering": ["Không sắp xếp được theo khóa này (ordering). Chọn một trong: -finished, finished."],
        },
    }


def test_page_numbers_are_refused_with_the_way_to_page(world):
    response = api_for(world.standing_body).get(f"{QUEUE}?page=2")
    assert response.status_code == 400
    assert response.json() == {
        "detail": INVALID,
        "errors": {
            "page": ["Danh sách dùng con trỏ trang: theo liên kết next/previous (tham số cursor) thay cho page."]
        },
    }


def test_tampered_or_foreign_cursor_is_a_400(small_province):
    client = api_for(small_province.standing_body)
    next_link = client.get(f"{INBOX}?page_size=1").json()["next"]
    cursor = _cursor(next_link)
    payload, timestamp, signature = cursor.rsplit(":", 2)
    tampered = {
        "signature": f"{payload}:{timestamp}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        "payload": f"{payload[:-2]}{'xy' if payload[-2:] != 'xy' else 'zz'}:{timestamp}:{signature}",
        "drf_plain": "cD0yMDI2LTEyLTAx",
        "garbage": "'; DROP TABLE x; --",
        "empty": "",
    }
    for name, value in tampered.items():
        response = client.get(INBOX, {"page_size": 1, "cursor": value})
        assert response.status_code == 400, name
        assert response.json() == {"detail": INVALID, "errors": {"cursor": [BAD_CURSOR]}}, name
    # A genuine cursor, but made for another list or another order.
    for url, query in [(QUEUE, {}), (INBOX, {"ordering": "-created"})]:
        response = client.get(url, {"page_size": 1, "cursor": cursor, **query})
        assert response.json() == {"detail": INVALID, "errors": {"cursor": [BAD_CURSOR]}}, url
    assert client.get(next_link).status_code == 200


def test_cursor_expires_after_24_hours(small_province):
    client = api_for(small_province.standing_body)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        next_link = client.get(f"{ARCHIVE}?page_size=2").json()["next"]
    expected = _selector_ids(small_province, ARCHIVE)[2:3]
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert _ids(client.get(next_link)) == expected
    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        response = client.get(next_link)
    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": {"cursor": [EXPIRED_CURSOR]}}


def test_tasks_created_in_the_same_instant_are_paged_by_id_even_when_one_leaves_the_list(world):
    for index in range(4):
        register(world, name=f"Mô hình {index}")
    RecognitionTask.objects.filter(pk__in=_selector_ids(world, QUEUE)).update(created=timezone.now())
    queue = _selector_ids(world, QUEUE)
    assert queue == sorted(queue)
    client = api_for(world.standing_body)
    first = client.get(f"{QUEUE}?page_size=2")
    assert _ids(first) == queue[:2]
    # Claimed from page 1: page 2 still starts right after the last row seen, by id.
    claim(world.standing_body, model_id=first.json()["results"][0]["model"]["id"], node="check_dossier")
    assert _ids(client.get(first.json()["next"])) == queue[2:]


def test_archive_holds_only_the_users_own_finished_tasks_and_refuses_the_anonymous(small_province):
    world = small_province
    anonymous = APIClient().get(f"{ARCHIVE}?page_size=500&ordering=bogus")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Chưa đăng nhập: gửi phiên đăng nhập hoặc tiêu đề “Authorization: Token …”."}
    # The survey team has the three survey tasks in its queue but has finished nothing.
    assert api_for(world.survey_team).get(ARCHIVE).json() == {
        "count": 0,
        "count_exact": True,
        "next": None,
        "previous": None,
        "results": [],
    }
    archive = api_for(world.standing_body).get(ARCHIVE).json()
    assert [(task["node"], task["status"], task["owner"]["username"]) for task in archive["results"]] == [
        ("check_dossier", "DONE", "thuongtruc")
    ] * 3
