"""Reads for the auditor's workspace, scoped to the user's unit subtree."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, QuerySet

from recognition.audit import merkle
from recognition.models import AuditEvent, Campaign, CouncilScore, EvaluationResult, MovementModel, User
from recognition.models.audit import AuditLeaf
from recognition.selectors import models_visible_to
from recognition.services.review import rubric_for

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
    criteria: list
    max_total: int
    sheets: list[MemberSheet]
    results: list[EvaluationResult]
    campaign: Campaign
    aggregation_label: str


def evaluation_explanation(*, movement_model: MovementModel) -> EvaluationExplanation:
    """Each member's points per criterion, the rule, the thresholds and the result, as the tally saw them."""
    criteria = rubric_for(movement_model)
    sheets = list(
        CouncilScore.objects.filter(movement_model=movement_model)
        .select_related("member")
        .prefetch_related("items__criterion")
        .order_by("created_at", "pk")
    )
    # Criteria scored once but since retired still belong in the explanation.
    scored = {item.criterion for sheet in sheets for item in sheet.items.all()}
    columns = sorted(set(criteria) | scored, key=lambda c: (c.order, c.pk))
    max_total = sum(c.max_points for c in criteria) or 100
    rows = []
    for sheet in sheets:
        by_criterion = {item.criterion_id: item.points for item in sheet.items.all()}
        rows.append(
            MemberSheet(
                member=sheet.member,
                points=[by_criterion.get(c.pk) for c in columns],
                total=sheet.total,
                normalised=(Decimal(sheet.total) * 100 / max_total).quantize(Decimal("0.01")),
                comment=sheet.comment,
            )
        )
    campaign = movement_model.campaign
    return EvaluationExplanation(
        criteria=columns,
        max_total=max_total,
        sheets=rows,
        results=list(EvaluationResult.objects.filter(movement_model=movement_model).order_by("created_at")),
        campaign=campaign,
        aggregation_label=campaign.get_aggregation_display(),
    )


def audit_tree_load(*, size: int) -> merkle.Tree:
    """The Merkle tree of the first `size` stored leaves (one O(n) read), for proofs."""
    leaves = AuditLeaf.objects.filter(tree_index__lt=size).order_by("tree_index").values_list("leaf_hash", flat=True)
    return merkle.Tree([bytes.fromhex(value) for value in leaves.iterator(chunk_size=20_000)])


def audit_tree_size() -> int:
    highest = AuditLeaf.objects.aggregate(highest=Max("tree_index"))["highest"]
    return 0 if highest is None else highest + 1
