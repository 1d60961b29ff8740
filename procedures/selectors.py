"""Which version is in force for a unit, and the spec a process is pinned to."""

from functools import lru_cache

from recognition.models import Unit

from .models import ProcedureDefinition, ProcedureVersion
from .parsing import spec_from_dict
from .spec import ProcedureSpec


def definition_for_unit(unit: Unit | None) -> ProcedureDefinition | None:
    """The unit's own definition, else the nearest above it in the tree, else the national one."""
    if unit is not None:
        ancestors = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
        owned = (
            ProcedureDefinition.objects.filter(owner_unit__path__in=ancestors, versions__status="published")
            .select_related("owner_unit")
            .distinct()
        )
        deepest = max(owned, key=lambda definition: definition.owner_unit.depth, default=None)
        if deepest is not None:
            return deepest
    return ProcedureDefinition.objects.filter(owner_unit__isnull=True).order_by("pk").first()


def version_in_force(unit: Unit | None) -> ProcedureVersion | None:
    """The published version a process started now for `unit` (the campaign's organiser) binds to."""
    definition = definition_for_unit(unit)
    if definition is None:
        return None
    return definition.versions.filter(status=ProcedureVersion.Status.PUBLISHED).first()


@lru_cache(maxsize=256)
def _published_spec(version_id: int) -> ProcedureSpec:
    # Safe to keep for the life of the process: a version that is not a draft never changes.
    return spec_from_dict(ProcedureVersion.objects.values_list("spec", flat=True).get(pk=version_id))


def version_spec(version: ProcedureVersion) -> ProcedureSpec:
    """The spec of a version; published and retired ones are parsed once per worker."""
    if version.status == ProcedureVersion.Status.DRAFT:
        return spec_from_dict(version.spec)
    return _published_spec(version.pk)


def spec_for_version_id(version_id: int) -> ProcedureSpec:
    """The spec of a pinned (never draft) version by id: no query after the first in this worker."""
    return _published_spec(version_id)
