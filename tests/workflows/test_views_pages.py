"""The pages a reviewer uses every day: what they show, in Vietnamese, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import dossier_data

from .views_support import REGISTER_URL, do_task, open_task, process_url, register_through_page, task_url

LIST_PAGES = [
    "/recognition/",
    "/recognition/inbox/",
    "/recognition/queue/",
    "/recognition/archive/",
    "/recognition/flows/",
    "/recognition/tasks/",
    "/models/",
]


def register_many(client, world, count: int) -> list:
    return [
        register_through_page(client, user=world.submitter, data=dossier_data(world, name=f"Hũ gạo tình thương {n}"))
        for n in range(count)
    ]


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_queue_has_no_every_process_dropdown(client, world):
    models = register_many(client, world, 2)
    client.force_login(world.standing_body)

    page = client.get("/recognition/queue/").content.decode()

    assert 'name="process"' not in page
    assert 'name="model_name"' in page
    for model in models:
        assert model.name in page


def populate(client, world, count: int, start: int) -> None:
    """`count` models in each of the standing body's queue, inbox and archive."""
    for n in range(start, start + count):
        queued, claimed, done = (
            register_through_page(client, user=world.submitter, data=dossier_data(world, name=f"Mô hình {n}-{kind}"))
            for kind in ("queue", "inbox", "archive")
        )
        client.force_login(world.standing_body)
        client.post(task_url(open_task(claimed, "check_dossier"), "assign"))
        do_task(
            client,
            movement_model=done,
            node_name="check_dossier",
            user=world.standing_body,
            data={"decision": "accept"},
        )


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_do_not_grow_queries_with_rows(client, world, url):
    """Each page costs the same number of queries with 1 or 3 rows of each kind (no N+1)."""
    populate(client, world, 1, start=0)
    client.force_login(world.standing_body)
    client.get(url)  # both counts below are of a list opened again (its address is pinned already)
    with_one = query_count(client, url)
    populate(client, world, 2, start=1)
    client.force_login(world.standing_body)
    page = client.get(url).content.decode()

    with_three = query_count(client, url)

    expected_rows = {"/recognition/queue/": "queue", "/recognition/inbox/": "inbox", "/recognition/archive/": "archive"}
    for n in range(3):
        assert f"Mô hình {n}-{expected_rows.get(url, 'queue')}" in page
    assert with_three == with_one


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*LIST_PAGES, REGISTER_URL])
def test_pages_are_in_vietnamese_by_default(client, world, url):
    register_many(client, world, 1)
    client.force_login(world.submitter)

    page = client.get(url).content.decode()

    assert '<html lang="vi"' in page
    for english in (">Inbox<", ">Queue<", ">Archive<", ">Dashboard<", "No viewsets found", ">Brief<", "Process id"):
        assert english not in page, english


@pytest.mark.django_db
def test_task_pages_show_the_dossier_in_vietnamese(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    task = open_task(model, "check_dossier")
    client.force_login(world.standing_body)

    assign_page = client.get(task_url(task, "assign")).content.decode()
    client.post(task_url(task, "assign"))
    execute_page = client.get(task_url(task, "execute")).content.decode()
    detail_page = client.get(task_url(task, "detail")).content.decode()

    for page in (assign_page, execute_page, detail_page):
        assert '<html lang="vi"' in page
        assert "Hồ sơ</h2>" not in page  # the panel title carries the model name
        assert f"Hồ sơ: {model.name}" in page
        assert "Mỗi hội viên góp một nắm gạo mỗi tuần." in page
    assert "Nhận và xử lý ngay" in assign_page
    assert "Hồ sơ hợp lệ, chuyển khảo sát" in execute_page
    assert "Đã nhận, đang xử lý" in detail_page
    assert ">Owner<" not in detail_page and 'label="Brief"' not in detail_page


@pytest.mark.django_db
def test_model_page_links_to_its_process_and_shows_its_tasks(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    do_task(
        client, movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"}
    )
    client.force_login(world.submitter)

    page = client.get(f"/models/{model.pk}/").content.decode()

    assert f'href="{process_url(model.process.pk)}"' in page
    assert "/workflows/recognition/" not in page
    assert "<strong>Giai đoạn hiện tại:</strong> Khảo sát thực tế" in page
    check, survey = open_task(model, "survey").previous.get(), open_task(model, "survey")
    assert f"{check.process_id}/{check.pk}</a>" in page and "Đã hoàn thành" in page
    assert f"{survey.process_id}/{survey.pk}</a>" in page and "Chờ nhận" in page


@pytest.mark.django_db
def test_process_page_shows_tasks_stage_and_dossier(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    client.force_login(world.standing_body)

    page = client.get(process_url(model.process.pk)).content.decode()

    assert "<strong>Giai đoạn:</strong> Đã đăng ký, chờ kiểm tra hồ sơ" in page
    assert ">Kiểm tra hồ sơ</a>" in page
    assert f'href="/models/{model.pk}/"' in page
    assert f"Hồ sơ: {model.name}" in page


@pytest.mark.django_db
def test_dashboard_cards_name_the_model_and_offer_the_claim(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    task = open_task(model, "check_dossier")
    client.force_login(world.standing_body)

    page = client.get("/recognition/").content.decode()

    assert model.name in page
    assert f'href="{task_url(task, "assign")}"' in page
