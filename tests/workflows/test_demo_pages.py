"""A small demo, seeded through the real services, reaches every stage and every page of it opens."""

import html
import io

import pytest
from django.core.management import call_command

from procedures.models import ProcedureVersion
from recognition.models import (
    ApprovalOpinion,
    AuditAction,
    AuditEvent,
    Award,
    AwardProposal,
    CouncilRecusal,
    ModelStage,
    MovementModel,
    RecognitionDecision,
    Replication,
    ReReview,
    User,
)
from workflows.demo_awards import OUTSTANDING_MODELS
from workflows.flows import RecognitionFlow
from workflows.followups import FollowUpFlow
from workflows.models import RecognitionProcess, RecognitionTask

from .test_views_pages import LIST_PAGES

DEMO_MODELS = 10


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the decisions' PDFs and scans
    call_command("seed_demo", models=DEMO_MODELS, stdout=io.StringIO())
    return list(MovementModel.objects.order_by("pk"))


def test_small_demo_reaches_every_stage_through_the_services(demo):
    # The province's own procedure adds two models: one agreed at its legal opinion, one waiting there;
    # the awards add three tiêu biểu models; the commune's campaign three (workflows.demo_council);
    # the registration demo three: one on a residential area's behalf, one of the commune and its nomination.
    assert len(demo) == DEMO_MODELS + 2 + len(OUTSTANDING_MODELS) + 3 + 3
    opinions = ApprovalOpinion.objects.all()
    assert [(o.step_title, o.outcome) for o in opinions] == [("Ý kiến pháp chế", "approve")]
    waiting = RecognitionTask.objects.filter(flow_task=RecognitionFlow.approve, finished__isnull=True)
    assert [task.process.movement_model.name for task in waiting] == ["Tổ hòa giải ở cơ sở “Ba cùng”"]
    assert {model.stage for model in demo} == set(ModelStage.values)
    # Replication went through its service: planned, then implementing and effective before closing.
    closed = next(model for model in demo if model.stage == ModelStage.CLOSED)
    replicating = next(model for model in demo if model.stage == ModelStage.REPLICATION)
    assert set(Replication.objects.filter(source_model=closed).values_list("status", flat=True)) == {"effective"}
    # The follow-up demo (workflows.demo_followups): two more adopting units reported through their tasks.
    assert sorted(Replication.objects.filter(source_model=replicating).values_list("status", flat=True).distinct()) == [
        "effective",
        "implementing",
        "planned",
    ]
    assert sorted(ReReview.objects.values_list("movement_model__stage", "outcome")) == [
        ("closed", "not_effective"),
        ("replication", "effective"),
    ]
    statuses = [
        event.payload["status"]
        for event in AuditEvent.objects.filter(movement_model=closed, action=AuditAction.REPLICATION_RECORDED).order_by(
            "sequence"
        )
    ]
    adopters = Replication.objects.filter(source_model=closed).count()
    assert statuses == (
        [{"before": None, "after": "planned"}] * adopters
        + [{"before": "planned", "after": "implementing"}] * adopters
        + [{"before": "implementing", "after": "effective"}] * adopters
    )
    written = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.MODEL_REGISTERED,
        AuditAction.DOSSIER_RETURNED,
        AuditAction.DOSSIER_ACCEPTED,
        AuditAction.SURVEY_REPORTED,
        AuditAction.EVALUATION_SCORED,
        AuditAction.EVALUATION_PASSED,
        AuditAction.EVALUATION_REJECTED,
        AuditAction.DECISION_ISSUED,
        AuditAction.MODEL_RECOGNISED,
        AuditAction.REPLICATION_RECORDED,
        AuditAction.PROCESS_FINISHED,
        AuditAction.ADOPTION_REPORTED,
        AuditAction.REREVIEW_CONFIRMED,
        AuditAction.REREVIEW_DROPPED,
    } <= written


def test_every_auditor_page_of_every_demo_model_opens(client, demo):
    client.force_login(User.objects.get(username="kiemtra"))
    for model in demo:
        for url in (
            f"/audit/models/{model.pk}/",
            f"/audit/models/{model.pk}/evaluation/",
            f"/audit/models/{model.pk}/bundle.json",
            f"/audit/models/{model.pk}/trail.pdf",
            f"/api/v1/audit/models/{model.pk}/events/",
            f"/api/v1/audit/models/{model.pk}/bundle/",
            f"/api/v1/audit/models/{model.pk}/evaluation/",
        ):
            assert client.get(url).status_code == 200, url
    first = client.get("/audit/")
    assert first.status_code == 200
    pages = first.context["paginator"].num_pages
    for number in range(2, pages + 1):
        assert client.get("/audit/", {"page": number}).status_code == 200
    for action in AuditAction.values:
        assert client.get("/audit/", {"action": action}).status_code == 200, action
    assert client.get("/api/v1/audit/events/").status_code == 200


