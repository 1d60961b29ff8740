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
from tests.workflows.views_support import do_task, open_task, register_through_page, scores, survey_data, task_url
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


# The language switch, the login page, list titles and Django's min/max messages

PROCESS_LIST_URL = "/recognition/flows/"
LOGIN_URL = "/accounts/login/"
LOGIN_SUBTITLE = {
    "vi": "Công nhận mô hình, điển hình “Dân vận khéo”",
    "en": "Recognition of “Dân vận khéo” models and exemplars",
}


def language_switch(response) -> dict:
    """The language switch form of a page: where it posts, its `next`, its options and the current one."""
    body = response.content.decode()
    forms = re.findall(r'<form class="kheo-language-switch"(.*?)</form>', body, re.S)
    assert len(forms) == 1, f"{len(forms)} language switches on the page"
    form = forms[0]
    buttons = re.findall(
        r'<button type="submit" name="language" value="(\w+)"[^>]*?(aria-current="true" disabled)?\s*style="[^"]*">'
        r"([^<]*)</button>",
        form,
    )
    return {
        "action": re.search(r'action="([^"]*)"', form).group(1),
        "method": re.search(r'method="([^"]*)"', form).group(1),
        "next": html.unescape(re.search(r'<input type="hidden" name="next" value="([^"]*)"', form).group(1)),
        "has_csrf_token": 'name="csrfmiddlewaretoken"' in form,
        "options": {code: name for code, _, name in buttons},
        "current": [code for code, current, _ in buttons if current],
    }


def page_heading(response) -> str:
    match = re.search(r'<h1 class="vf-card__title">\s*(.*?)\s*</h1>', response.content.decode(), re.S)
    assert match is not None, "no card title on the page"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INBOX_URL, TASK_LIST_URL, PROCESS_LIST_URL, MODEL_LIST_URL, "/notifications/"])
def test_every_page_offers_the_language_switch_next_to_the_bell(reviewer_client, claimed_task, url):
    response = reviewer_client.get(url)

    assert response.status_code == 200
    assert language_switch(response) == {
        "action": "/i18n/setlang/",
        "method": "post",
        "next": url,
        "has_csrf_token": True,
        "options": {"vi": "Tiếng Việt", "en": "English"},
        "current": ["vi"],
    }
    toolbar = re.search(r"mdc-top-app-bar__section--align-end\">(.*?)</section>", response.content.decode(), re.S)
    assert re.search(r"kheo-language-switch.*kheo-bell", toolbar.group(1), re.S)


@pytest.mark.django_db
def test_switch_keeps_the_query_string_of_the_page(reviewer_client, claimed_task):
    response = reviewer_client.get(INBOX_URL + "?model_name=abc")

    assert language_switch(response)["next"] == INBOX_URL + "?model_name=abc"


@pytest.mark.django_db
def test_switch_turns_the_page_english_and_back(reviewer_client, claimed_task):
    switch = language_switch(reviewer_client.get(INBOX_URL))

    response = reviewer_client.post(switch["action"], {"language": "en", "next": switch["next"]})

    assert response.status_code == 302
    assert response["Location"] == INBOX_URL
    inbox = reviewer_client.get(response["Location"])
    body = inbox.content.decode()
    assert '<html lang="en"' in body
    assert menu_labels(inbox)[:4] == ENGLISH_FLOW_MENU
    assert "Dossier check" in body
    assert 'aria-label="Open navigation menu"' in body
    assert language_switch(inbox)["current"] == ["en"]
    # Each language keeps its own name in the switch, whatever the interface language.
    assert language_switch(inbox)["options"] == {"vi": "Tiếng Việt", "en": "English"}

    response = reviewer_client.post(switch["action"], {"language": "vi", "next": INBOX_URL})

    assert response["Location"] == INBOX_URL
    inbox = reviewer_client.get(INBOX_URL)
    body = inbox.content.decode()
    assert '<html lang="vi"' in body
    assert menu_labels(inbox)[:4] == VIETNAMESE_FLOW_MENU
    assert "Dossier check" not in body
    assert 'aria-label="Mở menu điều hướng"' in body
    assert language_switch(inbox)["current"] == ["vi"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "vietnamese", "english"),
    [(PROCESS_LIST_URL, "Danh sách quy trình", "Process list"), (TASK_LIST_URL, "Danh sách nhiệm vụ", "Task list")],
)
def test_list_titles(reviewer_client, claimed_task, url, vietnamese, english):
    assert page_heading(reviewer_client.get(url)) == vietnamese
    assert page_heading(reviewer_client.get(url, HTTP_ACCEPT_LANGUAGE="en")) == english


@pytest.mark.django_db
def test_list_pagination_summary_is_translated(reviewer_client, claimed_task):
    vietnamese = reviewer_client.get(TASK_LIST_URL).content.decode()
    english = reviewer_client.get(TASK_LIST_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    summary = r'<span class="vf-list__pagination-summary">\s*(.*?)\s*</span>'
    assert re.search(summary, vietnamese).group(1) == "1-2 trong tổng số 2"
    assert re.search(summary, english).group(1) == "1-2 of 2"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_login_page_carries_our_subtitle(client, language):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    body = response.content.decode()
    subtitle = re.search(r'<div class="vf-page-lockscreen__sidebar-header-subtitle">\s*(.*?)\s*</div>', body, re.S)
    assert subtitle.group(1) == LOGIN_SUBTITLE[language]
    assert (
        re.search(r"<title>(.*?)</title>", body).group(1)
        == {
            "vi": "Đăng nhập - Khéo — Dân vận khéo",
            "en": "Log in - Khéo — Dân vận khéo",
        }[language]
    )
    for foreign in ("Viewflow Demo", "Demo suite", "Django Material"):
        assert foreign not in body
    assert language_switch(response)["current"] == [language]
    assert language_switch(response)["next"] == LOGIN_URL


@pytest.mark.django_db
def test_login_page_switches_language_before_login(client):
    switch = language_switch(client.get(f"{LOGIN_URL}?next={INBOX_URL}"))
    assert switch["next"] == f"{LOGIN_URL}?next={INBOX_URL}"

    response = client.post(switch["action"], {"language": "en", "next": switch["next"]})

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={INBOX_URL}"
    assert LOGIN_SUBTITLE["en"] in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_council_score_out_of_range_reads_our_vietnamese(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    do_task(
        client, movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"}
    )
    do_task(client, movement_model=model, node_name="survey", user=world.survey_team, data=survey_data())
    seat = open_task(model, "evaluate", owner=world.council[0])
    client.force_login(world.council[0])
    sheet = scores(model, 15)
    too_high, too_low = list(sheet)[:2]

    response = client.post(task_url(seat, "execute"), {**sheet, too_high: "21", too_low: "-1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<ul class="errorlist" id="id_{too_high}_error"><li>Giá trị phải nhỏ hơn hoặc bằng 20.</li></ul>' in page
    assert f'<ul class="errorlist" id="id_{too_low}_error"><li>Giá trị phải lớn hơn hoặc bằng 0.</li></ul>' in page
    assert "Đảm bảo giá trị này" not in page
    assert model.council_scores.count() == 0
    english = client.post(task_url(seat, "execute"), {**sheet, too_high: "21"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Ensure this value is less than or equal to 20." in english.content.decode()
