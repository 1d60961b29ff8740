"""The flow's gateways read the explicit outcome of the step before them, never the model's stage."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recognition.forms import DossierForm
from recognition.models import Classification, DossierReview, ModelStage, MovementModel
from recognition.services.review import rubric_for
from tests.factories import EvaluationResultFactory, MovementModelFactory, UserFactory
from workflows.demo import task_do
from workflows.models import RecognitionProcess
from workflows.services import registration_submit

pytestmark = pytest.mark.django_db


def stage_tampered(model, stage: str) -> None:
    """Set the stage behind the services' back, in the row and on the instance."""
    MovementModel.objects.filter(pk=model.pk).update(stage=stage)
    model.stage = stage


def review(model, *, is_accepted: bool) -> DossierReview:
    return DossierReview.objects.create(
        movement_model=model, reviewer=UserFactory(), is_accepted=is_accepted, reason="" if is_accepted else "Thiếu."
    )


# --- dossier check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("is_accepted", "tampered"), [(True, "returned"), (False, "survey")])
def test_the_dossier_gateway_follows_the_review_just_recorded_without_a_query(
    is_accepted, tampered, django_assert_num_queries
):
    model = MovementModelFactory()
    process = RecognitionProcess(movement_model=model)
    process.outcome_keep(review(model, is_accepted=is_accepted))
    stage_tampered(model, tampered)
    with django_assert_num_queries(0):
        assert process.is_dossier_accepted() is is_accepted


@pytest.mark.parametrize(("is_accepted", "tampered"), [(True, "returned"), (False, "survey")])
def test_a_process_loaded_afresh_reads_the_latest_review(is_accepted, tampered):
    model = MovementModelFactory()
    review(model, is_accepted=not is_accepted)
    review(model, is_accepted=is_accepted)
    stage_tampered(model, tampered)
    process = RecognitionProcess(movement_model=model)
    assert process.is_dossier_accepted() is is_accepted


# --- evaluation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("classification", "tampered", "passed"),
    [
        (Classification.RECOGNISED, "rejected", True),
        (Classification.OUTSTANDING, "rejected", True),
        (Classification.REJECTED, "recognition", False),
    ],
)
def test_the_evaluation_gateway_follows_the_results_classification(
    classification, tampered, passed, django_assert_num_queries
):
    result = EvaluationResultFactory(classification=classification)
    model = result.movement_model
    stage_tampered(model, tampered)
    process = RecognitionProcess(movement_model=model)
    process.outcome_keep(result)
    with django_assert_num_queries(0):
        assert process.is_evaluation_passed() is passed
    assert RecognitionProcess(movement_model=model).is_evaluation_passed() is passed  # loaded afresh


@pytest.mark.parametrize(
    ("older", "newer", "passed"),
    [
        (Classification.RECOGNISED, Classification.REJECTED, False),
        (Classification.REJECTED, Classification.RECOGNISED, True),
    ],
)
def test_a_process_loaded_afresh_reads_the_latest_result(older, newer, passed):
    model = EvaluationResultFactory(classification=older).movement_model
    EvaluationResultFactory(movement_model=model, classification=newer)
    assert RecognitionProcess(movement_model=model).is_evaluation_passed() is passed


# --- replication -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed_at", "tampered", "closed"),
    [
        (None, "closed", False),
        (datetime(2026, 6, 30, 9, 15, tzinfo=UTC), "replication", True),
    ],
)
def test_the_replication_gateway_follows_the_closing_not_the_stage(
    closed_at, tampered, closed, django_assert_num_queries
):
    model = MovementModelFactory(stage=tampered, tracking_closed_at=closed_at)
    process = RecognitionProcess(movement_model=model)
    with django_assert_num_queries(0):
        assert process.is_replication_closed() is closed


def test_a_record_no_gateway_reads_is_refused():
    with pytest.raises(TypeError, match="no gateway reads a MovementModel"):
        RecognitionProcess().outcome_keep(MovementModel())


# --- in the running flow ---------------------------------------------------------------------------


def outcome_reads(queries) -> list[str]:
    """The statements that read a dossier review or an evaluation result back."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT")
        and ("recognition_dossierreview" in q["sql"] or "recognition_evaluationresult" in q["sql"])
    ]


def test_the_flow_routes_on_the_records_its_steps_created_without_reading_them_back(world, dossier):
    form = DossierForm(data=dossier, user=world.submitter)
    assert form.is_valid(), form.errors
    model = registration_submit(submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data())
    with CaptureQueriesContext(connection) as check:
        task_do(movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"})
    task_do(
        movement_model=model,
        node_name="survey",
        user=world.survey_team,
        data={"visited_on": timezone.localdate().isoformat(), "findings": "Tốt", "recommendation": "recommend"},
    )
    *first, last = world.council
    points = {f"criterion_{criterion.code}": 10 for criterion in rubric_for(model)}
    for member in first:
        task_do(movement_model=model, node_name="evaluate", user=member, data=points)
    with CaptureQueriesContext(connection) as tally:
        task_do(movement_model=model, node_name="evaluate", user=last, data=points)
    assert outcome_reads(check.captured_queries) == []
    assert outcome_reads(tally.captured_queries) == []
    model.refresh_from_db()
    process = model.process
    assert (model.stage, str(model.final_score), process.status) == (ModelStage.REJECTED, "50.00", "DONE")
    assert [task.flow_task.name for task in process.task_set.order_by("created", "pk")][-1] == "rejected"
