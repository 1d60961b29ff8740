"""What the validation rules need to know about the world, read from the database once.

The scope of a definition is its owner unit's subtree (where cases are registered and
organised) and the owner's ancestors (a stage may be performed at a higher level).
The national definition's scope is every unit.
"""

from django.contrib.auth.models import Group
from django.db.models import Count, Q

from recognition.models import Campaign, Criterion, Level, Unit, User
from recognition.roles import Role
from recognition.services.registration import DOSSIER_FIELDS

from .models import ProcedureDefinition
from .spec import PerformerUnit
from .validation import ValidationContext


def validation_context(definition: ProcedureDefinition) -> ValidationContext:
    owner = definition.owner_unit
    levels = dict(Level.objects.values_list("code", "name"))
    return ValidationContext(
        roles=frozenset(Group.objects.values_list("name", flat=True)),
        level_codes=frozenset(levels),
        level_names=levels,
        staffed=staffed_pairs(owner),
        criterion_codes=frozenset(Criterion.objects.values_list("code", flat=True)),
        dossier_fields=frozenset(DOSSIER_FIELDS),
        council_size=None if owner is None else council_size(owner),
        rubric_kinds=frozenset(Criterion.AppliesTo.values),
    )


def scope_filter(owner: Unit | None, prefix: str = "") -> Q:
    """Units in the owner's subtree or above it."""
    if owner is None:
        return Q()
    ancestors = [owner.path[:end] for end in range(Unit.steplen, len(owner.path), Unit.steplen)]
    return Q(**{f"{prefix}path__startswith": owner.path}) | Q(**{f"{prefix}path__in": ancestors})


def staffed_pairs(owner: Unit | None) -> frozenset[tuple[str, str]]:
    """(role, performer unit) pairs with at least one active holder in an active unit of the scope."""
    holders = (
        User.objects.filter(scope_filter(owner, "unit__"), is_active=True, unit__is_active=True, groups__isnull=False)
        .values_list("groups__name", "unit__level__code", "unit_id", "unit__path")
        .distinct()
    )
    organisers = _organiser_unit_ids(owner)
    pairs = set()
    for role, level_code, unit_id, path in holders:
        pairs.add((role, level_code))
        if unit_id in organisers:
            pairs.add((role, PerformerUnit.ORGANISER))
        if owner is None or path.startswith(owner.path):
            pairs.add((role, PerformerUnit.REGISTRANT))
    return frozenset(pairs)


def _organiser_unit_ids(owner: Unit | None) -> set[int]:
    if owner is not None:
        return {owner.pk}
    organising = set(Campaign.objects.values_list("organising_unit_id", flat=True))
    return organising | set(Unit.objects.filter(depth=1).values_list("pk", flat=True))


def council_size(owner: Unit) -> int:
    """The smallest council among the owner's campaigns (an empty list: every council member of the unit)."""
    unit_members = User.objects.filter(is_active=True, unit=owner, groups__name=Role.COUNCIL_MEMBER).distinct().count()
    sizes = [
        named or unit_members
        for named in Campaign.objects.filter(organising_unit=owner)
        .annotate(named=Count("council_members", filter=Q(council_members__is_active=True)))
        .values_list("named", flat=True)
    ]
    return min(sizes, default=unit_members)
