"""A procedure version's content: what each stage does, who does it, how long it may take.

`ProcedureSpec` is the typed form of `ProcedureVersion.spec` (a JSON document with a
schema version). It is pure data: no database, so the live engine, the designer's
validation, the exports and the simulation all read the same object.

`RecognitionFlow` is the backbone: the stages here are its human nodes, by node name.
A stage can be switched off (the flow routes around it) but never removed; additional
approval steps sit after a standard stage.
"""

from dataclasses import dataclass
from decimal import Decimal

SCHEMA_VERSION = 1

# The backbone's human stages, in procedure order (node names of RecognitionFlow).
STANDARD_STAGES = ("check_dossier", "revise", "survey", "evaluate", "recognise", "replicate")
# Stages that can be switched off; the others are the procedure itself.
SKIPPABLE_STAGES = frozenset({"survey"})
# Where an additional approval step can sit: after these stages' work is done.
APPROVAL_ANCHORS = ("check_dossier", "survey", "evaluate")
# The backbone's generic node that runs every additional approval step (task.data = {"step": key}).
APPROVAL_NODE = "approve"


class PerformerUnit:
    """Which unit performs a stage: the campaign's organiser, the registering unit, or a level code."""

    ORGANISER = "organiser"
    REGISTRANT = "registrant"


class Aggregation:
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"
    MAJORITY = "majority"
    ALL = (MEAN, MEDIAN, TRIMMED_MEAN, MAJORITY)


class SurveyNotRecommended:
    CONTINUE_FLAGGED = "continue_flagged"  # the council still evaluates, the report's flag shown
    END_CASE = "end_case"  # the case ends (not recognised) with the survey's reason
    ALL = (CONTINUE_FLAGGED, END_CASE)


@dataclass(frozen=True)
class EscalationLevel:
    after_working_days: int  # working days after the previous level (the first: after the due day)
    supervisor_role: str
    reassign: bool = False


@dataclass(frozen=True)
class StageSpec:
    enabled: bool
    performer_role: str
    performer_unit: str  # PerformerUnit.* or a Level code (the registering unit's ancestor at that level)
    sla_working_days: int
    reminder_offsets: tuple[int, ...] = (-2, 0)
    escalation: tuple[EscalationLevel, ...] = ()
    clock_paused: bool = False  # the clock stops while the dossier is back with the unit


@dataclass(frozen=True)
class ApprovalStepSpec:
    key: str  # slug, unique in the version
    title: str
    after: str  # one of APPROVAL_ANCHORS
    performer_role: str
    performer_unit: str
    sla_working_days: int


@dataclass(frozen=True)
class CriterionSpec:
    code: str  # recognition.Criterion.code
    name: str
    max_points: int
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class EvaluationSpec:
    pass_threshold: Decimal
    outstanding_threshold: Decimal
    aggregation: str
    quorum: int = 0  # 0: every seat must vote


@dataclass(frozen=True)
class ProcedureSpec:
    stages: dict[str, StageSpec]
    rubric: dict[str, tuple[CriterionSpec, ...]]  # "collective" / "individual" → criteria in order
    evaluation: EvaluationSpec
    approval_steps: tuple[ApprovalStepSpec, ...] = ()
    required_dossier_fields: tuple[str, ...] = ()
    min_attachments: int = 0
    survey_not_recommended: str = SurveyNotRecommended.CONTINUE_FLAGGED
    decision_number_format: str = "{number}-QĐ/BCĐ"
    schema_version: int = SCHEMA_VERSION

    def stage(self, name: str) -> StageSpec | None:
        return self.stages.get(name)

    def is_enabled(self, name: str) -> bool:
        stage = self.stages.get(name)
        return stage is not None and stage.enabled

    def approval_steps_after(self, anchor: str) -> tuple[ApprovalStepSpec, ...]:
        return tuple(step for step in self.approval_steps if step.after == anchor)

    def approval_step(self, key: str) -> ApprovalStepSpec | None:
        return next((step for step in self.approval_steps if step.key == key), None)

    def performer_of(self, node_name: str, task_data: dict | None = None) -> StageSpec | ApprovalStepSpec | None:
        """Who performs a human task: its stage's spec, or for the generic `approve` node its step's."""
        if node_name == APPROVAL_NODE:
            return self.approval_step((task_data or {}).get("step", ""))
        return self.stages.get(node_name)

    def sla_for(self, node_name: str, task_data: dict | None = None) -> int | None:
        """The SLA in working days of a human task (an approval task: its step's); None when it has none."""
        performer = self.performer_of(node_name, task_data)
        return performer.sla_working_days if performer is not None else None

    def approval_step_next(self, anchor: str, after_key: str | None = None) -> ApprovalStepSpec | None:
        """The step to run after the anchor's work (after_key None) or after the step `after_key`, in order."""
        steps = self.approval_steps_after(anchor)
        if after_key is None:
            return steps[0] if steps else None
        keys = [step.key for step in steps]
        position = keys.index(after_key) + 1 if after_key in keys else len(keys)
        return steps[position] if position < len(steps) else None

    def max_total(self, collective_kind: str) -> Decimal:
        return sum((c.max_points * c.weight for c in self.rubric.get(collective_kind, ())), Decimal(0))


class SpecFormatError(ValueError):
    """The JSON is not a procedure of a known schema; `problems` lists why, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
