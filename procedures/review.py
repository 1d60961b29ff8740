"""Reads for a version's pages and API answers: its problems, its diff, its diagram.

The diff of a draft is against the version published for the same definition; a
definition with none published yet (a unit's first draft) is compared with the
version the draft was copied from.
"""

from recognition.models import Level

from .context import validation_context
from .diagram import spec_svg
from .diff import DiffRow, spec_diff
from .models import ProcedureDefinition, ProcedureVersion
from .selectors import version_spec
from .validation import Problem, spec_problems


def level_names() -> dict[str, str]:
    return dict(Level.objects.values_list("code", "name"))


def version_problems(version: ProcedureVersion) -> list[Problem]:
    return spec_problems(version_spec(version), validation_context(version.definition))


def diff_base(version: ProcedureVersion) -> ProcedureVersion | None:
    published = (
        version.definition.versions.filter(status=ProcedureVersion.Status.PUBLISHED).exclude(pk=version.pk).first()
    )
    return published or version.based_on


def version_diff(
    version: ProcedureVersion, *, names: dict[str, str] | None = None
) -> tuple[ProcedureVersion | None, list[DiffRow]]:
    base = diff_base(version)
    if base is None:
        return None, []
    return base, spec_diff(version_spec(base), version_spec(version), level_names=names)


def version_diagram(version: ProcedureVersion, *, names: dict[str, str] | None = None) -> str:
    title = str(version)
    return spec_svg(version_spec(version), level_names=names, title=title)


def definition_versions(definition: ProcedureDefinition):
    return definition.versions.select_related("created_by", "published_by").order_by("-number")


def open_draft(definition: ProcedureDefinition) -> ProcedureVersion | None:
    """The definition's draft being edited, if any: the designer keeps one draft open at a time."""
    return definition.versions.filter(status=ProcedureVersion.Status.DRAFT).order_by("-number").first()
