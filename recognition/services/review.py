"""Dossier check, field survey, council scoring and the tally against the thresholds."""

import statistics
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recognition.models import (
    AuditAction,
    Campaign,
    Classification,
    CouncilScore,
    Criterion,
    CriterionScore,
    DossierReview,
    EvaluationResult,
    ModelStage,
    MovementModel,
    SurveyRecommendation,
    SurveyReport,
    User,
)
from recognition.stage_machine import step_check, transition_check

from .attachments import attachments_payload, attachments_store
from .audit import audit_record
from .stage import stage_move

TALLY_RULE = "evaluation_tally"


def dossier_review_record(
    *, movement_model: MovementModel, reviewer: User, is_accepted: bool, reason: str = "", survey_skipped: bool = False
) -> DossierReview:
    """Accept the dossier (on to the survey, or to the council when the procedure skips the survey)
    or return it to the unit with a reason."""
    reason = (reason or "").strip()
    if not is_accepted and not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do và nội dung cần bổ sung khi trả lại hồ sơ.")})
    if not is_accepted:
        transition = "dossier_return"
    else:
        transition = "dossier_accept_skip_survey" if survey_skipped else "dossier_accept"
    target = transition_check(movement_model.stage, transition)

    with transaction.atomic():
        review = DossierReview.objects.create(
            movement_model=movement_model, reviewer=reviewer, is_accepted=is_accepted, reason=reason
        )
        stage_move(
            movement_model=movement_model,
            transition=transition,
            action=AuditAction.DOSSIER_ACCEPTED if is_accepted else AuditAction.DOSSIER_RETURNED,
            actor=reviewer,
            reason=reason,
            payload={"review": review.pk, "stage": target},
        )
    return review


def survey_report_submit(
    *,
    movement_model: MovementModel,
    surveyed_by: User,
    visited_on: date,
    findings: str,
    recommendation: str,
    files=(),
) -> SurveyReport:
    transition_check(movement_model.stage, "survey_report")
    if recommendation not in SurveyRecommendation.values:
        raise ValidationError({"recommendation": _("Kiến nghị không hợp lệ.")})
    with transaction.atomic():
        report = SurveyReport.objects.create(
            movement_model=movement_model,
            surveyed_by=surveyed_by,
            visited_on=visited_on,
            findings=findings,
            recommendation=recommendation,
        )
        stored = attachments_store(
            movement_model=movement_model, stage=ModelStage.SURVEY, files=files, uploaded_by=surveyed_by
        )
        stage_move(
            movement_model=movement_model,
            transition="survey_report",
            action=AuditAction.SURVEY_REPORTED,
            actor=surveyed_by,
            payload={
                "report": report.pk,
                "visited_on": visited_on.isoformat(),
                "recommendation": recommendation,
                "attachments": attachments_payload(stored),
            },
        )
    return report


def rubric_for(movement_model: MovementModel) -> list[Criterion]:
    """The active criteria that apply to this model (collective or individual)."""
    return list(Criterion.objects.filter(applies_to=movement_model.collective_kind, is_active=True))