def test_every_main_page_of_every_demo_model_opens(client, demo):
    client.force_login(User.objects.get(username="thuongtruc"))
    for url in LIST_PAGES:
        assert client.get(url).status_code == 200, url
    for model in demo:
        assert client.get(f"/models/{model.pk}/").status_code == 200
        process_pk = model.process.pk
        assert client.get(RecognitionFlow.instance.reverse("process_detail", args=[process_pk])).status_code == 200
        for task in RecognitionTask.objects.filter(process_id=process_pk, flow_task_type="HUMAN"):
            url = task.flow_task.reverse("detail", args=[process_pk, task.pk])
            assert client.get(url).status_code == 200, url
    # The follow-up processes (adoptions, re-reviews) of the demo: their pages, and the replication API.
    for process in RecognitionProcess.objects.filter(followed_model__isnull=False, scope_path__startswith=""):
        if not process.scope_path.startswith(User.objects.get(username="thuongtruc").unit.path):
            continue
        assert client.get(FollowUpFlow.instance.reverse("process_detail", args=[process.pk])).status_code == 200
        for task in RecognitionTask.objects.filter(process=process, flow_task_type="HUMAN"):
            url = task.flow_task.reverse("detail", args=[process.pk, task.pk])
            assert client.get(url).status_code == 200, url
    for model in demo:
        assert client.get(f"/api/v1/replication/models/{model.pk}/").status_code == 200


def test_every_procedure_page_of_the_demo_opens_for_the_admin(client, demo):
    client.force_login(User.objects.get(username="quantri"))
    assert client.get("/procedures/").status_code == 200
    for version in ProcedureVersion.objects.all():
        for url in (
            f"/procedures/versions/{version.pk}/",
            f"/procedures/versions/{version.pk}/diff/",
            *(f"/api/v1/procedures/versions/{version.pk}/export/{kind}/" for kind in ("json", "bpmn", "svg")),
        ):
            assert client.get(url).status_code == 200, url
    draft = ProcedureVersion.objects.get(status="draft")
    assert client.get(f"/procedures/versions/{draft.pk}/edit/").status_code == 200
    assert client.get("/procedures/migrate/").status_code == 200
    assert client.get("/procedures/simulate/", {"draft": draft.pk}).status_code == 200


def test_every_award_page_of_the_demo_opens(client, demo):
    proposals = list(AwardProposal.objects.order_by("pk"))
    assert [(p.number, p.award_kind, p.status, p.items.count()) for p in proposals] == [
        ("01-TTr/BCĐ", "diploma_of_merit", "decided", 2),
        ("02-TTr/BCĐ", "certificate_of_merit", "proposed", 1),
    ]
    assert Award.objects.count() == 2
    client.force_login(User.objects.get(username="thuongtruc"))
    for url in ("/awards/", "/awards/new/", "/api/v1/awards/"):
        assert client.get(url).status_code == 200, url
    for proposal in proposals:
        for url in (f"/awards/{proposal.pk}/", f"/awards/{proposal.pk}/pdf/", f"/api/v1/awards/{proposal.pk}/"):
            assert client.get(url).status_code == 200, url
        for item in proposal.items.all():
            page = client.get(f"/models/{item.movement_model_id}/").content.decode()
            assert proposal.number in page


