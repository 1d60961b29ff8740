"""Reads for the auditor's workspace, scoped to the user's unit subtree."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet

from recognition.audit import merkle
from recognition.models import AuditEvent, CouncilScore, EvaluationResult, MovementModel, User
from recognition.models.audit import AuditLeaf
from recognition.selectors import models_visible_to
from recognition.services.tally import RubricCriterion, normalised, rounded, weighted_max, weighted_total

AUDIT_PERMISSION = "recognition.view_audit_trail"


def can_audit(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or (user.has_perm(AUDIT_PERMISSION) and user.unit_id is not None)
    )


def audit_events_visible_to(*, user: User) -> QuerySet[AuditEvent]:
    """Records about models of the user's subtree, and model-less records (admin changes) made in it.

    System records about no model and no unit (the daily seals) concern the whole trail: only
    auditors of a top-level unit see them.
    """
    queryset = AuditEvent.objects.select_related("actor", "on_behalf_of", "actor_unit", "movement_model")
    if user.is_superuser:
        return queryset
    if not can_audit(user):
        return queryset.none()
    path = user.unit.path
    visible = Q(movement_model__unit__path__startswith=path) | Q(
        movement_model__isnull=True, actor_unit__path__startswith=path
    )
    if user.unit.depth == 1:
        visible |= Q(movement_model__isnull=True, actor_unit__isnull=True)
    return queryset.filter(visible)


def audit_models_visible_to(*, user: User) -> QuerySet[MovementModel]:
    if not can_audit(user):
        return MovementModel.objects.none()
    return models_visible_to(user=user)


def model_timeline(*, movement_model: MovementModel) -> QuerySet[AuditEvent]:
    """Every record of the model's chain, in the order they were written."""
    return (
        AuditEvent.objects.filter(movement_model=movement_model)
        .select_related("actor", "on_behalf_of", "actor_unit")
        .order_by("sequence")
    )


@dataclass
class MemberSheet:
    member: User
    points: list[int | None]
    total: int
    normalised: Decimal
    comment: str


@dataclass
class EvaluationExplanation:
    criteria: list[RubricCriterion]
    max_total: Decimal
    sheets: list[MemberSheet]
    results: list[EvaluationResult]
    rubric_stored: bool  # False: not tallied yet, the columns are the criteria the sheets scored


def evaluation_explanation(*, movement_model: MovementModel) -> EvaluationExplanation:
    """Each member's points per criterion, the rule, the thresholds and the result, as the tally saw them.

    The criteria, their maximum points and weights are the rubric stored with the latest
    result (the pinned version's, whatever the catalogue or the procedure says today).
    Before the tally, the columns are the criteria the sheets scored.
    """
    results = list(EvaluationResult.objects.filter(movement_model=movement_model).order_by("created_at", "pk"))
    # The sheets of the latest tallied round (each round's result counts only its own sheets).
    shown_round = len(results) if results else movement_model.evaluation_round
    sheets = list(
        CouncilScore.objects.filter(movement_model=movement_model, evaluation_round=shown_round)
        .select_related("member")
        .prefetch_related("items__criterion")
        .order_by("created_at", "pk")
    )
    stored = [RubricCriterion.from_dict(entry) for entry in results[-1].rubric] if results else []
    criteria = stored or _scored_criteria(sheets)
    max_total = weighted_max(criteria)
    rows = []
    for sheet in sheets:
        by_code = {item.criterion.code: item.points for item in sheet.items.all()}
        total = weighted_total(points=by_code, criteria=criteria) if by_code else sheet.total
        rows.append(
            MemberSheet(
                member=sheet.member,
                points=[by_code.get(c.code) for c in criteria],
                total=sheet.total,
                normalised=rounded(normalised(total, max_total)),
                comment=sheet.comment,
            )
        )
    return EvaluationExplanation(
        criteria=criteria, max_total=max_total, sheets=rows, results=results, rubric_stored=bool(stored)
    )


def _scored_criteria(sheets: list[CouncilScore]) -> list[RubricCriterion]:
    scored = {item.criterion for sheet in sheets for item in sheet.items.all()}
    return [
        RubricCriterion(code=c.code, name=c.name, max_points=c.max_points)
        for c in sorted(scored, key=lambda c: (c.order, c.pk))
    ]


def audit_tree_load(*, size: int) -> merkle.Tree:
    """The Merkle tree of the first `size` stored leaves (one O(n) read), for proofs."""
    leaves = AuditLeaf.objects.filter(tree_index__lt=size).order_by("tree_index").values_list("leaf_hash", flat=True)
    return merkle.Tree([bytes.fromhex(value) for value in leaves.iterator(chunk_size=20_000)])


def audit_tree_size() -> int:
    highest = AuditLeaf.objects.aggregate(highest=Max("tree_index"))["highest"]
    return 0 if highest is None else highest + 1
