"""Dossier check, field survey, council scoring and the tally against the thresholds."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recognition.models import (
    Aggregation,
    AuditAction,
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
from .council import dissenting_member_ids
from .stage import stage_move
from .tally import (
    RubricCriterion,
    TallyOutcome,
    TallyRule,
    evaluation_classify,
    tally_outcome,
    weighted_total,
)

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


def score_sheet_problems(*, rubric: Sequence[RubricCriterion], points: dict[str, int]) -> dict[str, str]:
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
    *,
    movement_model: MovementModel,
    member: User,
    points: dict[str, int],
    rubric: Sequence[RubricCriterion],
    comment: str = "",
) -> CouncilScore:
    """Record one member's score sheet against the pinned rubric. `points` maps criterion code to points."""
    step_check(movement_model.stage, "council_score")
    errors = score_sheet_problems(rubric=rubric, points=points)
    if errors:
        raise ValidationError(errors)
    round_number = movement_model.evaluation_round
    if CouncilScore.objects.filter(
        movement_model=movement_model, evaluation_round=round_number, member=member
    ).exists():
        raise ValidationError(_("Thành viên này đã chấm điểm mô hình."))
    rows = Criterion.objects.in_bulk([c.code for c in rubric], field_name="code")
    missing = [c.code for c in rubric if c.code not in rows]
    if missing:
        raise ValidationError(
            _("Bộ tiêu chí của quy trình có tiêu chí không còn trong danh mục: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )

    with transaction.atomic():
        sheet = CouncilScore.objects.create(
            movement_model=movement_model,
            member=member,
            total=sum(points[c.code] for c in rubric),
            comment=comment,
            evaluation_round=round_number,
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(council_score=sheet, criterion=rows[c.code], points=points[c.code]) for c in rubric
        )
        audit_record(
            action=AuditAction.EVALUATION_SCORED,
            actor=member,
            movement_model=movement_model,
            payload={"points": {c.code: points[c.code] for c in rubric}, "total": sheet.total, "comment": comment},
        )
    return sheet


def _sheet_totals(sheets: list[CouncilScore], rule: TallyRule) -> list:
    """Each sheet's total under the rule's weights (the plain total when every weight is 1)."""
    if not rule.has_weights:
        return [sheet.total for sheet in sheets]
    return [
        weighted_total(points={item.criterion.code: item.points for item in sheet.items.all()}, criteria=rule.criteria)
        for sheet in sheets
    ]


def _rejection_reason(*, outcome: TallyOutcome, rule: TallyRule, count: int) -> str:
    label = Aggregation(rule.aggregation).label.lower()
    if rule.aggregation == Aggregation.MAJORITY:
        return _("%(votes)s/%(count)s phiếu xếp loại không công nhận (ngưỡng công nhận %(threshold)s, %(rule)s).") % {
            "votes": outcome.votes.get(Classification.REJECTED, 0),
            "count": count,
            "threshold": rule.pass_threshold,
            "rule": label,
        }
    return _("Điểm tổng hợp %(score)s thấp hơn ngưỡng công nhận %(threshold)s (%(count)s phiếu, %(rule)s).") % {
        "score": outcome.score,
        "threshold": rule.pass_threshold,
        "count": count,
        "rule": label,
    }


def evaluation_tally(*, movement_model: MovementModel, rule: TallyRule) -> EvaluationResult:
    """Aggregate the council's sheets and classify the model under the pinned procedure's rule.

    `rule` carries the rubric (criteria, maximum points, weights), the thresholds and the
    aggregation of the version the process is pinned to; the score and the
    classification come from the pure `tally_outcome`. The result keeps that rubric and
    the version's id. A model below the pass threshold is REJECTED with the reason
    recorded; otherwise it waits for the recognition decision.
    """
    transition_check(movement_model.stage, "tally_pass")
    round_sheets = movement_model.council_scores.filter(evaluation_round=movement_model.evaluation_round)
    sheets = list(round_sheets)
    if not sheets:
        raise ValidationError(_("Chưa có phiếu chấm điểm nào."))
    if rule.has_weights:
        sheets = list(round_sheets.prefetch_related("items__criterion"))
    outcome = tally_outcome(totals=_sheet_totals(sheets, rule), rule=rule)
    score, classification = outcome.score, outcome.classification

    with transaction.atomic():
        result = EvaluationResult.objects.create(
            movement_model=movement_model,
            aggregation=rule.aggregation,
            score=score,
            pass_threshold=rule.pass_threshold,
            outstanding_threshold=rule.outstanding_threshold,
            member_count=len(sheets),
            classification=classification,
            rubric=[criterion.as_dict() for criterion in rule.criteria],
            procedure_version_id=rule.procedure_version_id,
        )
        is_rejected = classification == Classification.REJECTED
        movement_model.final_score = score
        movement_model.evaluation_round += 1  # the round is closed: a later evaluation starts a new one
        if is_rejected:
            movement_model.outcome_reason = _rejection_reason(outcome=outcome, rule=rule, count=len(sheets))
        stage_move(
            movement_model=movement_model,
            transition="tally_reject" if is_rejected else "tally_pass",
            action=AuditAction.EVALUATION_REJECTED if is_rejected else AuditAction.EVALUATION_PASSED,
            system_actor=TALLY_RULE,
            reason=movement_model.outcome_reason,
            extra_update_fields=("final_score", "outcome_reason", "evaluation_round"),
            payload={
                "result": result.pk,
                "version": rule.procedure_version_id,
                "aggregation": rule.aggregation,
                "member_totals": {str(sheet.member_id): sheet.total for sheet in sheets},
                "max_total": _plain_number(outcome.max_total),
                "score": str(score),
                "pass_threshold": str(rule.pass_threshold),
                "outstanding_threshold": str(rule.outstanding_threshold),
                "classification": classification,
                **({"votes": outcome.votes} if outcome.votes else {}),
                "dissent": _dissenting_members(sheets=sheets, outcome=outcome, rule=rule),
            },
        )
    return result


def _dissenting_members(*, sheets: list[CouncilScore], outcome: TallyOutcome, rule: TallyRule) -> list[int]:
    """The members whose own sheet, classified alone against the thresholds, differs from the result.

    Their comments are the council's dissenting notes (kept on their sheets, shown in the explanation).
    """
    sheet_classes = {
        sheet.member_id: evaluation_classify(
            score=value, pass_threshold=rule.pass_threshold, outstanding_threshold=rule.outstanding_threshold
        )
        for sheet, value in zip(sheets, outcome.member_scores, strict=True)
    }
    return dissenting_member_ids(sheet_classes=sheet_classes, result_classification=outcome.classification)


def _plain_number(value: Decimal):
    """A whole number as an int, else its decimal string (JSON payloads keep no floats)."""
    return int(value) if value == value.to_integral_value() else str(value.normalize())
