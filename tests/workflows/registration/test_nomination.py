"""Nominating a model recognised at commune level to the province's campaign: lineage, evidence, refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from recognition.models import (
    AuditAction,
    AuditEvent,
    Campaign,
    CouncilScore,
    ModelStage,
    MovementModel,
    SurveyReport,
)
from recognition.roles import Role
from recognition.services.attachments import attachments_store
from tests.factories import CampaignFactory, EvaluationResultFactory, MovementModelFactory, user_with_role
from tests.workflows.api_support import api_for
from workflows.flows import RecognitionFlow
from workflows.models import RecognitionTask
from workflows.services import nomination_submit

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def recognised(world):
    """A model of the commune's women's union, recognised in the commune's campaign, with its evidence."""
    commune_campaign = CampaignFactory(name="Đợt phường Ninh Kiều", organising_unit=world.commune)
    model = MovementModelFactory(
        campaign=commune_campaign,
        unit=world.submitter_unit,
        submitted_by=world.submitter,
        field=world.field,
        name="Hũ gạo tình thương",
        stage=ModelStage.REPLICATION,
        final_score=Decimal("86.50"),
    )
    member = user_with_role(role=Role.COUNCIL_MEMBER, unit=world.commune, username="hoidong_phuong")
    SurveyReport.objects.create(
        movement_model=model,
        surveyed_by=world.commune_standing_body,
        visited_on="2026-03-02",
        findings="Mô hình duy trì đều.",
        recommendation="recommend",
    )
    CouncilScore.objects.create(movement_model=model, member=member, total=87, comment="Lan tỏa tốt")
    EvaluationResultFactory(movement_model=model, score=Decimal("86.50"), member_count=1, classification="recognised")
    with transaction.atomic():
        attachments_store(
            movement_model=model,
            stage=ModelStage.REGISTERED,
            files=[SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")],
            uploaded_by=world.submitter,
        )
    return model


def test_nomination_starts_a_linked_process_at_the_higher_level(world, recognised):
    nominated = nomination_submit(
        movement_model=recognised, campaign=world.campaign, nominated_by=world.commune_standing_body
    )

    nominated.refresh_from_db()
    assert (nominated.campaign, nominated.unit, nominated.nominated_from, nominated.submitted_by) == (
        world.campaign,
        world.submitter_unit,
        recognised,
        world.commune_standing_body,
    )
    assert (nominated.name, nominated.situation, nominated.stage) == (
        "Hũ gạo tình thương",
        recognised.situation,
        ModelStage.REGISTERED,
    )
    assert (nominated.registered_on_behalf, nominated.registered_by_unit) == (True, world.commune)
    source_file = recognised.attachments.get()
    copied = nominated.attachments.get()
    assert (copied.file.name, copied.sha256, copied.original_name) == (
        source_file.file.name,
        source_file.sha256,
        "bien-ban.pdf",
    )
    check = RecognitionTask.objects.get(process=nominated.process, flow_task=RecognitionFlow.check_dossier)
    assert check.unit_id == world.province.pk

    sent = AuditEvent.objects.get(movement_model=recognised, action=AuditAction.MODEL_NOMINATED)
    assert sent.payload == {"campaign": world.campaign.pk, "nomination": nominated.pk}
    received = AuditEvent.objects.get(movement_model=nominated, action=AuditAction.NOMINATION_RECEIVED)
    assert received.payload == {
        "nominated_from": recognised.pk,
        "source_campaign": recognised.campaign_id,
        "final_score": "86.50",
        "survey_reports": [recognised.survey_reports.get().pk],
        "evaluation_results": [recognised.evaluation_results.get().pk],
        "attachments": [
            {"id": copied.pk, "name": "bien-ban.pdf", "size": len(PDF_BYTES), "sha256": source_file.sha256}
        ],
    }
    registered = AuditEvent.objects.get(movement_model=nominated, action=AuditAction.MODEL_REGISTERED)
    assert registered.payload["nominated_from"] == recognised.pk


def test_lineage_shows_on_both_model_pages(client, world, recognised):
    nominated = nomination_submit(
        movement_model=recognised, campaign=world.campaign, nominated_by=world.commune_standing_body
    )
    client.force_login(world.commune_standing_body)
    higher = client.get(f"/models/{nominated.pk}/").content.decode()
    assert f'<a href="/models/{recognised.pk}/">Hũ gạo tình thương</a>' in higher
    assert "Mô hình duy trì đều." in higher
    assert "87 — Lan tỏa tốt" in higher
    lower = client.get(f"/models/{recognised.pk}/").content.decode()
    assert f'<a href="/models/{nominated.pk}/">{world.campaign}</a>' in lower


def test_nominate_form_on_the_page(client, world, recognised):
    client.force_login(world.commune_standing_body)
    page = client.get(f"/models/{recognised.pk}/")
    assert page.context["lineage_targets"] == [world.campaign]
    response = client.post(f"/models/{recognised.pk}/nominate/", {"campaign": world.campaign.pk})
    nominated = MovementModel.objects.get(nominated_from=recognised)
    assert (response.status_code, response["Location"]) == (302, f"/models/{nominated.pk}/")
    # Once nominated, the campaign is no longer offered, and a second post is refused without change.
    assert client.get(f"/models/{recognised.pk}/").context["lineage_targets"] == []
    again = client.post(f"/models/{recognised.pk}/nominate/", {"campaign": world.campaign.pk}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        f"Mô hình “Hũ gạo tình thương” đã được đề nghị vào đợt “{world.campaign}”."
    ]
    assert MovementModel.objects.filter(nominated_from=recognised).count() == 1


def test_a_model_not_recognised_is_refused(world, recognised):
    MovementModel.objects.filter(pk=recognised.pk).update(stage=ModelStage.EVALUATION)
    recognised.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        nomination_submit(movement_model=recognised, campaign=world.campaign, nominated_by=world.commune_standing_body)
    assert refused.value.message_dict == {
        "campaign": [
            "Mô hình “Hũ gạo tình thương” chưa được công nhận (giai đoạn: Hội đồng đánh giá), "
            "không thể đề nghị lên cấp trên."
        ]
    }
    assert MovementModel.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.MODEL_NOMINATED).count() == 0


