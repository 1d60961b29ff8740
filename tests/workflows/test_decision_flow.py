"""A decision and the flow: the recognise task issues one, a decision of many settles every task."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from procedures.services import draft_create, draft_update, national_version_ensure, version_publish
from recognition.models import AuditEvent, ModelStage, RecognitionDecision
from tests.recognition.audit_support import check, evaluate, recognise, register, survey
from tests.workflows.migration_support import version_published
from workflows.decision_flow import (
    decision_issue_for,
    decision_revoke_for,
    decision_tasks_settle,
    decisions_settle_pending,
)
from workflows.models import RecognitionTask

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def awaiting(world, dossier, name):
    model = register(world, dossier, name=name)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 16)
    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION
    return model


def open_nodes(model) -> list[str]:
    return sorted(
        task.flow_task.name
        for task in RecognitionTask.objects.filter(
            process__movement_model=model, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
    )


def test_completing_the_recognise_task_issues_a_decision_for_that_model_alone(world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")

    recognise(world, model)

    decision = RecognitionDecision.objects.get()
    assert (decision.number, list(decision.entries.values_list("movement_model_id", flat=True))) == (
        "1-QĐ/BCĐ",
        [model.pk],
    )
    assert open_nodes(model) == ["replicate"]
    # The worker's run finds the task done already and changes nothing.
    assert decision_tasks_settle(decision_id=decision.pk) == 0
    assert open_nodes(model) == ["replicate"]


def test_one_decision_for_many_models_moves_each_flow_on_once_settled(world, dossier):
    first = awaiting(world, dossier, "Hũ gạo tình thương")
    second = awaiting(world, dossier, "Tổ dân vận")

    decision = decision_issue_for(
        user=world.chair,
        campaign=world.campaign,
        model_ids=[first.pk, second.pk],
        signed_on=timezone.localdate(),
        recipients=["Thường trực Thành ủy"],
    )

    assert decision.recipients == ["Thường trực Thành ủy"]
    assert (open_nodes(first), open_nodes(second)) == (["recognise"], ["recognise"])
    assert decision_tasks_settle(decision_id=decision.pk) == 2
    assert (open_nodes(first), open_nodes(second)) == (["replicate"], ["replicate"])
    first.refresh_from_db()
    assert first.stage == ModelStage.REPLICATION
    # Idempotent: a second run (a retried message, the sweep) does nothing.
    assert decision_tasks_settle(decision_id=decision.pk) == 0
    assert AuditEvent.objects.filter(action="model_recognised").count() == 2
    assert AuditEvent.objects.filter(action="task_completed", payload__node="recognise").count() == 2
    decision.refresh_from_db()
    assert decision.tasks_settled_at is not None
    assert decisions_settle_pending() == []


def test_only_the_performer_of_the_pinned_version_may_issue(world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    with pytest.raises(PermissionDenied):
        decision_issue_for(
            user=world.standing_body, campaign=world.campaign, model_ids=[model.pk], signed_on=timezone.localdate()
        )
    assert RecognitionDecision.objects.count() == 0


def test_an_empty_selection_is_refused(world):
    with pytest.raises(ValidationError) as error:
        decision_issue_for(user=world.chair, campaign=world.campaign, model_ids=[], signed_on=timezone.localdate())
    assert error.value.message_dict == {"models": ["Chưa chọn mô hình nào cho quyết định."]}


def test_a_revocation_cancels_the_running_replication_of_its_models(world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()

    revocation = decision_revoke_for(
        user=world.chair, decision=decision, signed_on=timezone.localdate(), reason="Báo cáo không trung thực."
    )
    assert decision_tasks_settle(decision_id=revocation.pk) == 1

    model.refresh_from_db()
    assert model.stage == ModelStage.REVOKED
    assert open_nodes(model) == []
    assert model.process.status == PROCESS.CANCELED
    assert decision_tasks_settle(decision_id=revocation.pk) == 0


def test_the_sweep_publishes_again_the_decisions_still_unsettled_a_while_after_issue(world, dossier, monkeypatch):
    import workflows.decision_flow as decision_flow

    published = []
    monkeypatch.setattr(decision_flow, "_publish", published.append)
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    decision = decision_issue_for(
        user=world.chair, campaign=world.campaign, model_ids=[model.pk], signed_on=timezone.localdate()
    )
    assert decisions_settle_pending() == []  # just issued: its own message is on its way
    later = timezone.now() + decision_flow.SWEEP_AFTER
    assert decisions_settle_pending(now=later) == [decision.pk]
    assert published == [decision.pk]
    decision_tasks_settle(decision_id=decision.pk)
    assert decisions_settle_pending(now=later) == []


def test_the_pinned_version_decides_who_signs_and_the_number_format(world, dossier):
    version = version_published(
        world, national_version_ensure(), stages={"recognise": {"performer_role": "standing_body"}}
    )
    draft_spec = {**version.spec, "decision_number_format": "{number:02d}/QĐ-UBND"}
    draft = draft_create(definition=version.definition, author=world.admin, based_on=version)
    draft_update(version=draft, spec_data=draft_spec, author=world.admin)
    version_publish(version=draft, actor=world.admin, reason="Ủy ban ký theo thể thức hành chính.")
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    assert model.process.procedure_version_id == draft.pk

    with pytest.raises(PermissionDenied):
        decision_issue_for(
            user=world.chair, campaign=world.campaign, model_ids=[model.pk], signed_on=timezone.localdate()
        )
    decision = decision_issue_for(
        user=world.standing_body, campaign=world.campaign, model_ids=[model.pk], signed_on=timezone.localdate()
    )
    assert decision.number == "01/QĐ-UBND"
