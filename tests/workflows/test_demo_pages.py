"""A small demo, seeded through the real services, reaches every stage and every page of it opens."""

import io

import pytest
from django.core.management import call_command

from procedures.models import ProcedureVersion
from recognition.models import ApprovalOpinion, AuditAction, AuditEvent, ModelStage, MovementModel, Replication, User
from workflows.flows import RecognitionFlow
from workflows.models import RecognitionTask

from .test_views_pages import LIST_PAGES

DEMO_MODELS = 10


@pytest.fixture
def demo(db):
    call_command("seed_demo", models=DEMO_MODELS, stdout=io.StringIO())
    return list(MovementModel.objects.order_by("pk"))


def test_small_demo_reaches_every_stage_through_the_services(demo):
    # The province's own procedure adds two models: one agreed at its legal opinion, one waiting there;
    # the registration demo three: one on a residential area's behalf, one of the commune and its nomination.
    assert len(demo) == DEMO_MODELS + 2 + 3
    opinions = ApprovalOpinion.objects.all()
    assert [(o.step_title, o.outcome) for o in opinions] == [("Ý kiến pháp chế", "approve")]
    waiting = RecognitionTask.objects.filter(flow_task=RecognitionFlow.approve, finished__isnull=True)
    assert [task.process.movement_model.name for task in waiting] == ["Tổ hòa giải ở cơ sở “Ba cùng”"]
    assert {model.stage for model in demo} == set(ModelStage.values)
    # Replication went through its service: planned, then implementing and effective before closing.
    closed = next(model for model in demo if model.stage == ModelStage.CLOSED)
    replicating = next(model for model in demo if model.stage == ModelStage.REPLICATION)
    assert set(Replication.objects.filter(source_model=closed).values_list("status", flat=True)) == {"effective"}
    assert set(Replication.objects.filter(source_model=replicating).values_list("status", flat=True)) == {"planned"}
    statuses = [
        event.payload["status"]
        for event in AuditEvent.objects.filter(movement_model=closed, action=AuditAction.REPLICATION_RECORDED)
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


def test_every_registration_page_of_the_demo_opens(client, demo):
    """On behalf, quotas, bulk import and the lineage of the nominated model (workflows/demo_registration.py)."""
    on_behalf = MovementModel.objects.get(registered_on_behalf=True, nominated_from__isnull=True)
    assert (on_behalf.unit.name, on_behalf.registered_by_unit.name) == (
        "Khu vực 3 phường Ninh Kiều",
        "Đảng ủy phường Ninh Kiều",
    )
    nominated = MovementModel.objects.get(nominated_from__isnull=False)
    source = nominated.nominated_from
    assert (source.stage, source.campaign.organising_unit.name, nominated.campaign.organising_unit.name) == (
        ModelStage.REPLICATION,
        "Đảng ủy phường Ninh Kiều",
        "Thành ủy Cần Thơ",
    )
    assert AuditEvent.objects.filter(movement_model=source, action=AuditAction.MODEL_NOMINATED).count() == 1
    assert AuditEvent.objects.filter(movement_model=nominated, action=AuditAction.NOMINATION_RECEIVED).count() == 1

    client.force_login(User.objects.get(username="thuongtruc_ninhkieu"))
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
    assert [item["unit"].name for item in shortfall] == ["Đảng ủy phường Ninh Kiều"]
    lineage = client.get(f"/models/{nominated.pk}/").content.decode()
    assert f'<a href="/models/{source.pk}/">{source.name}</a>' in lineage