def test_the_council_pages_of_the_demo_open(client, demo):
    closed, waiting, ended = (
        MovementModel.objects.get(name=name, campaign__name__contains="phường Ninh Kiều")
        for name in ("Phụ nữ tiết kiệm góp vốn xoay vòng", "Trồng nấm linh chi", "Nuôi cá lồng")
    )
    assert (closed.stage, waiting.stage, ended.stage) == ("recognition", "evaluation", "rejected")
    assert ended.outcome_reason == "Trùng với mô hình Hội Nông dân phường đã đăng ký cùng địa bàn."
    assert sorted(CouncilRecusal.objects.values_list("movement_model__name", "member__username")) == [
        ("Phụ nữ tiết kiệm góp vốn xoay vòng", "hoidong_hlhpn"),
        ("Trồng nấm linh chi", "hoidong_hlhpn"),
    ]
    chair = User.objects.get(username="hoidong_nk1")
    client.force_login(chair)
    explanation = html.unescape(client.get(f"/models/{closed.pk}/council/explanation/").content.decode())
    assert "Công nhận — 85,00 điểm" in explanation
    assert "<strong>Lâm Quốc Việt</strong>: Cách làm sáng tạo, nên đề nghị tiêu biểu." in explanation
    assert (
        "Tạ Thị Hồng — Thành viên thuộc đơn vị đăng ký mô hình (Hội Liên hiệp Phụ nữ phường Ninh Kiều)." in explanation
    )
    assert "1/3 thành viên đã chấm" in html.unescape(client.get(f"/models/{waiting.pk}/").content.decode())
    for url in (
        f"/api/v1/council/models/{closed.pk}/explanation/",
        f"/api/v1/council/models/{waiting.pk}/",
        f"/models/{ended.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(User.objects.get(username="thuongtruc_nk"))
    campaign = closed.campaign
    assert client.get(f"/models/campaigns/{campaign.pk}/council/").status_code == 200
    assert client.get(f"/api/v1/council/campaigns/{campaign.pk}/").status_code == 200
    client.force_login(User.objects.get(username="kiemtra"))
    assert client.get(f"/models/{closed.pk}/council/explanation/").status_code == 200


def test_every_decision_page_of_the_demo_opens_for_the_chair(client, demo):
    chair = User.objects.get(username="truongban")
    client.force_login(chair)
    decisions = list(RecognitionDecision.objects.order_by("pk"))
    assert [decision.kind for decision in decisions] == [
        "recognition",
        "amendment",
        "revocation",
        "recognition",  # the ward of Cái Khế's own decision (workflows.demo_registration)
        "recognition",  # the awards demo's three tiêu biểu models (workflows.demo_awards)
    ]
    assert client.get("/decisions/").status_code == 200
    assert client.get(f"/decisions/campaigns/{decisions[0].campaign_id}/assemble/").status_code == 200
    for decision in decisions:
        for url in (
            f"/decisions/{decision.pk}/",
            f"/decisions/{decision.pk}/pdf/",
            f"/api/v1/decisions/{decision.pk}/",
        ):
            assert client.get(url).status_code == 200, url
    entry = decisions[0].entries.first()
    assert client.get(f"/decisions/{decisions[0].pk}/certificates/{entry.movement_model_id}/").status_code == 200
    assert client.get(f"/decisions/{decisions[0].pk}/scan/file/").status_code == 200
    assert ModelStage.REVOKED in {model.stage for model in MovementModel.objects.all()}


def test_every_registration_page_of_the_demo_opens(client, demo):
    """On behalf, quotas, bulk import and the lineage of the nominated model (workflows/demo_registration.py)."""
    on_behalf = MovementModel.objects.get(registered_on_behalf=True, nominated_from__isnull=True)
    assert (on_behalf.unit.name, on_behalf.registered_by_unit.name) == (
        "Khu vực 3 phường Cái Khế",
        "Đảng ủy phường Cái Khế",
    )
    nominated = MovementModel.objects.get(nominated_from__isnull=False)
    source = nominated.nominated_from
    assert (source.stage, source.campaign.organising_unit.name, nominated.campaign.organising_unit.name) == (
        ModelStage.REPLICATION,
        "Đảng ủy phường Cái Khế",
        "Thành ủy Cần Thơ",
    )
    assert AuditEvent.objects.filter(movement_model=source, action=AuditAction.MODEL_NOMINATED).count() == 1
    assert AuditEvent.objects.filter(movement_model=nominated, action=AuditAction.NOMINATION_RECEIVED).count() == 1

    client.force_login(User.objects.get(username="thuongtruc_caikhe"))
    campaign = nominated.campaign
    for url in (
        "/models/register/",
        "/models/register/bulk/",
        "/models/register/bulk/template.xlsx",
        "/models/quotas/",
        f"/models/quotas/{campaign.pk}/",
        f"/models/{on_behalf.pk}/",
        f"/models/{source.pk}/",
        f"/models/{nominated.pk}/",
        f"/api/v1/campaigns/{campaign.pk}/quotas/",
    ):
        assert client.get(url).status_code == 200, url
    shortfall = client.get(f"/models/quotas/{campaign.pk}/").context["shortfalls"]
    assert [item["unit"].name for item in shortfall] == [
        "Đảng ủy phường Cái Khế",
        "Đoàn Thanh niên phường Cái Khế",
        "Hội Cựu chiến binh phường Cái Khế",
    ]
    lineage = client.get(f"/models/{nominated.pk}/").content.decode()
    assert f'<a href="/models/{source.pk}/">{source.name}</a>' in lineage
