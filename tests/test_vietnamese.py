"""Vietnamese as Vietnamese write it: the flow chart, people's names, unit names, menus, admin.

Names are family name first ("Trần Văn Minh", never Django's "Minh Trần Văn") on pages,
in e-mails, in the audit PDF, in the API and in the admin; the flow chart's steps keep
their sentence case and its gateways say "Có"/"Không"; unit names keep their capitals.
"""

import io
import json
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db import transaction
from pypdf import PdfReader

from notifications.services import notifications_create, notifications_deliver
from recognition.models import Unit, User
from tests.recognition.audit_support import check, register, survey
from tests.test_i18n import restore_active_language  # noqa: F401  (autouse: an English request leaks no English)
from tests.workflows.api_support import api_for
from tests.workflows.views_support import process_url, task_url
from workflows.demo import demo_cast_ensure
from workflows.models import RecognitionTask
from workflows.services import task_claim

pytestmark = pytest.mark.django_db

CHART_URL = "/recognition/chart/"
# node name -> the label the chart shows (task boxes as text, the other shapes as their tooltip)
CHART_LABELS = {
    "start": "Đăng ký mô hình",
    "check_dossier": "Kiểm tra hồ sơ",
    "dossier_accepted": "Hồ sơ hợp lệ?",
    "revise": "Bổ sung hồ sơ",
    "survey": "Khảo sát thực tế",
    "evaluation_split": "Gửi phiếu chấm cho hội đồng",
    "evaluate": "Chấm điểm",
    "evaluation_join": "Thu phiếu chấm",
    "tally": "Tổng hợp điểm",
    "evaluation_passed": "Đạt ngưỡng công nhận?",
    "recognise": "Ký quyết định công nhận",
    "replicate": "Theo dõi nhân rộng",
    "replication_closed": "Kết thúc nhân rộng?",
    "end": "Hoàn thành",
    "rejected": "Không công nhận",
    "approve": "Ý kiến phê duyệt",
    "after_survey": "Kiến nghị của tổ khảo sát",
    "approval_routed": "Kết quả phê duyệt",
    "survey_case_end": "Kết thúc hồ sơ theo kiến nghị khảo sát",
}
# Every gateway's edges: the standard path, and the routes a procedure version may switch on
# (no survey, approval steps, a survey's "do not recommend" ending the case).
EDGE_LABELS = [
    "Bước phê duyệt tiếp theo",
    "Có",
    "Có",
    "Có",
    "Có, không khảo sát",
    "Có, phê duyệt thêm",
    "Có, phê duyệt thêm",
    "Hội đồng đánh giá",
    "Không",
    "Không",
    "Không",
    "Không đề nghị, kết thúc",
    "Không đồng ý",
    "Phê duyệt thêm",
    "Trả lại",
    "Đồng ý",
    "Đồng ý",
    "Đồng ý",
]


@pytest.fixture
def named(world):
    """Give the reviewer and the auditor real names: family and middle names in last_name (Họ)."""
    for user, first_name, last_name in (
        (world.standing_body, "Minh", "Trần Văn"),
        (world.auditor, "Hùng", "Đỗ Văn"),
        (world.admin, "Anh", "Bùi Ngọc"),
    ):
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
    return world


@pytest.fixture
def claimed(named, dossier):
    """A registration whose dossier check the reviewer has claimed."""
    model = register(named, dossier)
    task = RecognitionTask.objects.get(process=model.process, flow_task_type="HUMAN")
    task_claim(task_id=task.pk, user=named.standing_body)
    task.refresh_from_db()
    return task


def chart_labels(svg: str) -> dict[str, str]:
    """node name -> its visible text (wrapped lines joined) or, for shapes without text, its tooltip."""
    parts = re.split(r'<g id="(\w+)" transform=', svg)
    labels = {}
    for name, chunk in zip(parts[1::2], parts[2::2], strict=True):
        lines = re.findall(r'<text class="align-middle"[^>]*>([^<]*)</text>', chunk)
        title = re.search(r"<title>([^<]*)</title>", chunk)
        labels[name] = " ".join(lines) if lines else title.group(1)
    return labels


def edge_labels(svg: str) -> list[str]:
    return sorted(re.findall(r'<text class="edge-label"[^>]*>([^<]*)</text>', svg))


# The flow chart


