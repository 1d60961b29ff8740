"""stage_move: the one writer of a model's stage, checked by the table and audited in the same transaction."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from recognition.models import AuditEvent, ModelStage
from recognition.services.stage import stage_move
from recognition.stage_machine import StageMoveRefused
from tests.factories import MovementModelFactory, UserFactory

from .conftest import audit_trail

pytestmark = pytest.mark.django_db


def test_a_listed_move_saves_the_stage_and_writes_the_steps_own_record():
    model = MovementModelFactory(stage=ModelStage.REGISTERED)
    stage = stage_move(
        movement_model=model,
        transition="dossier_accept_skip_survey",
        action="dossier_accepted",
        actor=UserFactory(username="thuongtruc"),
        payload={"review": 7, "stage": "evaluation"},
    )
    assert stage == ModelStage.EVALUATION
    model.refresh_from_db()
    assert model.stage == ModelStage.EVALUATION
    assert audit_trail(model) == [("dossier_accepted", "thuongtruc", "", {"review": 7, "stage": "evaluation"})]


def test_a_rule_can_move_the_stage_with_a_reason_and_the_values_it_set():
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    model.final_score = Decimal("41.50")
    model.outcome_reason = "Kết thúc theo kiến nghị của tổ khảo sát."
    stage_move(
        movement_model=model,
        transition="case_end",
        action="evaluation_rejected",
        system_actor="survey_rule",
        reason=model.outcome_reason,
        extra_update_fields=("final_score", "outcome_reason"),
    )
    model.refresh_from_db()
    assert (model.stage, model.final_score, model.outcome_reason) == (
        ModelStage.REJECTED,
        Decimal("41.50"),
        "Kết thúc theo kiến nghị của tổ khảo sát.",
    )
    assert audit_trail(model) == [
        ("evaluation_rejected", "system:survey_rule", "Kết thúc theo kiến nghị của tổ khảo sát.", {})
    ]


def test_a_value_not_named_in_extra_update_fields_is_not_saved():
    model = MovementModelFactory(stage=ModelStage.REPLICATION, outcome_reason="")
    model.outcome_reason = "không lưu"
    stage_move(movement_model=model, transition="close", action="process_finished", actor=UserFactory())
    model.refresh_from_db()
    assert (model.stage, model.outcome_reason) == (ModelStage.CLOSED, "")


def test_a_move_the_table_does_not_list_changes_nothing():
    model = MovementModelFactory(stage=ModelStage.REJECTED)
    with pytest.raises(StageMoveRefused) as error:
        stage_move(movement_model=model, transition="revise", action="dossier_edited", actor=UserFactory())
    assert error.value.messages == [
        "Không thực hiện được bước “nộp lại hồ sơ đã bổ sung”: mô hình đang ở giai đoạn “Không công nhận”, "
        "đã kết thúc quy trình."
    ]
    assert model.stage == ModelStage.REJECTED
    model.refresh_from_db()
    assert model.stage == ModelStage.REJECTED
    assert AuditEvent.objects.count() == 0


def test_a_failure_after_the_move_rolls_back_the_stage_and_its_record():
    model = MovementModelFactory(stage=ModelStage.RECOGNITION)
    with pytest.raises(RuntimeError), transaction.atomic():
        stage_move(movement_model=model, transition="recognise", action="model_recognised", actor=UserFactory())
        raise RuntimeError("the decision entry could not be written")
    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION
    assert AuditEvent.objects.count() == 0


def test_a_record_the_audit_refuses_rolls_back_the_move():
    model = MovementModelFactory(stage=ModelStage.REGISTERED)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        stage_move(movement_model=model, transition="dossier_return", action="dossier_returned", actor=UserFactory())
    assert error.value.message_dict == {"reason": ["Phải ghi rõ lý do cho thao tác này."]}
    assert model.stage == ModelStage.REGISTERED  # the instance keeps its stage too
    model.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED
    assert AuditEvent.objects.count() == 0


def test_a_move_inside_the_services_transaction_adds_no_savepoint():
    model, surveyor = MovementModelFactory(stage=ModelStage.SURVEY), UserFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as move:
        stage_move(movement_model=model, transition="survey_report", action="survey_reported", actor=surveyor)
    # The first statement is the stage's UPDATE (the audit chain may open its own savepoint after it).
    assert move.captured_queries[0]["sql"].startswith('UPDATE "recognition_movementmodel" SET "stage"')
