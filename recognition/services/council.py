"""The evaluation council: who sits on it, recusals, closing on quorum, ending a case, the explanation.

Pure rules (`member_is_recused`, `council_close_problem`, `sheet_classification`,
`dissenting_member_ids`) are apart from the writers. The engine (workflows.council)
reads the pinned procedure version and the open seats and passes what they say in:
recognition never reads procedure versions or engine rows itself.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from recognition.models import (
    Aggregation,
    AuditAction,
    Campaign,
    Classification,
    CouncilClosure,
    CouncilRecusal,
    CouncilScore,
    EvaluationResult,
    ModelStage,
    MovementModel,
    User,
)
from recognition.stage_machine import step_check, transition_check

from .audit import audit_record
from .stage import stage_move
from .tally import RubricCriterion, evaluation_classify, normalised, rounded, weighted_max, weighted_total

RECUSAL_RULE = "council_recusal"

# Who may end a case, and at which stages: the standing body while the dossier is checked,
# back with the unit or surveyed; the council's chair while it is evaluated or awaits the decision.
CASE_END_STAGES_STANDING_BODY = (ModelStage.REGISTERED, ModelStage.RETURNED, ModelStage.SURVEY)
CASE_END_STAGES_CHAIR = (ModelStage.EVALUATION, ModelStage.RECOGNITION)


# The council of a campaign ------------------------------------------------------------------------


def campaign_council_set(
    *,
    campaign: Campaign,
    changed_by: User,
    members: Iterable[User],
    chair: User | None,
    secretary: User | None,
    reason: str,
) -> Campaign:
    """Name the campaign's council: its scoring members, its chair (who also scores) and its secretary.

    The change is recorded (REFERENCE_CHANGED, with the reason) in the same transaction.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do thay đổi hội đồng.")})
    members = list(members)
    if chair is not None and secretary is not None and chair.pk == secretary.pk:
        raise ValidationError({"council_secretary": _("Thư ký hội đồng không được đồng thời là chủ tịch.")})
    member_ids = sorted({member.pk for member in members} | ({chair.pk} if chair is not None else set()))
    before = {
        "council_members": sorted(campaign.council_members.values_list("pk", flat=True)),
        "council_chair": campaign.council_chair_id,
        "council_secretary": campaign.council_secretary_id,
    }
    after = {
        "council_members": member_ids,
        "council_chair": chair.pk if chair is not None else None,
        "council_secretary": secretary.pk if secretary is not None else None,
    }
    with transaction.atomic():
        campaign.council_chair = chair
        campaign.council_secretary = secretary
        campaign.save(update_fields=["council_chair", "council_secretary"])
        campaign.council_members.set(member_ids)
        audit_record(
            action=AuditAction.REFERENCE_CHANGED,
            actor=changed_by,
            reason=reason,
            payload={
                "model": campaign._meta.label_lower,
                "object": campaign.pk,
                "object_repr": str(campaign)[:200],
                "operation": "change",
                "changes": {
                    name: {"before": before[name], "after": value}
                    for name, value in after.items()
                    if before[name] != value
                },
            },
        )
    return campaign


# Seats and recusal ------------------------------------------------------------------------------


def member_is_recused(*, member_unit_path: str | None, registering_unit_path: str) -> bool:
    """A member of the registering unit, or of a unit below it, does not score its model."""
    return bool(member_unit_path) and member_unit_path.startswith(registering_unit_path)


def council_seats_split(*, members: Sequence[User], registering_unit_path: str) -> tuple[list[User], list[User]]:
    """(seated, recused) among the council's members, in the members' order. Members' units must be loaded."""
    seated, recused = [], []
    for member in members:
        path = member.unit.path if member.unit_id is not None else None
        (
            recused if member_is_recused(member_unit_path=path, registering_unit_path=registering_unit_path) else seated
        ).append(member)
    return seated, recused


def council_recusals_record(*, movement_model: MovementModel, recused: Sequence[User]) -> list[CouncilRecusal]:
    """Record each recused member (a row and COUNCIL_MEMBER_RECUSED), in the transaction that hands out the seats."""
    round_number = movement_model.evaluation_round
    rows = []
    with transaction.atomic():
        for member in recused:
            reason = _("Thành viên thuộc đơn vị đăng ký mô hình (%(unit)s).") % {"unit": member.unit.name}
            rows.append(
                CouncilRecusal.objects.create(
                    movement_model=movement_model,
                    member=member,
                    member_unit_id=member.unit_id,
                    evaluation_round=round_number,
                    reason=reason,
                )
            )
            audit_record(
                action=AuditAction.COUNCIL_MEMBER_RECUSED,
                system_actor=RECUSAL_RULE,
                movement_model=movement_model,
                reason=reason,
                payload={"member": member.pk, "member_unit": member.unit_id, "round": round_number},
            )
    return rows