def test_flow_chart_speaks_vietnamese_in_sentence_case(client, named):
    client.force_login(named.standing_body)

    response = client.get(CHART_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg ")
    assert chart_labels(svg) == CHART_LABELS
    assert edge_labels(svg) == EDGE_LABELS
    for english in ("yes", "no", "Yes", "No"):
        assert f">{english}<" not in svg
    # viewflow title-cases the first line of a step's name; Vietnamese keeps sentence case.
    for title_case in ("Kiểm Tra Hồ Sơ", "Ký Quyết Định", "Theo Dõi Nhân Rộng"):
        assert title_case not in svg


def test_flow_chart_of_a_process_is_vietnamese_too(client, claimed):
    client.force_login(claimed.owner)

    svg = client.get(f"/recognition/{claimed.process_id}/chart/").content.decode()

    assert chart_labels(svg)["check_dossier"] == "Kiểm tra hồ sơ"
    assert edge_labels(svg) == EDGE_LABELS
    assert re.search(r'<g id="check_dossier" transform="[^"]*" class="assigned">', svg)


def test_flow_chart_edge_labels_follow_the_language(client, named):
    client.force_login(named.standing_body)

    svg = client.get(CHART_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # The yes/no of the standard gateways (the routes' new labels wait for their English translation).
    assert {"no", "yes", "No", "Yes"} <= set(edge_labels(svg))
    assert chart_labels(svg)["check_dossier"] == "Dossier check"


def test_flow_chart_is_refused_to_an_anonymous_visitor(client):
    response = client.get(CHART_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# People's names


def test_full_name_is_family_name_first(named):
    reviewer = named.standing_body

    assert reviewer.get_full_name() == "Trần Văn Minh"
    assert str(reviewer) == "Trần Văn Minh"
    assert reviewer.display_name == "Trần Văn Minh"


def test_an_account_without_a_name_shows_its_username(named):
    reviewer = named.standing_body
    reviewer.first_name = reviewer.last_name = ""

    assert reviewer.get_full_name() == ""
    assert reviewer.display_name == "thuongtruc"
    assert str(reviewer) == "thuongtruc"


def test_task_page_and_menu_show_the_owner_family_name_first(client, claimed):
    client.force_login(claimed.owner)

    body = client.get(task_url(claimed, "detail")).content.decode()

    assert "<th>Người xử lý</th><td>Trần Văn Minh</td>" in body
    assert ">\n                      Trần Văn Minh\n" in body  # viewflow's side menu, through get_full_name
    assert "Minh Trần Văn" not in body


def test_process_page_lists_the_owner_family_name_first(client, claimed):
    client.force_login(claimed.owner)

    body = client.get(process_url(claimed.process_id)).content.decode()

    assert "<td>Trần Văn Minh</td>" in body
    assert "Minh Trần Văn" not in body


def test_email_greeting_uses_the_vietnamese_order(named):
    with transaction.atomic():
        (row,) = notifications_create(
            recipients=[named.standing_body],
            kind="reminder",
            context={
                "task_title": "Kiểm tra hồ sơ",
                "model_name": "Hũ gạo tình thương",
                "registering_unit": "Hội LHPN phường Ninh Kiều",
                "due_on": "06/05/2026",
                "days_before": 2,
                "unclaimed": False,
            },
            source_key="event:names",
            url="/recognition/1/",
        )

    notifications_deliver(notification_ids=[row.pk])

    (message,) = mail.outbox
    assert message.body.splitlines()[0] == "Kính gửi đồng chí Trần Văn Minh,"
    assert "Minh Trần Văn" not in message.body


def test_audit_pages_and_pdf_write_names_family_name_first(client, named, dossier):
    model = register(named, dossier)
    check(named, model, accept=True)
    client.force_login(named.auditor)

    timeline = client.get(f"/audit/models/{model.pk}/").content.decode()
    response = client.get(f"/audit/models/{model.pk}/trail.pdf")

    assert "Trần Văn Minh (thuongtruc)" in timeline
    assert "Minh Trần Văn" not in timeline
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Trần Văn Minh (thuongtruc)" in text
    assert "bởi Đỗ Văn Hùng (kiemtra)." in text
    assert "Minh Trần Văn" not in text
    assert "Hùng Đỗ Văn" not in text


def test_audit_search_finds_a_person_by_the_name_as_written(client, named, dossier):
    model = register(named, dossier)
    check(named, model, accept=True)
    client.force_login(named.auditor)

    found = client.get("/audit/", {"actor": "Trần Văn Minh"}).content.decode()
    western = client.get("/audit/", {"actor": "Minh Trần Văn"}).content.decode()

    # claimed, started, accepted, completed, the survey task created
    assert found.count("<strong>Trần Văn Minh (thuongtruc)</strong>") == 5
    assert "Không có bản ghi nào phù hợp." in western


def test_api_gives_the_owner_family_name_first(claimed):
    response = api_for(claimed.owner).get(f"/api/v1/tasks/{claimed.pk}/")

    assert response.status_code == 200
    assert response.json()["owner"] == {"id": claimed.owner.pk, "username": "thuongtruc", "full_name": "Trần Văn Minh"}


def test_admin_lists_users_family_name_first(client, named):
    named.admin.is_superuser = True
    named.admin.save(update_fields=["is_superuser"])
    client.force_login(named.admin)

    listing = client.get("/admin/recognition/user/").content.decode()
    form = client.get(f"/admin/recognition/user/{named.standing_body.pk}/change/").content.decode()

    assert '<th scope="col" class="sortable column-full_name">' in listing
    assert '<td class="field-full_name">Trần Văn Minh</td>' in listing
    # Họ (family and middle names) comes before Tên (given name) on the form.
    assert form.index('name="last_name"') < form.index('name="first_name"')


# Unit names


def test_demo_units_are_named_as_official_documents_write_them(db):
    cast = demo_cast_ensure()

    names = set(Unit.objects.values_list("name", flat=True))
    assert cast.submitter_unit.name == "Hội Liên hiệp Phụ nữ phường Ninh Kiều"
    assert {"Đảng ủy phường Ninh Kiều", "Công an phường Bình Thủy", "Hội Nông dân xã Phong Điền"} <= names
    assert not [name for name in names if re.search(r"(phường|xã) [a-zà-ỹđ]", name)]


def test_demo_seed_corrects_lower_cased_unit_names_instead_of_duplicating(db):
    demo_cast_ensure()
    old = Unit.objects.get(name="Hội Nông dân phường Ninh Kiều")
    Unit.objects.filter(pk=old.pk).update(name="Hội Nông dân phường ninh kiều")
    officer = User.objects.get(last_name="Cán bộ Hội Nông dân phường Ninh", first_name="Kiều")
    User.objects.filter(pk=officer.pk).update(last_name="Cán bộ Hội Nông dân phường ninh", first_name="kiều")
    units, users = Unit.objects.count(), User.objects.count()

    demo_cast_ensure()

    old.refresh_from_db()
    officer.refresh_from_db()
    assert old.name == "Hội Nông dân phường Ninh Kiều"
    assert officer.get_full_name() == "Cán bộ Hội Nông dân phường Ninh Kiều"
    assert (Unit.objects.count(), User.objects.count()) == (units, users)


def test_pages_show_unit_names_as_written(client, claimed):
    client.force_login(claimed.owner)

    body = client.get(process_url(claimed.process_id)).content.decode()

    assert "<th>Đơn vị đăng ký</th><td>Hội LHPN phường Ninh Kiều</td>" in body


# Menus of the applications that are not viewsets


def test_auditor_sidebar_names_the_audit_pages(client, named):
    client.force_login(named.auditor)

    body = client.get("/audit/").content.decode()

    assert "No viewsets found" not in body
    assert re.search(
        r'href="/audit/">\s*<span class="mdc-list-item__start">.*?</span>\s*'
        r'<span class="mdc-list-item__content">Tra cứu nhật ký kiểm tra</span>',
        body,
        re.S,
    )


def test_notifications_sidebar_names_its_pages(client, named):
    client.force_login(named.standing_body)

    body = client.get("/notifications/").content.decode()

    assert "No viewsets found" not in body
    assert '<span class="mdc-list-item__content">Tùy chọn nhận thư</span>' in body


# Django admin strings newer than Django's Vietnamese


def test_admin_filters_and_selector_widget_are_vietnamese(client, named):
    named.admin.is_superuser = True
    named.admin.save(update_fields=["is_superuser"])
    client.force_login(named.admin)

    listing = client.get("/admin/recognition/user/").content.decode()
    catalogue = client.get("/admin/jsi18n/").content.decode()

    assert ">Hiện số lượng</a>" in listing
    assert "Show counts" not in listing
    assert f'"Choose all %s": {json.dumps("Chọn tất cả %s")}' in catalogue
    assert f'"Remove all %s": {json.dumps("Bỏ tất cả %s")}' in catalogue


def test_read_only_admin_page_has_no_untranslated_audit_reason(client, named):
    client.force_login(named.admin)  # a role admin only reads users

    body = client.get(f"/admin/recognition/user/{named.standing_body.pk}/change/").content.decode()
    units = client.get("/admin/recognition/unit/").content.decode()

    assert "<label>Họ:</label>" in body
    assert "Audit reason" not in body
    assert ">Bậc trong cây đơn vị</a>" in units
    assert ">Depth</a>" not in units


# viewflow's own task and process pages (an admin's undo / cancel)


@pytest.fixture
def in_evaluation(named, dossier):
    """A model whose council seats are open: three evaluate tasks, each carrying its member in task.data."""
    model = register(named, dossier)
    check(named, model, accept=True)
    survey(named, model)
    return model


def test_task_cancel_page_labels_are_vietnamese(client, named, in_evaluation):
    task = RecognitionTask.objects.filter(process=in_evaluation.process, finished__isnull=True).order_by("pk").first()
    client.force_login(named.admin)

    body = client.get(task_url(task, "cancel")).content.decode()

    assert task.flow_task.name == "evaluate"
    assert '<md-outlined-text-field label="Nội dung" icon="description" disabled' in body
    assert f'label="Người xử lý" icon="account_box" disabled value="{task.owner.display_name}"' in body
    assert 'label="Quyền cần có" icon="lock"' in body
    assert 'alt="Sơ đồ quy trình"' in body
    for english in ('label="Brief"', 'label="Owner"', 'label="Permission"', 'alt="flow graph"', "{&#x27;member&#x27;"):
        assert english not in body


def test_process_cancel_page_names_steps_by_their_titles(client, named, in_evaluation):
    client.force_login(named.admin)

    body = client.get(f"/recognition/{in_evaluation.process.pk}/cancel/").content.decode()

    assert "3 nhiệm vụ đang mở</h4>" in body
    assert body.count(">\n                        Chấm điểm\n                      </a>") == 3
    assert "tasks active" not in body
    assert "Evaluate" not in body


def test_profile_page_shows_the_name_in_vietnamese_order_and_yes_no_in_vietnamese(client, named):
    client.force_login(named.standing_body)

    body = client.get("/accounts/profile/").content.decode()
    rows = dict(re.findall(r'<th class="vf-list__table-header[^"]*">([^<]*)</th>\s*<td>([^<]*)</td>', body))

    assert '<h1 class="mdc-typography--headline6">Trần Văn Minh</h1>' in body
    assert rows["Họ và tên"] == "Trần Văn Minh"
    assert (rows["Kích hoạt"], rows["Quyền siêu quản trị"]) == ("Có", "Không")
    assert "Tên" not in rows and "Họ" not in rows
    assert "True" not in rows.values() and "False" not in rows.values()
    assert "Thuongtruc" not in body


def test_admin_index_names_the_product_in_vietnamese(client, named):
    client.force_login(named.admin)

    body = client.get("/admin/").content.decode()

    assert "<title>Quản trị hệ thống | Khéo — Dân vận khéo</title>" in body
    assert '<a href="/admin/">Khéo — Dân vận khéo</a>' in body
    assert 'title="Các bảng dữ liệu của Công nhận mô hình, điển hình"' in body
    for half_english in ("Django", "models trong", "superuser"):
        assert half_english not in body


def test_refusal_page_is_titled_with_the_product_name(client, world):
    client.force_login(world.submitter)

    response = client.get("/audit/")

    assert response.status_code == 403
    body = response.content.decode()
    assert "<title>403 Không có quyền truy cập - Khéo — Dân vận khéo</title>" in body
    assert "Django Material" not in body


def test_sign_in_lockout_admin_is_vietnamese(client, named):
    AccessAttempt.objects.create(
        username="donvi", ip_address="127.0.0.1", user_agent="", failures_since_start=5, get_data="", post_data=""
    )
    client.force_login(named.admin)  # a role admin may see and lift lockouts

    listing = client.get("/admin/axes/accessattempt/").content.decode()

    for vietnamese in ("Lần thử đăng nhập", "Thời điểm thử", "Địa chỉ IP", "Số lần đăng nhập sai", "Đang bị khóa"):
        assert vietnamese in listing, vietnamese
    for english in ("Access attempts", "Attempt Time", "IP Address", "Failed Logins", "Locked Out"):
        assert english not in listing, english
