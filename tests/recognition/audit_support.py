"""Helpers for the audit tests: register a model and drive it through the flow's services."""

from django.utils import timezone

from recognition.forms import DossierForm
from recognition.models import AuditEvent
from workflows.demo import task_do
from workflows.services import registration_submit

CRITERIA = ("tt-sang-tao", "tt-chap-hanh-phap-luat", "tt-huy-dong-luc-luong", "tt-hai-hoa-loi-ich", "tt-ben-vung")

# The records each step writes, in order.
REGISTER = ["model_registered", "task_created"]
CHECK_ACCEPT = ["task_claimed", "task_started", "dossier_accepted", "task_completed", "task_created"]
CHECK_RETURN = ["task_claimed", "task_started", "dossier_returned", "task_completed", "task_created"]
REVISE = ["task_started", "dossier_edited", "task_completed", "task_created"]  # assigned to the submitter
SURVEY = ["task_claimed", "task_started", "survey_reported", "task_completed"] + ["task_created"] * 3
EVALUATE = ["task_started", "evaluation_scored", "task_completed"]  # seats are assigned to members
# The new adoption's follow-up task (workflows.followups) is created before the tracking closes.
REPLICATE_AND_CLOSE = [
    "task_claimed",
    "task_started",
    "replication_recorded",
    "task_created",
    "process_finished",
    "task_completed",
]
RECOGNISE = ["task_claimed", "task_started", "model_recognised", "task_completed", "task_created"]


def register(world, dossier, **overrides):
    form = DossierForm(data={**dossier, **overrides}, user=world.submitter)
    assert form.is_valid(), form.errors
    return registration_submit(submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data())


def check(world, model, *, accept: bool, reason: str = ""):
    data = {"decision": "accept"} if accept else {"decision": "return", "reason": reason}
    task_do(movement_model=model, node_name="check_dossier", user=world.standing_body, data=data)


def revise(world, model, dossier, **changes):
    data = {key: value for key, value in dossier.items() if key != "campaign"}
    task_do(movement_model=model, node_name="revise", user=world.submitter, data={**data, **changes})


def survey(world, model, files=None):
    task_do(
        movement_model=model,
        node_name="survey",
        user=world.survey_team,
        data={
            "visited_on": timezone.localdate().isoformat(),
            "findings": "Mô hình hoạt động đều.",
            "recommendation": "recommend",
        },
        files=files,
    )


def evaluate(world, model, points: int):
    for member in world.council:
        task_do(
            movement_model=model,
            node_name="evaluate",
            user=member,
            data={**{f"criterion_{code}": points for code in CRITERIA}, "comment": "Ý kiến"},
        )


def recognise(world, model, number="7-QĐ/BCĐ"):
    task_do(
        movement_model=model,
        node_name="recognise",
        user=world.chair,
        data={"decision_number": number, "signed_on": timezone.localdate().isoformat()},
    )


def replicate_and_close(world, model):
    task_do(
        movement_model=model,
        node_name="replicate",
        user=world.standing_body,
        data={
            "adopting_units": [str(world.other_unit.pk)],
            "started_on": timezone.localdate().isoformat(),
            "status": "planned",
            "close_tracking": "on",
        },
    )


def straight_through(world, dossier):
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 16)
    recognise(world, model)
    replicate_and_close(world, model)
    return model


def actions_of(model) -> list[str]:
    return list(AuditEvent.objects.filter(movement_model=model).order_by("sequence").values_list("action", flat=True))
