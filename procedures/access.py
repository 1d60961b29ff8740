"""Who may read and who may change which procedure definition (pages and API alike).

Admins holding `procedures.design_procedure` read the definitions that apply to their
unit (the national one, those of the units above it, their own) and those of the units
below it; they change only their own unit's and those below it. The national
definition is changed by superusers only.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from recognition.models import Unit, User

from .models import ProcedureDefinition, ProcedureVersion

DESIGN_PERMISSION = "procedures.design_procedure"

NOT_DESIGNER = _("Chỉ quản trị quy trình được thiết kế quy trình.")
OUT_OF_SCOPE = _("Quy trình này không thuộc phạm vi đơn vị của bạn.")
READ_ONLY = _("Bạn chỉ được xem quy trình này: chỉ đơn vị sở hữu (hoặc đơn vị cấp trên) được sửa và ban hành.")


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


# Loaders for pages and API: 404 when the id is unknown, 403 when it is outside the user's scope.


def version_readable(user, pk: int) -> ProcedureVersion:
    version = get_object_or_404(
        ProcedureVersion.objects.select_related("definition", "definition__owner_unit", "based_on"), pk=pk
    )
    if not can_read_definition(user, version.definition):
        raise PermissionDenied(OUT_OF_SCOPE)
    return version


def version_changeable(user, pk: int) -> ProcedureVersion:
    version = version_readable(user, pk)
    if not can_change_definition(user, version.definition):
        raise PermissionDenied(READ_ONLY)
    return version


def definition_changeable(user, pk: int) -> ProcedureDefinition:
    definition = get_object_or_404(ProcedureDefinition.objects.select_related("owner_unit"), pk=pk)
    if not can_read_definition(user, definition):
        raise PermissionDenied(OUT_OF_SCOPE)
    if not can_change_definition(user, definition):
        raise PermissionDenied(READ_ONLY)
    return definition
