"""A model goes from registration to the end of replication through the service layer."""

import pytest
from django.utils import timezone

from recognition.forms import DossierForm
from recognition.models import AuditEvent, ModelStage
from workflows.demo import task_do
from workflows.services import registration_submit


@pytest.mark.django_db
def test_straight_through_reaches_closed(world, dossier):
    form = DossierForm(data=dossier, user=world.submitter)
    assert form.is_valid(), form.errors
    model = registration_submit(submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data())
    today = timezone.localdate().isoformat()
    task_do(movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"})
    task_do(
        movement_model=model,
        node_name="survey",
        user=world.survey_team,
        data={"visited_on": today, "findings": "Tốt", "recommendation": "recommend"},
    )
    for member in world.council:
        points = {
            f"criterion_{code}": 16
            for code in (
                "tt-sang-tao",
                "tt-chap-hanh-phap-luat",
                "tt-huy-dong-luc-luong",
                "tt-hai-hoa-loi-ich",
                "tt-ben-vung",
            )
        }
        task_do(movement_model=model, node_name="evaluate", user=member, data=points)
    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION
    assert str(model.final_score) == "80.00"
    task_do(
        movement_model=model,
        node_name="recognise",
        user=world.chair,
        data={"decision_number": "5-QĐ/BCĐ", "signed_on": today},
    )
    task_do(
        movement_model=model,
        node_name="replicate",
        user=world.standing_body,
        data={
            "adopting_units": [str(world.other_unit.pk)],
            "started_on": today,
            "status": "planned",
            "close_tracking": "on",
        },
    )
    model.refresh_from_db()
    assert model.stage == ModelStage.CLOSED
    assert model.process.status == "DONE"
    assert AuditEvent.objects.filter(movement_model=model, action="task_completed").count() == 7
