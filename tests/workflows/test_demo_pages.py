"""A small demo, seeded through the real services, reaches every stage and every page of it opens."""

import io

import pytest
from django.core.management import call_command

from procedures.models import ProcedureVersion
from recognition.models import (
    ApprovalOpinion,
    AuditAction,
    AuditEvent,
    ModelStage,
    MovementModel,
    Replication,
    ReReview,
    User,
)
from workflows.flows import RecognitionFlow
from workflows.followups import FollowUpFlow
from workflows.models import RecognitionProcess, RecognitionTask

from .test_views_pages import LIST_PAGES

DEMO_MODELS = 10


@pytest.fixture
def demo(db):
    call_command("seed_demo", models=DEMO_MODELS, stdout=io.StringIO())
    return list(MovementModel.objects.order_by("pk"))


def test_small_demo_reaches_every_stage_through_the_services(demo):
    # The province's own procedure adds two models: one agreed at its legal opinion, one waiting there.
    assert len(demo) == DEMO_MODELS + 2
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
