"""Every path of the recognition flow, walked through the web pages with real POSTs."""

import pytest
from viewflow.workflow.status import PROCESS, STATUS

from recognition.models import AuditEvent, DossierReview, ModelStage, Replication
from workflows.models import RecognitionTask

from .views_support import do_task, register_through_page, scores, survey_data, today_text


def completed_nodes(movement_model) -> list[str]:
    tasks = RecognitionTask.objects.filter(
        process__movement_model=movement_model, flow_task_type="HUMAN", status=STATUS.DONE
    ).order_by("finished", "pk")
    return [task.flow_task.name for task in tasks]


def survey_and_score(client, world, movement_model, *, points: int) -> None:
    do_task(client, movement_model=movement_model, node_name="survey", user=world.survey_team, data=survey_data())
    for member in world.council:
        do_task(
            client,
            movement_model=movement_model,
            node_name="evaluate",
            user=member,
            data={**scores(movement_model, points), "comment": "Đạt yêu cầu."},
        )


@pytest.mark.django_db
def test_straight_through_to_closed(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    assert model.stage == ModelStage.REGISTERED

    response = do_task(
        client, movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"}
    )
    # The reviewer lands back on the process page (no list was visited first), not on "/".
    assert response["Location"] == f"/recognition/{model.process.pk}/"
    survey_and_score(client, world, model, points=16)
    model.refresh_from_db()
    assert (model.stage, str(model.final_score)) == (ModelStage.RECOGNITION, "80.00")
    do_task(
        client,
        movement_model=model,
        node_name="recognise",
        user=world.chair,
        data={"decision_number": "5-QĐ/BCĐ", "signed_on": today_text()},
    )
    do_task(
        client,
        movement_model=model,
        node_name="replicate",
        user=world.standing_body,
        data={
            "adopting_units": [str(world.other_unit.pk)],
            "started_on": today_text(),
            "status": "planned",
            "close_tracking": "on",
        },
    )

    model.refresh_from_db()
    assert model.stage == ModelStage.CLOSED
    assert model.process.status == PROCESS.DONE
    assert completed_nodes(model) == [
        "check_dossier",
        "survey",
        "evaluate",
        "evaluate",
        "evaluate",
        "recognise",
        "replicate",
    ]
    assert (
        Replication.objects.filter(source_model=model).values_list("adopting_unit", flat=True).get()
        == world.other_unit.pk
    )
    assert AuditEvent.objects.filter(movement_model=model, action="task_completed").count() == 7
    # Only check_dossier, survey, recognise and replicate were claimed; council seats come assigned.
    assert AuditEvent.objects.filter(movement_model=model, action="task_claimed").count() == 4


@pytest.mark.django_db
def test_returned_twice_then_accepted(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    reasons = ["Bổ sung biên bản họp dân.", "Thiếu số liệu hộ tham gia."]
    for round_number, reason in enumerate(reasons, start=1):
        do_task(
            client,
            movement_model=model,
            node_name="check_dossier",
            user=world.standing_body,
            data={"decision": "return", "reason": reason},
        )
        model.refresh_from_db()
        assert model.stage == ModelStage.RETURNED
        do_task(
            client,
            movement_model=model,
            node_name="revise",
            user=world.submitter,
            data={**dossier, "objectives": f"Hỗ trợ 50 hộ (bản sửa lần {round_number})."},
        )
        model.refresh_from_db()
        assert model.stage == ModelStage.REGISTERED
        assert model.objectives == f"Hỗ trợ 50 hộ (bản sửa lần {round_number})."

    do_task(
        client, movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"}
    )

    model.refresh_from_db()
    assert model.stage == ModelStage.SURVEY
    assert list(
        DossierReview.objects.filter(movement_model=model).order_by("pk").values_list("is_accepted", "reason")
    ) == [
        (False, reasons[0]),
        (False, reasons[1]),
        (True, ""),
    ]
    assert completed_nodes(model) == ["check_dossier", "revise", "check_dossier", "revise", "check_dossier"]
    assert (
        list(
            AuditEvent.objects.filter(movement_model=model, action="dossier_returned")
            .order_by("pk")
            .values_list("reason", flat=True)
        )
        == reasons
    )


@pytest.mark.django_db
def test_rejected_at_evaluation(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data=dossier)
    do_task(
        client, movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"}
    )
    survey_and_score(client, world, model, points=10)

    model.refresh_from_db()
    assert model.stage == ModelStage.REJECTED
    assert str(model.final_score) == "50.00"
    assert model.outcome_reason.startswith("Điểm tổng hợp 50.00 thấp hơn ngưỡng công nhận 70")
    assert model.process.status == PROCESS.DONE
    assert not RecognitionTask.objects.filter(process__movement_model=model, finished__isnull=True).exists()
    rejection = AuditEvent.objects.get(movement_model=model, action="evaluation_rejected")
    assert rejection.reason == model.outcome_reason

    client.force_login(world.submitter)
    page = client.get(f"/models/{model.pk}/").content.decode()
    assert "Không công nhận" in page
    assert model.outcome_reason in page
