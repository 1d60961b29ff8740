"""What each human task of the flow does: its form and the domain service it calls.

The web view and the API both look the stage up here, so a task is completed the
same way whichever door it comes through.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from procedures.dossier import dossier_problems
from recognition.models import ReReviewOutcome
from recognition.services.approvals import approval_opinion_record
from recognition.services.registration import dossier_snapshot, model_revise
from recognition.services.replication import adoption_report, model_close
from recognition.services.rereview import rereview_complete
from recognition.services.review import council_score_submit, dossier_review_record, survey_report_submit

from . import forms
from .decision_flow import decision_issue_for
from .performers import process_spec


@dataclass(frozen=True)
class Stage:
    form_class: type
    # (*, movement_model, user, form) -> the record holding the step's outcome, or None.
    # The flow's gateway after the step reads that record (RecognitionProcess.outcome_keep).
    submit: Callable
    # (task) -> extra keyword arguments of the form, read from the task and its pinned version
    form_kwargs: Callable | None = None


def _check_dossier(*, movement_model, user, form):
    return dossier_review_record(
        movement_model=movement_model,
        reviewer=user,
        is_accepted=form.cleaned_data["decision"] == forms.DossierCheckForm.Decision.ACCEPT,
        reason=form.cleaned_data.get("reason", ""),
        # The pinned version may skip the survey: the accepted dossier then goes straight to the council.
        survey_skipped=not process_spec(movement_model.process).is_enabled("survey"),
    )


def _revise(*, movement_model, user, form):
    files = form.cleaned_data.get("attachments", [])
    problems = dossier_problems(
        process_spec(movement_model.process),
        data={**dossier_snapshot(movement_model), **form.dossier_data()},
        attachment_count=movement_model.attachments.count() + len(files),
    )
    if problems:
        raise ValidationError(problems)
    model_revise(
        movement_model=movement_model,
        revised_by=user,
        data=form.dossier_data(),
        files=files,
    )


def _survey(*, movement_model, user, form):
    survey_report_submit(
        movement_model=movement_model,
        surveyed_by=user,
        visited_on=form.cleaned_data["visited_on"],
        findings=form.cleaned_data["findings"],
        recommendation=form.cleaned_data["recommendation"],
        files=form.cleaned_data.get("attachments", []),
    )


def _evaluate(*, movement_model, user, form):
    council_score_submit(
        movement_model=movement_model,
        member=user,
        points=form.points(),
        rubric=form.rubric,
        comment=form.cleaned_data.get("comment", ""),
    )


def _recognise(*, movement_model, user, form):
    """This model alone gets a decision; its number is allocated at issue (many models: the decisions page)."""
    decision_issue_for(
        user=user,
        campaign=movement_model.campaign,
        model_ids=[movement_model.pk],
        signed_on=form.cleaned_data["signed_on"],
        summary=form.cleaned_data.get("summary", ""),
    )
    # The issue moved the stage on this very instance's row: read it back for the task's record.
    movement_model.refresh_from_db(fields=["stage", "updated_at"])


def _replicate(*, movement_model, user, form):
    from .followups import adoptions_record

    units = list(form.cleaned_data.get("adopting_units") or [])
    if units:
        # Each new adoption gets its own follow-up process, with the adopting unit's report task.
        adoptions_record(
            movement_model=movement_model,
            recorded_by=user,
            adopting_units=units,
            started_on=form.cleaned_data["started_on"],
            status=form.cleaned_data["status"],
        )
    if form.cleaned_data.get("close_tracking"):
        model_close(movement_model=movement_model, closed_by=user)


def _approve(*, movement_model, user, form):
    return approval_opinion_record(
        movement_model=movement_model,
        step_key=form.step.key,
        step_title=form.step.title,
        outcome=form.cleaned_data["outcome"],
        reason=form.cleaned_data.get("reason", ""),
        given_by=user,
    )


def _adoption_report(*, movement_model, user, form):
    # The adoption as reported: the gateway after the task reads its status.
    return adoption_report(
        replication=form.replication,
        reported_by=user,
        status=form.cleaned_data["status"],
        report=form.cleaned_data["adoption_report"],
    )


def _rereview(*, movement_model, user, form):
    rereview_complete(
        rereview=form.rereview,
        reviewed_by=user,
        is_effective=form.cleaned_data["rereview_outcome"] == ReReviewOutcome.EFFECTIVE,
        reason=form.cleaned_data.get("reason", ""),
        files=form.cleaned_data.get("attachments", []),
    )


def _approval_step(task) -> dict:
    """The approval step this task runs, from the version its process is pinned to."""
    return {"step": process_spec(task.process).approval_step(task.data["step"])}


STAGES: dict[str, Stage] = {
    "check_dossier": Stage(forms.DossierCheckForm, _check_dossier),
    "revise": Stage(forms.RevisionForm, _revise),
    "survey": Stage(forms.SurveyForm, _survey),
    "evaluate": Stage(forms.CouncilScoreForm, _evaluate),
    "recognise": Stage(forms.RecognitionForm, _recognise),
    "replicate": Stage(forms.ReplicationForm, _replicate),
    "approve": Stage(forms.ApprovalForm, _approve, form_kwargs=_approval_step),
    # The follow-up flow's tasks (workflows.followups): the adoption and the re-review they follow.
    "adoption_report": Stage(
        forms.AdoptionReportForm, _adoption_report, form_kwargs=lambda task: {"replication": task.process.replication}
    ),
    "rereview": Stage(forms.ReReviewForm, _rereview, form_kwargs=lambda task: {"rereview": task.process.rereview}),
}