def test_a_second_nomination_to_the_same_campaign_is_refused(world, recognised):
    nomination_submit(movement_model=recognised, campaign=world.campaign, nominated_by=world.commune_standing_body)
    with pytest.raises(ValidationError) as refused:
        nomination_submit(movement_model=recognised, campaign=world.campaign, nominated_by=world.commune_standing_body)
    assert refused.value.message_dict == {
        "campaign": [f"Mô hình “Hũ gạo tình thương” đã được đề nghị vào đợt “{world.campaign}”."]
    }
    assert MovementModel.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.MODEL_NOMINATED).count() == 1


def test_a_campaign_not_above_is_refused(world, recognised):
    sibling = CampaignFactory(name="Đợt xã Phong Điền", organising_unit=world.other_commune)
    for campaign in (recognised.campaign, sibling):
        with pytest.raises(ValidationError) as refused:
            nomination_submit(movement_model=recognised, campaign=campaign, nominated_by=world.commune_standing_body)
        assert refused.value.message_dict == {
            "campaign": [f"Đợt “{campaign}” không thuộc cấp trên của Đảng ủy phường Ninh Kiều."]
        }
    assert MovementModel.objects.count() == 1


def test_a_closed_higher_campaign_is_refused(world, recognised):
    Campaign.objects.filter(pk=world.campaign.pk).update(
        registration_opens_on="2020-01-01", registration_closes_on="2020-12-31"
    )
    world.campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        nomination_submit(movement_model=recognised, campaign=world.campaign, nominated_by=world.commune_standing_body)
    assert MovementModel.objects.count() == 1


def test_only_the_organising_standing_body_nominates(world, recognised):
    for user in (world.standing_body, world.submitter):
        with pytest.raises(PermissionDenied):
            nomination_submit(movement_model=recognised, campaign=world.campaign, nominated_by=user)
    assert MovementModel.objects.count() == 1


def test_api_nominates_and_refuses(world, recognised):
    refused = api_for(world.submitter).post(
        f"/api/v1/registrations/{recognised.pk}/nominate/", {"campaign": world.campaign.pk}, format="json"
    )
    assert refused.status_code == 403
    hidden = api_for(world.other_submitter).post(
        f"/api/v1/registrations/{recognised.pk}/nominate/", {"campaign": world.campaign.pk}, format="json"
    )
    assert hidden.status_code == 404
    response = api_for(world.commune_standing_body).post(
        f"/api/v1/registrations/{recognised.pk}/nominate/", {"campaign": world.campaign.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["nominated_from"], body["campaign"]["id"], body["unit"]["id"]) == (
        recognised.pk,
        world.campaign.pk,
        world.submitter_unit.pk,
    )
    again = api_for(world.commune_standing_body).post(
        f"/api/v1/registrations/{recognised.pk}/nominate/", {"campaign": world.campaign.pk}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "campaign": [f"Mô hình “Hũ gạo tình thương” đã được đề nghị vào đợt “{world.campaign}”."]
    }
