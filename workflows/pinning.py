"""A process reads the procedure version it is pinned to, never today's configuration.

The rubric of the score form, the rule of the tally and the deadlines of its tasks all
come from `RecognitionProcess.procedure_version` (set when the process starts). The spec
of a published version is parsed once per worker (`spec_for_version_id`), so reading it
costs no query on the hot path. Recognition's services take the values as arguments
(`TallyRule`, `RubricCriterion`): recognition does not depend on procedures.
"""

from procedures.selectors import spec_for_version_id, version_in_force
from procedures.services import national_version_ensure
from procedures.spec import ProcedureSpec
from recognition.models import EvaluationResult, MovementModel
from recognition.services.review import evaluation_tally
from recognition.services.tally import CENT, RubricCriterion, TallyRule


def process_version_id(movement_model: MovementModel) -> int:
    """The id of the version the model's process is pinned to.

    A model without a process (loaded before the engine ran) reads the version in force
    for its campaign's organiser, as a process started now would.
    """
    process = getattr(movement_model, "process", None)
    if process is not None and process.procedure_version_id is not None:
        return process.procedure_version_id
    organiser = movement_model.campaign.organising_unit
    return (version_in_force(organiser) or national_version_ensure()).pk


def pinned_spec(movement_model: MovementModel) -> ProcedureSpec:
    return spec_for_version_id(process_version_id(movement_model))


def rubric_of(spec: ProcedureSpec, collective_kind: str) -> tuple[RubricCriterion, ...]:
    return tuple(
        RubricCriterion(code=c.code, name=c.name, max_points=c.max_points, weight=c.weight)
        for c in spec.rubric.get(collective_kind, ())
    )


def tally_rule_of(spec: ProcedureSpec, *, collective_kind: str, version_id: int | None) -> TallyRule:
    evaluation = spec.evaluation
    return TallyRule(
        criteria=rubric_of(spec, collective_kind),
        # Two decimals, as the result stores and shows them ("70.00").
        pass_threshold=evaluation.pass_threshold.quantize(CENT),
        outstanding_threshold=evaluation.outstanding_threshold.quantize(CENT),
        aggregation=evaluation.aggregation,
        quorum=evaluation.quorum,
        procedure_version_id=version_id,
    )


def pinned_rubric(movement_model: MovementModel) -> tuple[RubricCriterion, ...]:
    """The criteria (with maximum points and weights) the model is scored on."""
    return rubric_of(pinned_spec(movement_model), movement_model.collective_kind)


def pinned_tally_rule(movement_model: MovementModel) -> TallyRule:
    version_id = process_version_id(movement_model)
    return tally_rule_of(
        spec_for_version_id(version_id), collective_kind=movement_model.collective_kind, version_id=version_id
    )


def pinned_evaluation_tally(movement_model: MovementModel) -> EvaluationResult:
    """The tally under the rule of the version the model's process is pinned to."""
    return evaluation_tally(movement_model=movement_model, rule=pinned_tally_rule(movement_model))
