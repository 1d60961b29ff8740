"""Who may read and who may change which procedure definition (pages and API alike).

Admins holding `procedures.design_procedure` read the definitions that apply to their
unit (the national one, those of the units above it, their own) and those of the units
below it; they change only their own unit's and those below it. The national
definition is changed by superusers only.
"""

from django.db.models import Q, QuerySet

from recognition.models import Unit, User

from .models import ProcedureDefinition

DESIGN_PERMISSION = "procedures.design_procedure"


def can_design(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or (user.has_perm(DESIGN_PERMISSION) and user.unit_id is not None)
    )


def _ancestor_paths(unit: Unit) -> list[str]:
    return [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]


def definitions_visible_to(*, user: User) -> QuerySet[ProcedureDefinition]:
    queryset = ProcedureDefinition.objects.select_related("owner_unit", "owner_unit__level")
    if user.is_superuser:
        return queryset
    if not can_design(user):
        return queryset.none()
    unit = user.unit
    return queryset.filter(
        Q(owner_unit__isnull=True)
        | Q(owner_unit__path__in=_ancestor_paths(unit))
        | Q(owner_unit__path__startswith=unit.path)
    )


def can_read_definition(user: User, definition: ProcedureDefinition) -> bool:
    if user.is_superuser:
        return True
    if not can_design(user):
        return False
    owner = definition.owner_unit
    return owner is None or owner.contains(user.unit) or user.unit.contains(owner)


def can_change_definition(user: User, definition: ProcedureDefinition) -> bool:
    """Draft, edit and publish: the user's own unit's definition or one below it (national: superusers)."""
    if user.is_superuser:
        return True
    if not can_design(user) or definition.owner_unit_id is None:
        return False
    return user.unit.contains(definition.owner_unit)


def can_create_own_definition(user: User) -> bool:
    return (
        can_design(user)
        and user.unit_id is not None
        and not ProcedureDefinition.objects.filter(owner_unit_id=user.unit_id).exists()
    )
