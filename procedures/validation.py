"""Whether a version's content makes sense: pure rules over the spec and a context.

Each rule returns problems as (where, message) pairs in Vietnamese, so the designer
page shows each message beside the field it is about and the API returns them as a
field map. Publishing is refused while any problem remains.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .spec import STANDARD_STAGES, ProcedureSpec


@dataclass(frozen=True)
class Problem:
    where: str  # a path into the spec, e.g. "stages.survey.performer_role", "evaluation.quorum"
    message: str


@dataclass(frozen=True)
class ValidationContext:
    """What the rules need to know about the world, read once by the caller (no queries here)."""

    roles: frozenset[str] = frozenset()
    level_codes: frozenset[str] = frozenset()
    # (role, performer_unit) pairs that have at least one active holder in the owner's scope
    staffed: frozenset[tuple[str, str]] = frozenset()
    criterion_codes: frozenset[str] = frozenset()
    dossier_fields: frozenset[str] = frozenset()
    council_size: int | None = None
    extra: dict = field(default_factory=dict)


def spec_problems(spec: ProcedureSpec, context: ValidationContext) -> list[Problem]:
    problems = []
    for name in STANDARD_STAGES:
        if name not in spec.stages:
            message = _("Thiếu cấu hình cho bước chuẩn “%(stage)s”.") % {"stage": name}
            problems.append(Problem(f"stages.{name}", message))
    evaluation = spec.evaluation
    if evaluation.pass_threshold > evaluation.outstanding_threshold:
        problems.append(
            Problem(
                "evaluation.pass_threshold",
                _("Ngưỡng công nhận (%(pass)s) không được cao hơn ngưỡng tiêu biểu (%(outstanding)s).")
                % {"pass": evaluation.pass_threshold, "outstanding": evaluation.outstanding_threshold},
            )
        )
    return problems
