"""The interface speaks Vietnamese by default and English on request.

viewflow and django-filter ship no Vietnamese: their words come from
config/locale/vi; Khéo's own Vietnamese msgids get English from config/locale/en.
"""

import html
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from viewflow.workflow.status import PROCESS, STATUS

from recognition.forms import DossierForm
from workflows.models import RecognitionTask
from workflows.services import registration_submit, task_claim

INBOX_URL = "/recognition/inbox/"
TASK_LIST_URL = "/recognition/tasks/"
MODEL_LIST_URL = "/models/"

VIETNAMESE_FLOW_MENU = ["Bảng theo dõi", "Hộp việc", "Việc chờ nhận", "Việc đã làm"]
ENGLISH_FLOW_MENU = ["Dashboard", "Inbox", "Queue", "Archive"]
VIETNAMESE_USER_MENU = ["Thông tin cá nhân", "Đăng xuất"]
ENGLISH_USER_MENU = ["Profile", "Log out"]

VIETNAMESE_TASK_STATUSES = {
    "ASSIGNED": "Đã nhận",
    "CANCELED": "Đã hủy",
    "DONE": "Hoàn thành",
    "ERROR": "Lỗi",
    "NEW": "Mới",
    "REVIVED": "Đã khôi phục",
    "SCHEDULED": "Đã hẹn giờ",
    "STARTED": "Đang xử lý",
}


def menu_labels(response) -> list[str]:
    """Texts of the side menu entries, in page order."""
    return re.findall(r'class="mdc-list-item__content"[^>]*>\s*([^<]*?)\s*<', response.content.decode())


def option_labels(response, name: str) -> dict[str, str]:
    """value -> label of the choices of the Material select `name` (they travel as JSON in `optgroups`)."""
    body = response.content.decode()
    field = re.search(rf'<vf-field-select[^>]*\bname="{name}"[^>]*\boptgroups="([^"]*)"', body)
    assert field is not None, f"no select {name!r} on the page"
    groups = json.loads(html.unescape(field.group(1)))
    return {group["options"]["value"]: group["options"]["label"] for group in groups}


@pytest.fixture(autouse=True)
def restore_active_language():
    """A request leaves its language active in the thread; do not leak English into other tests."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def created_at(world):
    return datetime(world.campaign.year, 3, 25, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def claimed_task(world, dossier, created_at):
    """One registration whose dossier check the standing body has claimed (created 08:30, 25 March)."""
    form = DossierForm(data=dossier, user=world.submitter)
    assert form.is_valid(), form.errors
    with time_machine.travel(created_at, tick=False):
        model = registration_submit(submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data())
    task = RecognitionTask.objects.get(process=model.process, flow_task_type="HUMAN")
    task_claim(task_id=task.pk, user=world.standing_body)
    task.refresh_from_db()
    return task


@pytest.fixture
def reviewer_client(client, world):
    client.force_login(world.standing_body)
    return client


def test_default_language_is_vietnamese():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


@pytest.mark.django_db
def test_inbox_is_vietnamese_by_default(reviewer_client, claimed_task):
    response = reviewer_client.get(INBOX_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi"' in body
    labels = menu_labels(response)
    assert labels[:4] == VIETNAMESE_FLOW_MENU
    assert labels[-2:] == VIETNAMESE_USER_MENU
    for english in ENGLISH_FLOW_MENU + ENGLISH_USER_MENU + ["Applications", "Filter"]:
        assert english not in labels
        assert f">{english}<" not in body
    assert "Kiểm tra hồ sơ" in body
    # django-filter's date ranges come from our Vietnamese catalogue too.
    assert option_labels(response, "created") == {
        "": "---------",
        "today": "Hôm nay",
        "yesterday": "Hôm qua",
        "week": "7 ngày qua",
        "month": "Tháng này",
        "year": "Năm nay",
    }


@pytest.mark.django_db
def test_accept_language_en_shows_english(reviewer_client, claimed_task):
    response = reviewer_client.get(INBOX_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en"' in body
    labels = menu_labels(response)
    assert labels[:4] == ENGLISH_FLOW_MENU
    assert labels[-2:] == ENGLISH_USER_MENU
    assert "Hộp việc" not in body
    # The stage of the task, written as a Vietnamese msgid, is translated.
    assert "Dossier check" in body
    assert "Kiểm tra hồ sơ" not in body
    assert option_labels(response, "created")["week"] == "Past 7 days"


@pytest.mark.django_db
def test_setlang_switches_the_session_to_english_and_back(reviewer_client, claimed_task):
    response = reviewer_client.post("/i18n/setlang/", {"language": "en", "next": MODEL_LIST_URL})

    assert response.status_code == 302
    assert response["Location"] == MODEL_LIST_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    models_page = reviewer_client.get(MODEL_LIST_URL).content.decode()
    assert "Registered, awaiting dossier check" in models_page
    assert "Đã đăng ký, chờ kiểm tra hồ sơ" not in models_page
    inbox = reviewer_client.get(INBOX_URL)
    assert menu_labels(inbox)[:4] == ENGLISH_FLOW_MENU
    assert "Dossier check" in inbox.content.decode()

    reviewer_client.post("/i18n/setlang/", {"language": "vi", "next": INBOX_URL})

    inbox = reviewer_client.get(INBOX_URL)
    assert menu_labels(inbox)[:4] == VIETNAMESE_FLOW_MENU
    assert "Dossier check" not in inbox.content.decode()


@pytest.mark.django_db
def test_setlang_refuses_an_unlisted_language(reviewer_client, claimed_task):
    reviewer_client.post("/i18n/setlang/", {"language": "fr", "next": INBOX_URL})

    # Django has French catalogues, so the cookie is written, but LANGUAGES excludes it.
    inbox = reviewer_client.get(INBOX_URL)
    assert menu_labels(inbox)[:4] == VIETNAMESE_FLOW_MENU
    assert '<html lang="vi"' in inbox.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_render_day_first(reviewer_client, claimed_task, created_at, language):
    year = created_at.year

    body = reviewer_client.get(INBOX_URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert re.search(rf"\b25/03/{year} 08:30\b|\b08:30 25/03/{year}\b", body)
    assert f"03/25/{year}" not in body
    assert f"{year}-03-25" not in body
    assert "March" not in body
    assert "tháng 3" not in body


def test_task_and_process_status_names_are_vietnamese():
    with translation.override("vi"):
        assert {value: str(label) for value, label in STATUS.choices} == VIETNAMESE_TASK_STATUSES
        assert {value: str(label) for value, label in PROCESS.choices} == {
            "CANCELED": "Đã hủy",
            "DONE": "Hoàn thành",
            "NEW": "Mới",
        }
    with translation.override("en"):
        assert str(STATUS.ASSIGNED.label) == "Assigned"


@pytest.mark.django_db
def test_task_status_of_a_claimed_task_reads_vietnamese(reviewer_client, claimed_task):
    with translation.override("vi"):
        assert claimed_task.get_status_display() == "Đã nhận"

    response = reviewer_client.get(TASK_LIST_URL)

    assert response.status_code == 200
    labels = option_labels(response, "status")
    assert "ASSIGNED" in labels
    english = {"New", "Assigned", "Started", "Done", "Canceled", "Error"}
    assert english.isdisjoint(labels.values())
    body = response.content.decode()
    assert all(f">{word}<" not in body for word in english)
