"""The first version of the national procedure, from settings and the criteria catalogue.

Settings keep only these defaults: once a version exists, the engine reads the version
pinned to each process and never settings.
"""

from decimal import Decimal

from django.conf import settings

from recognition.models import Criterion
from recognition.roles import Role

from .spec import (
    Aggregation,
    CriterionSpec,
    EscalationLevel,
    EvaluationSpec,
    PerformerUnit,
    ProcedureSpec,
    StageSpec,
    SurveyNotRecommended,
)

# Who performs each backbone stage in the standard procedure.
STANDARD_PERFORMERS = {
    "check_dossier": (Role.STANDING_BODY, PerformerUnit.ORGANISER),
    "revise": (Role.UNIT_SUBMITTER, PerformerUnit.REGISTRANT),
    "survey": (Role.SURVEY_TEAM, PerformerUnit.ORGANISER),
    "evaluate": (Role.COUNCIL_MEMBER, PerformerUnit.ORGANISER),
    "recognise": (Role.CHAIR, PerformerUnit.ORGANISER),
    "replicate": (Role.STANDING_BODY, PerformerUnit.ORGANISER),
}


def spec_from_settings() -> ProcedureSpec:
    """The first version: stages from settings, rubric from the active criteria of the catalogue."""
    sla = settings.KHEO_STAGE_SLA_WORKING_DAYS
    offsets = tuple(sorted(set(settings.KHEO_REMINDER_OFFSETS_WORKING_DAYS)))
    role = settings.KHEO_ESCALATION_SUPERVISOR_ROLE
    reassign = set(settings.KHEO_ESCALATION_REASSIGN_STAGES)
    paused = set(settings.KHEO_DEADLINE_CLOCK_PAUSED_STAGES)
    stages = {
        name: StageSpec(
            enabled=True,
            performer_role=performer_role,
            performer_unit=performer_unit,
            sla_working_days=sla[name],
            reminder_offsets=offsets,
            escalation=tuple(
                EscalationLevel(after_working_days=delay, supervisor_role=role, reassign=name in reassign)
                for delay in settings.KHEO_ESCALATION_DELAYS_WORKING_DAYS
            ),
            clock_paused=name in paused,
        )
        for name, (performer_role, performer_unit) in STANDARD_PERFORMERS.items()
    }
    rubric = {kind: [] for kind in Criterion.AppliesTo.values}
    for criterion in Criterion.objects.filter(is_active=True).order_by("applies_to", "order", "pk"):
        rubric[criterion.applies_to].append(
            CriterionSpec(code=criterion.code, name=criterion.name, max_points=criterion.max_points)
        )
    return ProcedureSpec(
        stages=stages,
        rubric={kind: tuple(criteria) for kind, criteria in rubric.items()},
        evaluation=EvaluationSpec(
            pass_threshold=Decimal("70"), outstanding_threshold=Decimal("90"), aggregation=Aggregation.MEAN
        ),
        survey_not_recommended=SurveyNotRecommended.CONTINUE_FLAGGED,
    )
