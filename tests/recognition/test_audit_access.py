"""The auditor's workspace and API: scoped reads, refused writes, constant-query timeline, search."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.status import STATUS

from recognition.models import AuditEvent, Campaign, Level
from recognition.roles import Role
from recognition.services.audit import audit_digest_seal, audit_record
from tests.factories import user_with_role
from tests.recognition.audit_support import CRITERIA, check, evaluate, register, straight_through, survey
from workflows.models import RecognitionTask

pytestmark = pytest.mark.django_db


def open_task(model):
    return RecognitionTask.objects.get(process__movement_model=model, flow_task_type="HUMAN", finished__isnull=True)


def test_auditor_is_refused_every_write(client, world, dossier):
    model = register(world, dossier)
    task = open_task(model)
    world.auditor.is_staff = True  # even with access to the admin site
    world.auditor.save(update_fields=["is_staff"])
    records = AuditEvent.objects.count()
    client.force_login(world.auditor)
    process_pk = model.process.pk

    refused = [
        client.post("/models/register/", dossier),
        client.post(f"/recognition/{process_pk}/check_dossier/{task.pk}/assign/"),
        client.post(f"/recognition/{process_pk}/check_dossier/{task.pk}/execute/", {"decision": "accept"}),
        client.post("/api/v1/registrations/", dossier),
        client.post(f"/api/v1/tasks/{task.pk}/claim/"),
        client.post(f"/api/v1/tasks/{task.pk}/complete/", {"decision": "accept"}),
        client.get("/admin/recognition/campaign/add/"),
        client.post("/admin/recognition/campaign/add/", {"name": "Đợt giả"}),
        client.get(f"/admin/recognition/campaign/{world.campaign.pk}/change/"),
        client.post(f"/admin/recognition/campaign/{world.campaign.pk}/change/", {"name": "Đổi tên"}),
        client.post(f"/admin/recognition/level/{Level.objects.first().pk}/change/", {"name": "Đổi"}),
    ]

    assert [response.status_code for response in refused] == [403] * len(refused)
    task.refresh_from_db()
    assert (task.status, task.owner_id) == (STATUS.NEW, None)
    assert Campaign.objects.get(pk=world.campaign.pk).name == world.campaign.name
    assert AuditEvent.objects.count() == records


def test_auditor_workspace_and_api_accept_reads_only(client, world, dossier):
    model = register(world, dossier)
    client.force_login(world.auditor)
    for url in (f"/audit/models/{model.pk}/", f"/audit/models/{model.pk}/bundle.json", "/audit/"):
        assert client.post(url).status_code == 405
    for url in (
        f"/api/v1/audit/models/{model.pk}/events/",
        "/api/v1/audit/events/",
        f"/api/v1/audit/models/{model.pk}/bundle/",
    ):
        assert client.post(url, {}).status_code == 405
        assert client.delete(url).status_code == 405


def test_non_admin_staff_auditor_is_sent_to_login_and_changes_nothing(client, world):
    client.force_login(world.auditor)  # not staff
    response = client.post(f"/admin/recognition/campaign/{world.campaign.pk}/change/", {"name": "Đổi tên"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Campaign.objects.get(pk=world.campaign.pk).name == world.campaign.name


def test_users_without_the_audit_role_are_refused(client, world, dossier):
    model = register(world, dossier)
    client.force_login(world.submitter)
    for url in (
        "/audit/",
        f"/audit/models/{model.pk}/",
        f"/audit/models/{model.pk}/evaluation/",
        f"/audit/models/{model.pk}/bundle.json",
        f"/audit/models/{model.pk}/trail.pdf",
        "/api/v1/audit/events/",
        f"/api/v1/audit/models/{model.pk}/events/",
    ):
        assert client.get(url).status_code == 403, url


def test_auditor_outside_the_subtree_sees_no_record(client, world, dossier):
    model = register(world, dossier)
    check(world, model, accept=True)
    commune_auditor = user_with_role(role=Role.AUDITOR, unit=world.other_commune, username="kiemtra_xa")
    client.force_login(commune_auditor)

    for url in (
        f"/audit/models/{model.pk}/",
        f"/audit/models/{model.pk}/evaluation/",
        f"/audit/models/{model.pk}/bundle.json",
        f"/audit/models/{model.pk}/trail.pdf",
        f"/api/v1/audit/models/{model.pk}/events/",
        f"/api/v1/audit/models/{model.pk}/bundle/",
        f"/api/v1/audit/models/{model.pk}/evaluation/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/audit/events/").json()["count"] == 0
    page = client.get("/audit/")
    assert page.status_code == 200
    assert page.context["paginator"].count == 0

    client.force_login(world.auditor)  # the province's auditor sees the model's 7 records
    assert client.get("/api/v1/audit/events/").json()["count"] == 7


def test_timeline_reads_in_vietnamese(client, world, dossier):
    model = register(world, dossier)
    check(world, model, accept=False, reason="Thiếu biên bản họp dân.")
    client.force_login(world.auditor)
    response = client.get(f"/audit/models/{model.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Trả lại hồ sơ để bổ sung" in page
    assert "Thiếu biên bản họp dân." in page
    assert "Kết luận: Trả lại đơn vị để bổ sung" in page
    assert "Giai đoạn" in page and "Đã đăng ký, chờ kiểm tra hồ sơ" in page and "Trả lại để bổ sung hồ sơ" in page
    assert world.province.name in page
    entries = response.context["entries"]
    assert [entry.action for entry in entries][:3] == ["Đăng ký mô hình", "Tạo nhiệm vụ", "Nhận nhiệm vụ"]
    assert entries[2].actor == f"{world.standing_body.get_full_name()} (thuongtruc)"
    assert entries[2].actor_roles == "Cơ quan thường trực"


def _add_records(model, user, count):
    with transaction.atomic():
        for index in range(count):
            audit_record(
                action="dossier_edited",
                actor=user,
                movement_model=model,
                payload={
                    "changes": {"budget_vnd": {"before": index, "after": index + 1}},
                    "owner": user.pk,
                    "unit": user.unit_id,
                    "values": {"criterion_tt-sang-tao": 10},
                },
            )


def test_timeline_renders_in_a_constant_number_of_queries(client, world, dossier):
    small = register(world, dossier)
    large = register(world, dossier, name="Tổ dân vận")
    _add_records(small, world.submitter, 8)
    _add_records(large, world.standing_body, 298)
    assert AuditEvent.objects.filter(movement_model=large).count() == 300
    client.force_login(world.auditor)

    counts = []
    for model in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/audit/models/{model.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_search_filters(client, world, dossier):
    first = register(world, dossier)
    check(world, first, accept=False, reason="Thiếu biên bản.")
    second = register(world, dossier, name="Tổ dân vận")
    client.force_login(world.auditor)

    def ids(**params):
        return [item["id"] for item in client.get("/api/v1/audit/events/", params).json()["results"]]

    returned = AuditEvent.objects.get(action="dossier_returned")
    assert ids(action="dossier_returned") == [returned.pk]
    assert ids(actor="thuongtruc", action="dossier_returned") == [returned.pk]
    assert len(ids(model=str(second.pk))) == 2
    assert len(ids(model="Tổ dân")) == 2
    assert ids(changed_field="decision") == list(
        AuditEvent.objects.filter(action="task_completed").values_list("pk", flat=True)
    )
    today = timezone.localdate().isoformat()
    assert len(ids(occurred_after=today, occurred_before=today)) == AuditEvent.objects.count()
    assert ids(occurred_after="2000-01-01", occurred_before="2000-01-02") == []
    assert len(ids(field=str(world.field.pk))) == AuditEvent.objects.count()
    assert len(ids(unit="Hội LHPN")) == AuditEvent.objects.count()
    html = client.get("/audit/", {"action": "dossier_returned"})
    assert [entry.event.pk for entry in html.context["entries"]] == [returned.pk]


def test_evaluation_explanation(client, world, dossier):
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 15)
    client.force_login(world.auditor)

    data = client.get(f"/api/v1/audit/models/{model.pk}/evaluation/").json()
    assert [c["code"] for c in data["criteria"]] == list(CRITERIA)
    assert [sheet["member"] for sheet in data["sheets"]] == ["hoidong1", "hoidong2", "hoidong3"]
    assert data["sheets"][0]["points"] == dict.fromkeys(CRITERIA, 15)
    assert data["sheets"][0]["normalised"] == "75.00"
    assert (data["max_total"], data["rubric_stored"]) == ("100", True)
    assert data["results"] == [
        {
            "aggregation": "mean",
            "score": "75.00",
            "pass_threshold": "70.00",
            "outstanding_threshold": "90.00",
            "member_count": 3,
            "procedure_version_id": model.process.procedure_version_id,
            "classification": "recognised",
            "classification_label": "Công nhận",
            "created_at": data["results"][0]["created_at"],
        }
    ]
    page = client.get(f"/audit/models/{model.pk}/evaluation/").content.decode()
    assert "Bình quân điểm của các thành viên" in page and "75,00" in page and "70,00" in page


def test_straight_through_trail_api(client, world, dossier):
    model = straight_through(world, dossier)
    client.force_login(world.auditor)
    data = client.get(f"/api/v1/audit/models/{model.pk}/events/").json()
    assert data["count"] == AuditEvent.objects.filter(movement_model=model).count()
    assert [item["sequence"] for item in data["results"]] == list(range(1, data["count"] + 1))
    assert data["results"][0]["action_label"] == "Đăng ký mô hình"


def test_search_pages_keep_the_filters(client, world, dossier, monkeypatch):
    from recognition.views.audit import SearchView

    monkeypatch.setattr(SearchView, "paginate_by", 2)
    register(world, dossier)
    register(world, dossier, name="Tổ dân vận")
    client.force_login(world.auditor)
    matching = AuditEvent.objects.filter(movement_model__isnull=False).count()

    page = client.get("/audit/", {"unit": "Hội LHPN", "page": "1"}).content.decode()

    assert matching == 4
    assert 'href="?unit=H%E1%BB%99i+LHPN&amp;page=2"' in page
    assert "Trang 1/2" in page


def test_daily_seals_are_seen_by_auditors_of_the_top_unit_only(client, world, dossier):
    register(world, dossier)
    digest = audit_digest_seal()
    commune_auditor = user_with_role(role=Role.AUDITOR, unit=world.commune, username="kiemtra_xa")

    client.force_login(commune_auditor)
    sealed = client.get("/api/v1/audit/events/", {"action": "audit_sealed"}).json()
    assert sealed["count"] == 0

    client.force_login(world.auditor)
    sealed = client.get("/api/v1/audit/events/", {"action": "audit_sealed"}).json()
    assert sealed["count"] == 1
    assert sealed["results"][0]["payload"] == {"day": digest.day.isoformat(), "digest_hash": digest.digest_hash}