# Closing on quorum -------------------------------------------------------------------------------


def council_close_problem(*, quorum: int, voted: int, seats: int) -> str | None:
    """Why the chair may not close the scoring now (None: they may).

    Quorum 0 means the version wants every seat: the scoring then ends by itself with the last sheet.
    """
    if quorum <= 0:
        return _("Quy trình áp dụng yêu cầu tất cả thành viên chấm điểm: không kết thúc sớm được.")
    if voted < quorum:
        return _("Chưa đủ số phiếu tối thiểu: mới có %(voted)s/%(seats)s phiếu, cần ít nhất %(quorum)s phiếu.") % {
            "voted": voted,
            "seats": seats,
            "quorum": quorum,
        }
    return None


def council_closure_record(
    *,
    movement_model: MovementModel,
    closed_by: User,
    quorum: int,
    voter_ids: Sequence[int],
    absent_ids: Sequence[int],
) -> CouncilClosure:
    """Record that the chair closed the round's scoring with these voters (COUNCIL_CLOSED).

    Precondition: the caller holds the process lock and cancels the absent seats' tasks in
    the same transaction.
    """
    step_check(movement_model.stage, "council_score")
    seats = len(voter_ids) + len(absent_ids)
    problem = council_close_problem(quorum=quorum, voted=len(voter_ids), seats=seats)
    if problem:
        raise ValidationError(problem)
    round_number = movement_model.evaluation_round
    if CouncilClosure.objects.filter(movement_model=movement_model, evaluation_round=round_number).exists():
        raise ValidationError(_("Hội đồng đã kết thúc chấm điểm vòng này."))
    with transaction.atomic():
        closure = CouncilClosure.objects.create(
            movement_model=movement_model,
            evaluation_round=round_number,
            closed_by=closed_by,
            quorum=quorum,
            seat_count=seats,
            voter_ids=sorted(voter_ids),
            absent_ids=sorted(absent_ids),
        )
        audit_record(
            action=AuditAction.COUNCIL_CLOSED,
            actor=closed_by,
            movement_model=movement_model,
            payload={
                "round": round_number,
                "quorum": quorum,
                "seats": seats,
                "voters": sorted(voter_ids),
                "absent": sorted(absent_ids),
            },
        )
    return closure


# Ending a case -----------------------------------------------------------------------------------


def case_end(*, movement_model: MovementModel, ended_by: User, reason: str) -> None:
    """End the case, not recognised, with the reason (CASE_ENDED). The engine cancels its open tasks.

    Who may end it at which stage is the engine's check (workflows.council.case_end_request).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do kết thúc hồ sơ.")})
    previous = movement_model.stage
    transition_check(previous, "case_end")
    with transaction.atomic():
        movement_model.outcome_reason = reason
        stage_move(
            movement_model=movement_model,
            transition="case_end",
            action=AuditAction.CASE_ENDED,
            actor=ended_by,
            reason=reason,
            extra_update_fields=("outcome_reason",),
            payload={"stage": previous},
        )


# Dissent and the explanation ---------------------------------------------------------------------


def dissenting_member_ids(*, sheet_classes: dict[int, str], result_classification: str) -> list[int]:
    """The members whose own sheet classifies the model otherwise than the council's result."""
    return sorted(member for member, classification in sheet_classes.items() if classification != result_classification)


@dataclass(frozen=True)
class MemberExplanation:
    member_id: int
    member_name: str
    points: dict[str, int]  # criterion code → points
    total: int
    weighted_total: Decimal
    score: Decimal  # the sheet on the 100-point scale
    classification: str
    is_dissenting: bool
    comment: str

    @property
    def classification_label(self) -> str:
        return str(Classification(self.classification).label)


