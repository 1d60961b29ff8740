"""Additional approval steps, and the case endings a procedure version may configure.

The caller (the engine) passes what the pinned procedure version says (the step's key
and title): recognition never reads procedure versions itself.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recognition.models import (
    ApprovalOpinion,
    ApprovalOutcome,
    AuditAction,
    ModelStage,
    MovementModel,
    SurveyReport,
    User,
)

from .audit import audit_record

# The stages during which an approval step can be open: after the dossier check (survey,
# or evaluation when the survey is skipped), after the survey, after the tally.
APPROVAL_STAGES = (ModelStage.SURVEY, ModelStage.EVALUATION, ModelStage.RECOGNITION)
SURVEY_RULE = "survey_not_recommended"

_OUTCOME_ACTIONS = {
    ApprovalOutcome.APPROVE: AuditAction.APPROVAL_GIVEN,
    ApprovalOutcome.RETURN: AuditAction.APPROVAL_RETURNED,
    ApprovalOutcome.REJECT: AuditAction.APPROVAL_REJECTED,
}


def _stage_set(movement_model: MovementModel, stage: str, *, extra_update_fields=()) -> None:
    """The one place of this module that moves the stage.

    To be replaced by `recognition.services.stage.stage_move` with the transitions
    "approval_return", "case_end" and "dossier_accept_skip_survey" once the single
    stage machine is in.
    """
    movement_model.stage = stage
    movement_model.save(update_fields=["stage", "updated_at", *extra_update_fields])


def dossier_accept_survey_skipped(*, movement_model: MovementModel) -> None:
    """The dossier was just accepted and the procedure skips the survey: on to the council's evaluation.

    Recorded in the audit trail by the check task's completion record (its stage change).
    Once the stage machine is in, the acceptance itself takes "dossier_accept_skip_survey"
    (REGISTERED → EVALUATION) and this goes away.
    """
    if movement_model.stage != ModelStage.SURVEY:
        raise ValidationError(
            _("Mô hình đang ở giai đoạn “%(current)s”, không chuyển thẳng sang hội đồng đánh giá được.")
            % {"current": movement_model.get_stage_display()}
        )
    _stage_set(movement_model, ModelStage.EVALUATION)


def approval_opinion_record(
    *, movement_model: MovementModel, step_key: str, step_title: str, outcome: str, reason: str, given_by: User
) -> ApprovalOpinion:
    """Record an opinion at an approval step: approve (on to what follows), return the dossier to the
    unit, or reject (the case ends, not recognised). A return or a rejection needs a reason."""
    reason = (reason or "").strip()
    if outcome not in ApprovalOutcome.values:
        raise ValidationError({"outcome": _("Ý kiến không hợp lệ.")})
    if outcome != ApprovalOutcome.APPROVE and not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do khi trả lại hoặc không đồng ý.")})
    if movement_model.stage not in APPROVAL_STAGES:
        raise ValidationError(
            _("Mô hình đang ở giai đoạn “%(current)s”, không cho ý kiến phê duyệt được.")
            % {"current": movement_model.get_stage_display()}
        )
    with transaction.atomic():
        opinion = ApprovalOpinion.objects.create(
            movement_model=movement_model,
            step_key=step_key,
            step_title=step_title,
            outcome=outcome,
            reason=reason,
            given_by=given_by,
        )
        if outcome == ApprovalOutcome.RETURN:
            _stage_set(movement_model, ModelStage.RETURNED)
        elif outcome == ApprovalOutcome.REJECT:
            movement_model.outcome_reason = _("%(step)s không đồng ý: %(reason)s") % {
                "step": step_title,
                "reason": reason,
            }
            _stage_set(movement_model, ModelStage.REJECTED, extra_update_fields=("outcome_reason",))
        audit_record(
            action=_OUTCOME_ACTIONS[outcome],
            actor=given_by,
            movement_model=movement_model,
            reason=reason,
            payload={
                "opinion": opinion.pk,
                "step": step_key,
                "step_title": step_title,
                "outcome": outcome,
                "stage": movement_model.stage,
            },
        )
    return opinion


def survey_case_end(*, movement_model: MovementModel, report: SurveyReport) -> None:
    """End the case, not recognised, because the survey team did not recommend it (where the
    procedure says so); the survey's findings are the reason."""
    if movement_model.stage != ModelStage.EVALUATION:
        raise ValidationError(
            _("Mô hình đang ở giai đoạn “%(current)s”, không kết thúc hồ sơ theo kiến nghị khảo sát được.")
            % {"current": movement_model.get_stage_display()}
        )
    reason = _("Tổ khảo sát không đề nghị công nhận: %(findings)s") % {"findings": report.findings}
    with transaction.atomic():
        movement_model.outcome_reason = reason
        _stage_set(movement_model, ModelStage.REJECTED, extra_update_fields=("outcome_reason",))
        audit_record(
            action=AuditAction.SURVEY_CASE_ENDED,
            system_actor=SURVEY_RULE,
            movement_model=movement_model,
            reason=reason,
            payload={"report": report.pk, "recommendation": report.recommendation, "stage": movement_model.stage},
        )
