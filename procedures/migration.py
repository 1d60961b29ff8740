"""What moving a running process to another procedure version changes, and what blocks it.

Pure: the caller (workflows.procedure_migration) reads the process into `ProcessFacts`
and passes a working-day counter; nothing here touches the database, so the dry run
and the move itself compute the same plan.

The route of a version is its enabled standard stages in procedure order, each
followed by the approval steps that sit after it (`revise` is the loop back to the
unit, not a step of the route). A process stands at the stage of its open task(s);
what lies ahead of it is compared between the two versions.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.utils.translation import gettext as _

from .spec import STANDARD_STAGES, ProcedureSpec

# What happens to an open task whose stage the target version switches off.
ORPHAN_CANCEL = "cancel"  # cancel it and move on to the next enabled stage
ORPHAN_KEEP = "keep"  # keep it until it is done; the process then follows the target
ORPHAN_CHOICES = (ORPHAN_CANCEL, ORPHAN_KEEP)

# Task actions in a plan.
TASK_REPLAN = "replan"
TASK_KEEP = "keep"
TASK_CANCEL = "cancel"

LOOP_STAGES = ("revise",)  # the unit's revision returns to the dossier check: it has no place on the route


class WorkingDays(Protocol):
    def add_working_days(self, start: date, count: int) -> date: ...


@dataclass(frozen=True)
class OpenTaskFacts:
    task_id: int
    node: str  # the flow node name (a standard stage)
    created_on: date  # local date the task was created
    due_on: date | None
    approval_key: str = ""  # set when the task is an additional approval step
    earlier_working_days: int = 0  # spent on earlier tasks of the same stage (the clock-paused budget)


@dataclass(frozen=True)
class ProcessFacts:
    process_id: int
    label: str  # what the admin reads: the model's name
    finished: bool
    version_id: int
    open_tasks: tuple[OpenTaskFacts, ...] = ()
    target_allowed: bool = True  # the target is a version of the process's definition or the one in force


@dataclass(frozen=True)
class TaskChange:
    task_id: int
    node: str
    action: str  # TASK_REPLAN, TASK_KEEP or TASK_CANCEL
    old_due_on: date | None
    new_due_on: date | None
    new_budget: int | None
    old_performer: tuple[str, str] | None  # (role, unit) of the stage in the current version
    new_performer: tuple[str, str] | None  # set only when the target changes it

    @property
    def performer_changed(self) -> bool:
        return self.new_performer is not None


@dataclass(frozen=True)
class Plan:
    process_id: int
    label: str
    from_version_id: int
    to_version_id: int
    position: str  # the stage the process stands at ("" when it has no open task)
    stages_skipped: tuple[str, ...] = ()  # ahead of the process, on the route now, not in the target
    stages_added: tuple[str, ...] = ()  # ahead of the process, in the target only
    task_changes: tuple[TaskChange, ...] = ()
    tasks_created: tuple[str, ...] = ()  # stages whose tasks the move starts (after a cancelled orphan)
    blockers: tuple[str, ...] = field(default=())

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)

    @property
    def tasks_cancelled(self) -> tuple[int, ...]:
        return tuple(change.task_id for change in self.task_changes if change.action == TASK_CANCEL)


def route(spec: ProcedureSpec) -> tuple[str, ...]:
    """The version's steps in order: enabled standard stages, approval steps as "approval:<key>"."""
    steps = []
    for stage in STANDARD_STAGES:
        if stage in LOOP_STAGES:
            continue
        if spec.is_enabled(stage):
            steps.append(stage)
        steps.extend(f"approval:{step.key}" for step in spec.approval_steps_after(stage))
    return tuple(steps)


def _position(facts: ProcessFacts) -> str:
    """The step the process stands at: its furthest open task (the loop back counts as the dossier check)."""
    steps = []
    for task in facts.open_tasks:
        if task.approval_key:
            steps.append(f"approval:{task.approval_key}")
        else:
            steps.append("check_dossier" if task.node in LOOP_STAGES else task.node)
    return steps[-1] if steps else ""


def _ahead(steps: tuple[str, ...], position: str, anchor_of: dict[str, str]) -> tuple[str, ...]:
    """The steps of a route after `position` (a step this route may not have)."""
    if not position:
        return ()
    here = _order_key(position, anchor_of)
    return tuple(step for step in steps if _order_key(step, anchor_of) > here)


def _order_key(step: str, anchor_of: dict[str, str]) -> tuple[int, int]:
    """Backbone order; an approval step sits just after its anchor stage."""
    if step.startswith("approval:"):
        return (STANDARD_STAGES.index(anchor_of.get(step, STANDARD_STAGES[-1])), 1)
    return (STANDARD_STAGES.index(step), 0)


def _stage_performer(spec: ProcedureSpec, node: str, approval_key: str) -> tuple[str, str] | None:
    if approval_key:
        step = spec.approval_step(approval_key)
        return (step.performer_role, step.performer_unit) if step else None
    stage = spec.stage(node)
    return (stage.performer_role, stage.performer_unit) if stage else None