def score_sheet_problems(*, rubric: list[Criterion], points: dict[str, int]) -> dict[str, str]:
    """What is wrong with a score sheet, by form field (empty when every criterion has points in range)."""
    errors = {}
    for criterion in rubric:
        value = points.get(criterion.code)
        if value is None:
            errors[f"criterion_{criterion.code}"] = _("Chưa chấm tiêu chí này.")
        elif not 0 <= value <= criterion.max_points:
            errors[f"criterion_{criterion.code}"] = _("Điểm phải từ 0 đến %(max)s.") % {"max": criterion.max_points}
    unknown = set(points) - {c.code for c in rubric}
    if unknown:
        errors["scores"] = _("Tiêu chí không có trong bộ tiêu chí: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
    return errors


def council_score_submit(
    *, movement_model: MovementModel, member: User, points: dict[str, int], comment: str = ""
) -> CouncilScore:
    """Record one member's score sheet. `points` maps criterion code to points."""
    step_check(movement_model.stage, "council_score")
    rubric = rubric_for(movement_model)
    errors = score_sheet_problems(rubric=rubric, points=points)
    if errors:
        raise ValidationError(errors)
    if CouncilScore.objects.filter(movement_model=movement_model, member=member).exists():
        raise ValidationError(_("Thành viên này đã chấm điểm mô hình."))

    with transaction.atomic():
        sheet = CouncilScore.objects.create(
            movement_model=movement_model,
            member=member,
            total=sum(points[c.code] for c in rubric),
            comment=comment,
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(council_score=sheet, criterion=c, points=points[c.code]) for c in rubric
        )
        audit_record(
            action=AuditAction.EVALUATION_SCORED,
            actor=member,
            movement_model=movement_model,
            payload={"points": {c.code: points[c.code] for c in rubric}, "total": sheet.total, "comment": comment},
        )
    return sheet


def evaluation_score(*, totals: list[int], max_total: int, aggregation: str) -> Decimal:
    """The council's score out of 100: each sheet's total normalised to 100, then the median or the mean.

    Normalising keeps the thresholds meaningful if an admin changes the maximum points
    of a criterion. Rounded half up to two decimals, as the result is shown and stored.
    """
    normalised = [Decimal(total) * 100 / max_total for total in totals]
    if aggregation == Campaign.Aggregation.MEDIAN:
        result = Decimal(statistics.median(normalised))
    else:
        result = sum(normalised, Decimal(0)) / len(normalised)
    return result.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluation_classify(*, score: Decimal, pass_threshold: Decimal, outstanding_threshold: Decimal) -> str:
    """Outstanding (tiêu biểu) from the outstanding threshold, recognised from the pass threshold, else rejected."""
    if score >= outstanding_threshold:
        return Classification.OUTSTANDING
    if score >= pass_threshold:
        return Classification.RECOGNISED
    return Classification.REJECTED


def evaluation_tally(*, movement_model: MovementModel) -> EvaluationResult:
    """Aggregate the council's sheets and classify the model against the campaign thresholds.

    The score and the classification come from `evaluation_score` and
    `evaluation_classify`. A model below the pass threshold is REJECTED with the
    reason recorded; otherwise it waits for the recognition decision.
    """
    transition_check(movement_model.stage, "tally_pass")
    campaign = movement_model.campaign
    sheets = list(movement_model.council_scores.all())
    if not sheets:
        raise ValidationError(_("Chưa có phiếu chấm điểm nào."))
    max_total = sum(c.max_points for c in rubric_for(movement_model)) or 100
    score = evaluation_score(
        totals=[sheet.total for sheet in sheets], max_total=max_total, aggregation=campaign.aggregation
    )
    classification = evaluation_classify(
        score=score,
        pass_threshold=campaign.pass_threshold,
        outstanding_threshold=campaign.outstanding_threshold,
    )

    with transaction.atomic():
        result = EvaluationResult.objects.create(
            movement_model=movement_model,
            aggregation=campaign.aggregation,
            score=score,
            pass_threshold=campaign.pass_threshold,
            outstanding_threshold=campaign.outstanding_threshold,
            member_count=len(sheets),
            classification=classification,
        )
        is_rejected = classification == Classification.REJECTED
        movement_model.final_score = score
        if is_rejected:
            movement_model.outcome_reason = _(
                "Điểm tổng hợp %(score)s thấp hơn ngưỡng công nhận %(threshold)s (%(count)s phiếu, %(rule)s)."
            ) % {
                "score": score,
                "threshold": campaign.pass_threshold,
                "count": len(sheets),
                "rule": campaign.get_aggregation_display().lower(),
            }
        stage_move(
            movement_model=movement_model,
            transition="tally_reject" if is_rejected else "tally_pass",
            action=AuditAction.EVALUATION_REJECTED if is_rejected else AuditAction.EVALUATION_PASSED,
            system_actor=TALLY_RULE,
            reason=movement_model.outcome_reason,
            extra_update_fields=("final_score", "outcome_reason"),
            payload={
                "result": result.pk,
                "aggregation": campaign.aggregation,
                "member_totals": {str(sheet.member_id): sheet.total for sheet in sheets},
                "max_total": max_total,
                "score": str(score),
                "pass_threshold": str(campaign.pass_threshold),
                "outstanding_threshold": str(campaign.outstanding_threshold),
                "classification": classification,
            },
        )
    return result