@dataclass(frozen=True)
class CouncilExplanation:
    result: EvaluationResult
    evaluation_round: int
    criteria: tuple[RubricCriterion, ...]
    max_total: Decimal
    members: tuple[MemberExplanation, ...]
    recusals: tuple[CouncilRecusal, ...]
    closure: CouncilClosure | None
    quorum: int

    @property
    def aggregation_label(self) -> str:
        return str(Aggregation(self.result.aggregation).label)

    @property
    def classification_label(self) -> str:
        return str(Classification(self.result.classification).label)

    @property
    def dissenting(self) -> tuple[MemberExplanation, ...]:
        return tuple(member for member in self.members if member.is_dissenting)

    def as_dict(self) -> dict:
        result = self.result
        return {
            "result": result.pk,
            "evaluation_round": self.evaluation_round,
            "procedure_version": result.procedure_version_id,
            "aggregation": result.aggregation,
            "aggregation_label": self.aggregation_label,
            "score": str(result.score),
            "pass_threshold": str(result.pass_threshold),
            "outstanding_threshold": str(result.outstanding_threshold),
            "classification": result.classification,
            "classification_label": self.classification_label,
            "quorum": self.quorum,
            "member_count": result.member_count,
            "rubric": [criterion.as_dict() for criterion in self.criteria],
            "max_total": plain_number(self.max_total),
            "members": [
                {
                    "member": member.member_id,
                    "name": member.member_name,
                    "points": member.points,
                    "total": member.total,
                    "weighted_total": plain_number(member.weighted_total),
                    "score": str(member.score),
                    "classification": member.classification,
                    "is_dissenting": member.is_dissenting,
                    "comment": member.comment,
                }
                for member in self.members
            ],
            "dissenting_notes": [
                {"member": member.member_id, "name": member.member_name, "comment": member.comment}
                for member in self.dissenting
            ],
            "recusals": [
                {
                    "member": recusal.member_id,
                    "name": recusal.member.display_name,
                    "unit": recusal.member_unit.name,
                    "reason": recusal.reason,
                }
                for recusal in self.recusals
            ],
            "closure": None
            if self.closure is None
            else {
                "closed_by": self.closure.closed_by.display_name,
                "closed_at": self.closure.created_at.isoformat(),
                "quorum": self.closure.quorum,
                "seats": self.closure.seat_count,
                "voters": self.closure.voter_ids,
                "absent": self.closure.absent_ids,
            },
        }


def plain_number(value: Decimal) -> str:
    """A decimal as written by hand: "100", "72.5" (never "1E+2")."""
    text = format(Decimal(value).normalize(), "f")
    return text


def result_round(result: EvaluationResult) -> int:
    """The scoring round a result closed: each tally writes one result and opens the next round."""
    return (
        EvaluationResult.objects.filter(movement_model_id=result.movement_model_id, created_at__lte=result.created_at)
        .exclude(created_at=result.created_at, pk__gt=result.pk)
        .count()
    )


def council_explanation(*, result: EvaluationResult, quorum: int) -> CouncilExplanation:
    """How the council reached `result`: each member's sheet per criterion, the rule, the thresholds,
    the rubric as the tally used it, recusals, the quorum of the pinned version and dissent."""
    round_number = result_round(result)
    criteria = tuple(RubricCriterion.from_dict(item) for item in result.rubric)
    max_total = weighted_max(criteria)
    sheets = (
        CouncilScore.objects.filter(movement_model_id=result.movement_model_id, evaluation_round=round_number)
        .select_related("member")
        .prefetch_related("items__criterion")
        .order_by("created_at", "pk")
    )
    members = []
    for sheet in sheets:
        points = {item.criterion.code: item.points for item in sheet.items.all()}
        weighted = weighted_total(points=points, criteria=criteria) if criteria else Decimal(sheet.total)
        score = rounded(normalised(weighted, max_total))
        classification = evaluation_classify(
            score=score, pass_threshold=result.pass_threshold, outstanding_threshold=result.outstanding_threshold
        )
        members.append(
            MemberExplanation(
                member_id=sheet.member_id,
                member_name=sheet.member.display_name,
                points=points,
                total=sheet.total,
                weighted_total=weighted,
                score=score,
                classification=classification,
                is_dissenting=classification != result.classification,
                comment=sheet.comment,
            )
        )
    recusals = tuple(
        CouncilRecusal.objects.filter(movement_model_id=result.movement_model_id, evaluation_round=round_number)
        .select_related("member", "member_unit")
        .order_by("pk")
    )
    closure = (
        CouncilClosure.objects.filter(movement_model_id=result.movement_model_id, evaluation_round=round_number)
        .select_related("closed_by")
        .first()
    )
    return CouncilExplanation(
        result=result,
        evaluation_round=round_number,
        criteria=criteria,
        max_total=max_total,
        members=tuple(members),
        recusals=recusals,
        closure=closure,
        quorum=quorum,
    )