def _stage_sla(spec: ProcedureSpec, node: str, approval_key: str) -> int | None:
    if approval_key:
        step = spec.approval_step(approval_key)
        return step.sla_working_days if step else None
    stage = spec.stage(node)
    return stage.sla_working_days if stage else None


def task_budget(spec: ProcedureSpec, task: OpenTaskFacts) -> int | None:
    """The working days the task gets under `spec`: the stage's SLA, less what earlier checks used when paused."""
    sla = _stage_sla(spec, task.node, task.approval_key)
    if sla is None:
        return None
    stage = spec.stage(task.node)
    if not task.approval_key and stage is not None and stage.clock_paused:
        return max(sla - task.earlier_working_days, 0)
    return sla


def next_enabled_stage(spec: ProcedureSpec, node: str) -> str:
    """The first step of `spec`'s route after the backbone stage `node` ("" at the end)."""
    anchors = _anchors(spec)
    here = _order_key(node, anchors)
    return next((step for step in route(spec) if _order_key(step, anchors) > here), "")


def _anchors(*specs: ProcedureSpec) -> dict[str, str]:
    return {f"approval:{step.key}": step.after for spec in specs for step in spec.approval_steps}


def migration_plan(
    facts: ProcessFacts,
    from_spec: ProcedureSpec,
    to_spec: ProcedureSpec,
    *,
    to_version_id: int,
    calendar: WorkingDays,
    orphan_choices: dict[str, str] | None = None,
) -> Plan:
    """The plan of moving one process from `from_spec` to `to_spec` (blocked when `blockers` is not empty).

    `orphan_choices` maps a stage the target switches off to ORPHAN_CANCEL or ORPHAN_KEEP;
    an open task on such a stage without a choice blocks the move. New due dates count
    the target's budget from the day the task was created, on the working-day calendar.
    """
    orphan_choices = orphan_choices or {}
    blockers = []
    if facts.finished:
        blockers.append(_("Hồ sơ đã kết thúc quy trình, không chuyển phiên bản được."))
    if facts.version_id == to_version_id:
        blockers.append(_("Hồ sơ đang theo đúng phiên bản này."))
    if not facts.target_allowed:
        blockers.append(
            _("Phiên bản đích không thuộc quy trình của hồ sơ và cũng không phải quy trình đang áp dụng cho đơn vị.")
        )
    anchors = _anchors(from_spec, to_spec)
    position = "" if facts.finished else _position(facts)
    ahead_from = _ahead(route(from_spec), position, anchors)
    ahead_to = _ahead(route(to_spec), position, anchors)
    changes = []
    created = []
    for task in () if facts.finished else facts.open_tasks:
        change, problem, starts = _task_change(task, from_spec, to_spec, calendar, orphan_choices)
        changes.append(change)
        created.extend(starts)
        if problem:
            blockers.append(problem)
    return Plan(
        process_id=facts.process_id,
        label=facts.label,
        from_version_id=facts.version_id,
        to_version_id=to_version_id,
        position=position,
        stages_skipped=tuple(step for step in ahead_from if step not in ahead_to),
        stages_added=tuple(step for step in ahead_to if step not in ahead_from),
        task_changes=tuple(changes),
        tasks_created=tuple(dict.fromkeys(created)),
        blockers=tuple(blockers),
    )


def _task_change(task, from_spec, to_spec, calendar, orphan_choices) -> tuple[TaskChange, str, list[str]]:
    old_performer = _stage_performer(from_spec, task.node, task.approval_key)
    new_performer = _stage_performer(to_spec, task.node, task.approval_key)
    changed_performer = new_performer if new_performer != old_performer else None
    keep = TaskChange(task.task_id, task.node, TASK_KEEP, task.due_on, task.due_on, None, old_performer, None)
    if task.approval_key and to_spec.approval_step(task.approval_key) is None:
        problem = _("Bước phê duyệt “%(key)s” đang mở nhưng phiên bản đích không có bước này.") % {
            "key": task.approval_key
        }
        return keep, problem, []
    orphaned = not task.approval_key and task.node not in LOOP_STAGES and not to_spec.is_enabled(task.node)
    if orphaned:
        choice = orphan_choices.get(task.node)
        if choice == ORPHAN_KEEP:
            return keep, "", []
        if choice == ORPHAN_CANCEL:
            following = next_enabled_stage(to_spec, task.node)
            cancel = TaskChange(task.task_id, task.node, TASK_CANCEL, task.due_on, None, None, old_performer, None)
            return cancel, "", [following] if following else []
        problem = _(
            "Nhiệm vụ “%(stage)s” đang mở nhưng phiên bản đích bỏ bước này: hãy chọn hủy nhiệm vụ để chuyển sang "
            "bước tiếp theo, hoặc giữ đến khi xử lý xong."
        ) % {"stage": task.node}
        return keep, problem, []
    budget = task_budget(to_spec, task)
    if budget is None:
        return keep, "", []
    new_due = calendar.add_working_days(task.created_on, budget)
    change = TaskChange(
        task.task_id, task.node, TASK_REPLAN, task.due_on, new_due, budget, old_performer, changed_performer
    )
    return change, "", []
