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
from .stage import stage_move

# The stages during which an approval step can be open: after the dossier check (survey,
# or evaluation when the survey is skipped), after the survey, after the tally.
APPROVAL_STAGES = (ModelStage.SURVEY, ModelStage.EVALUATION, ModelStage.RECOGNITION)
SURVEY_RULE = "survey_not_recommended"


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
        payload = {"opinion": opinion.pk, "step": step_key, "step_title": step_title, "outcome": outcome}
        if outcome == ApprovalOutcome.APPROVE:
            audit_record(
                action=AuditAction.APPROVAL_GIVEN,
                actor=given_by,
                movement_model=movement_model,
                reason=reason,
                payload={**payload, "stage": movement_model.stage},
            )
        elif outcome == ApprovalOutcome.RETURN:
            stage_move(
                movement_model=movement_model,
                transition="approval_return",
                action=AuditAction.APPROVAL_RETURNED,
                actor=given_by,
                reason=reason,
                payload={**payload, "stage": ModelStage.RETURNED},
            )
        else:
            movement_model.outcome_reason = _("%(step)s không đồng ý: %(reason)s") % {
                "step": step_title,
                "reason": reason,
            }
            stage_move(
                movement_model=movement_model,
                transition="case_end",
                action=AuditAction.APPROVAL_REJECTED,
                actor=given_by,
                reason=reason,
                payload={**payload, "stage": ModelStage.REJECTED},
                extra_update_fields=("outcome_reason",),
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
        stage_move(
            movement_model=movement_model,
            transition="case_end",
            action=AuditAction.SURVEY_CASE_ENDED,
            system_actor=SURVEY_RULE,
            reason=reason,
            payload={"report": report.pk, "recommendation": report.recommendation, "stage": ModelStage.REJECTED},
            extra_update_fields=("outcome_reason",),
        )
