"""Replay last year's processes under a version: cycle times, workload, escalations.

Pure: the facts (each finished task's stage, performer role, creation and finish days,
and its duration in working days) are read by workflows.procedure_simulation; the
same replay runs for the published version and the draft so both are shown side by side.

Rules of the replay, per process and per step of the version's route (`route` of
procedures.migration, plus the dossier's revision loop):
- an enabled stage the process went through takes its real duration: the sum of its
  tasks' durations, except the council's scoring whose seats run in parallel (the
  longest seat);
- a stage the version switches off takes 0 working days and creates no task;
- a step the process never went through although it reached a later stage (an added
  approval step, or a stage that was off when it ran) takes the step's SLA, or the
  assumption given for it, and is counted as one task of its performer, created the
  month the previous step finished;
- a task is escalated when its duration exceeds the stage's SLA plus the first
  escalation level's delay (a step without an escalation chain never escalates; an
  assumed step lasts its SLA and never escalates).

Median: the middle value (mean of the two middle ones); p90: nearest rank
(the ⌈0.9·n⌉-th smallest value).
"""

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .migration import route
from .spec import STANDARD_STAGES, ProcedureSpec

PARALLEL_STAGES = frozenset({"evaluate"})  # one task per council seat, at the same time
REVISION_STAGE = "revise"


@dataclass(frozen=True)
class TaskRecord:
    process_id: int
    node: str
    created_on: date
    finished_on: date
    working_days: int  # created → finished on the working-day calendar
    approval_key: str = ""


@dataclass(frozen=True)
class StageFigures:
    step: str
    enabled: bool
    processes: int  # processes that went through the step under this version
    median: Decimal | None
    p90: int | None
    escalated: int


@dataclass(frozen=True)
class SimulationResult:
    stages: tuple[StageFigures, ...]
    end_to_end_median: Decimal | None
    end_to_end_p90: int | None
    workload: dict[tuple[str, str], int]  # (performer role, "YYYY-MM") → tasks
    escalated: int
    processes: int

    def workload_months(self) -> list[str]:
        return sorted({month for _role, month in self.workload})

    def workload_roles(self) -> list[str]:
        return sorted({role for role, _month in self.workload})


@dataclass(frozen=True)
class Comparison:
    published: SimulationResult
    draft: SimulationResult
    assumptions: dict[str, int] = field(default_factory=dict)


def median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values)))


def p90(values: list[int]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _steps(spec: ProcedureSpec) -> tuple[str, ...]:
    """The route with the revision loop after the dossier check (when the version runs it)."""
    steps = list(route(spec))
    if spec.is_enabled(REVISION_STAGE) and "check_dossier" in steps:
        steps.insert(steps.index("check_dossier") + 1, REVISION_STAGE)
    return tuple(steps)


def _all_steps(*specs: ProcedureSpec) -> tuple[str, ...]:
    """Every backbone stage and every approval step of the versions, in procedure order."""
    steps = []
    for stage in STANDARD_STAGES:
        steps.append(stage)
        for spec in specs:
            steps.extend(
                f"approval:{step.key}"
                for step in spec.approval_steps_after(stage)
                if f"approval:{step.key}" not in steps
            )
    return tuple(steps)


def _step_of(record: TaskRecord) -> str:
    return f"approval:{record.approval_key}" if record.approval_key else record.node


def _sla(spec: ProcedureSpec, step: str) -> int | None:
    if step.startswith("approval:"):
        approval = spec.approval_step(step.removeprefix("approval:"))
        return approval.sla_working_days if approval else None
    stage = spec.stage(step)
    return stage.sla_working_days if stage else None


def _role(spec: ProcedureSpec, step: str) -> str:
    if step.startswith("approval:"):
        approval = spec.approval_step(step.removeprefix("approval:"))
        return approval.performer_role if approval else ""
    stage = spec.stage(step)
    return stage.performer_role if stage else ""


def _escalation_limit(spec: ProcedureSpec, step: str) -> int | None:
    """Working days after which a task of the step is escalated (None: the step never escalates)."""
    if step.startswith("approval:"):
        return None
    stage = spec.stage(step)
    if stage is None or not stage.escalation:
        return None
    return stage.sla_working_days + stage.escalation[0].after_working_days


def simulate(
    records: list[TaskRecord], spec: ProcedureSpec, *, assumptions: dict[str, int] | None = None
) -> SimulationResult:
    """Replay the processes of `records` under `spec` (see the module's rules)."""
    assumptions = assumptions or {}
    by_process: dict[int, dict[str, list[TaskRecord]]] = {}
    for record in records:
        by_process.setdefault(record.process_id, {}).setdefault(_step_of(record), []).append(record)
    enabled = _steps(spec)
    order = _all_steps(spec)
    per_step: dict[str, list[int]] = {step: [] for step in order}
    escalated: Counter = Counter()
    workload: Counter = Counter()
    totals = []
    for steps_done in by_process.values():
        total = 0
        last_finished: date | None = None
        furthest = max((order.index(step) for step in steps_done if step in order), default=-1)
        for step in order:
            done = sorted(steps_done.get(step, []), key=lambda record: record.created_on)
            if step not in enabled:
                if done:
                    last_finished = max(record.finished_on for record in done)
                continue
            if done:
                durations = [record.working_days for record in done]
                days = max(durations) if step in PARALLEL_STAGES else sum(durations)
                limit = _escalation_limit(spec, step)
                escalated[step] += sum(1 for value in durations if limit is not None and value > limit)
                for record in done:
                    workload[(_role(spec, step), record.created_on.strftime("%Y-%m"))] += 1
                last_finished = max(record.finished_on for record in done)
            elif order.index(step) < furthest and step != REVISION_STAGE:
                days = assumptions.get(step, _sla(spec, step) or 0)
                if last_finished is not None:
                    workload[(_role(spec, step), last_finished.strftime("%Y-%m"))] += 1
            else:
                continue
            per_step[step].append(days)
            total += days
        totals.append(total)
    stages = tuple(
        StageFigures(
            step=step,
            enabled=step in enabled,
            processes=len(per_step[step]),
            median=median(per_step[step]),
            p90=p90(per_step[step]),
            escalated=escalated[step],
        )
        for step in order
    )
    return SimulationResult(
        stages=stages,
        end_to_end_median=median(totals),
        end_to_end_p90=p90(totals),
        workload=dict(workload),
        escalated=sum(escalated.values()),
        processes=len(totals),
    )


def simulation_compare(
    records: list[TaskRecord],
    published: ProcedureSpec,
    draft: ProcedureSpec,
    *,
    assumptions: dict[str, int] | None = None,
) -> Comparison:
    """The published version and the draft replayed on the same processes, stage rows aligned."""
    assumptions = assumptions or {}
    published_result = simulate(records, published, assumptions=assumptions)
    draft_result = simulate(records, draft, assumptions=assumptions)
    return Comparison(
        published=_aligned(published_result, draft, published),
        draft=_aligned(draft_result, published, draft),
        assumptions=assumptions,
    )


def _aligned(result: SimulationResult, other: ProcedureSpec, own: ProcedureSpec) -> SimulationResult:
    """Add the other version's approval steps (as switched off) so both tables have the same rows."""
    order = _all_steps(own, other)
    rows = {figures.step: figures for figures in result.stages}
    stages = tuple(rows.get(step) or StageFigures(step, False, 0, None, None, 0) for step in order)
    return SimulationResult(
        stages=stages,
        end_to_end_median=result.end_to_end_median,
        end_to_end_p90=result.end_to_end_p90,
        workload=result.workload,
        escalated=result.escalated,
        processes=result.processes,
    )
