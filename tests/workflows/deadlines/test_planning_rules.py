"""A task's working-day budget, its due date and its reminder and escalation slots."""

from datetime import date, datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from procedures.spec import ApprovalStepSpec, EscalationLevel, EvaluationSpec, ProcedureSpec, StageSpec
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.planning import deadline_slots_cancel, deadline_slots_plan, task_due_date_plan
from workflows.deadlines.policy import StageDeadlines, stage_deadlines
from workflows.flows import RecognitionFlow
from workflows.models import DeadlineSlot, RecognitionProcess, RecognitionTask

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LAW = WorkingCalendar()
RULES = StageDeadlines(
    sla_working_days=3,
    reminder_offsets=(-2, 0),
    escalation=(EscalationLevel(1, "standing_body"), EscalationLevel(3, "standing_body")),
    clock_paused=False,
)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HCM)


def plan(*, due_on: date, now: datetime, rules=RULES, notify_at=time(8)) -> list[tuple]:
    slots = deadline_slots_plan(task_id=7, due_on=due_on, now=now, calendar=LAW, rules=rules, notify_at=notify_at)
    assert {(slot.task_id, slot.state) for slot in slots} <= {(7, "pending")}
    assert all(slot.next_attempt_at == slot.fire_at for slot in slots)
    return [(slot.kind, slot.rule, slot.fire_at) for slot in slots]


def test_reminders_before_and_on_the_due_day_then_escalation_levels_after_it():
    # Due Wednesday 11/3/2026: two working days before is Monday 9/3; level 1 one working day
    # after (Thursday 12/3), level 2 three more (Tuesday 17/3).
    assert plan(due_on=date(2026, 3, 11), now=at(2026, 3, 2, 10)) == [
        ("reminder", "reminder.d-2", at(2026, 3, 9, 8)),
        ("reminder", "reminder.d0", at(2026, 3, 11, 8)),
        ("escalation", "escalation.level-1", at(2026, 3, 12, 8)),
        ("escalation", "escalation.level-2", at(2026, 3, 17, 8)),
    ]


def test_an_early_reminder_on_or_before_the_creation_day_is_not_planned():
    due = date(2026, 3, 11)
    assert [rule for _, rule, _ in plan(due_on=due, now=at(2026, 3, 6, 23))] == [
        "reminder.d-2",
        "reminder.d0",
        "escalation.level-1",
        "escalation.level-2",
    ]
    assert [rule for _, rule, _ in plan(due_on=due, now=at(2026, 3, 9, 0, 30))] == [
        "reminder.d0",
        "escalation.level-1",
        "escalation.level-2",
    ]
    # the due-day reminder of a task due today stays
    assert [rule for _, rule, _ in plan(due_on=due, now=at(2026, 3, 11, 7))][0] == "reminder.d0"


def test_slots_fire_at_the_configured_hour_on_working_days():
    rules = StageDeadlines(**{**RULES.__dict__, "escalation": (EscalationLevel(2, "standing_body"),)})
    # due Friday 6/3: the level-1 escalation two working days later is Tuesday 10/3
    assert plan(due_on=date(2026, 3, 6), now=at(2026, 3, 2, 9), rules=rules, notify_at=time(14))[-1] == (
        "escalation",
        "escalation.level-1",
        at(2026, 3, 10, 14),
    )


def stage_task(name: str, **extra):
    """A task of a process with no pinned version: the settings' defaults apply (as the first version's)."""
    unpinned = SimpleNamespace(procedure_version_id=None)
    return SimpleNamespace(flow_task=SimpleNamespace(name=name), pk=None, process=unpinned, **extra)


@pytest.mark.django_db
def test_a_task_gets_its_stages_budget_counted_from_its_creation_day(settings):
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {"survey": 3}
    task = stage_task("survey")
    result = task_due_date_plan(task=task, now=at(2026, 3, 6, 23, 30))  # Friday evening in Hồ Chí Minh City
    assert (task.due_on, task.sla_working_days) == (date(2026, 3, 11), 3)
    assert (result.due_on, result.budget, result.calendar) == (date(2026, 3, 11), 3, LAW)
    assert result.rules.sla_working_days == 3


@pytest.mark.django_db
def test_a_stage_without_a_period_has_no_due_date(settings):
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {"survey": 3}
    task = stage_task("replicate")
    assert task_due_date_plan(task=task, now=at(2026, 3, 6, 9)) is None
    assert not hasattr(task, "due_on")


def _finished_task(process, node, created: datetime, finished: datetime | None):
    return RecognitionTask.objects.create(
        process=process, flow_task=node, flow_task_type="HUMAN", created=created, finished=finished
    )


@pytest.mark.django_db
def test_a_paused_stage_resumes_with_what_its_earlier_tasks_left(settings):
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {"check_dossier": 5}
    settings.KHEO_DEADLINE_CLOCK_PAUSED_STAGES = ["check_dossier"]
    process = RecognitionProcess.objects.create(flow_class=RecognitionFlow)
    other_process = RecognitionProcess.objects.create(flow_class=RecognitionFlow)
    check = RecognitionFlow.check_dossier
    _finished_task(process, check, at(2026, 3, 2, 9), at(2026, 3, 4, 16))  # 2 working days (3, 4)
    _finished_task(process, check, at(2026, 3, 6, 9), at(2026, 3, 9, 10))  # 1 more (9)
    _finished_task(process, check, at(2026, 3, 9, 11), None)  # still open: not counted
    _finished_task(process, RecognitionFlow.revise, at(2026, 3, 2, 9), at(2026, 3, 6, 9))  # another stage
    _finished_task(other_process, check, at(2026, 3, 2, 9), at(2026, 3, 6, 9))  # another process
    task = SimpleNamespace(flow_task=check, process_id=process.pk, process=process, pk=None)
    result = task_due_date_plan(task=task, now=at(2026, 3, 10, 9))
    assert (task.sla_working_days, task.due_on, result.budget) == (2, date(2026, 3, 12), 2)


@pytest.mark.django_db
def test_a_spent_budget_is_due_the_same_day_not_earlier(settings):
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {"check_dossier": 1}
    process = RecognitionProcess.objects.create(flow_class=RecognitionFlow)
    check = RecognitionFlow.check_dossier
    _finished_task(process, check, at(2026, 3, 2, 9), at(2026, 3, 6, 9))  # 4 working days used
    task = SimpleNamespace(flow_task=check, process_id=process.pk, process=process, pk=None)
    task_due_date_plan(task=task, now=at(2026, 3, 7, 9))  # a Saturday: due the next working day
    assert (task.sla_working_days, task.due_on) == (0, date(2026, 3, 9))


@pytest.mark.django_db
def test_an_unpaused_stage_gets_its_full_period_again(settings):
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {"check_dossier": 5}
    settings.KHEO_DEADLINE_CLOCK_PAUSED_STAGES = []
    process = RecognitionProcess.objects.create(flow_class=RecognitionFlow)
    _finished_task(process, RecognitionFlow.check_dossier, at(2026, 3, 2, 9), at(2026, 3, 6, 9))
    task = SimpleNamespace(flow_task=RecognitionFlow.check_dossier, process_id=process.pk, process=process, pk=None)
    task_due_date_plan(task=task, now=at(2026, 3, 9, 9))
    assert task.sla_working_days == 5


@pytest.mark.django_db
def test_finishing_a_task_cancels_only_its_pending_slots():
    process = RecognitionProcess.objects.create(flow_class=RecognitionFlow)
    task = _finished_task(process, RecognitionFlow.survey, at(2026, 3, 2, 9), None)
    other = _finished_task(process, RecognitionFlow.survey, at(2026, 3, 2, 9), None)
    moment = at(2026, 3, 9, 8)
    for rule, state in [("a", "pending"), ("b", "pending"), ("c", "fired"), ("d", "failed")]:
        DeadlineSlot.objects.create(
            task=task, kind="reminder", rule=rule, fire_at=moment, next_attempt_at=moment, state=state
        )
    DeadlineSlot.objects.create(task=other, kind="reminder", rule="a", fire_at=moment, next_attempt_at=moment)
    assert deadline_slots_cancel(task_id=task.pk) == 2
    assert list(DeadlineSlot.objects.order_by("task_id", "rule").values_list("task_id", "rule", "state")) == [
        (task.pk, "a", "cancelled"),
        (task.pk, "b", "cancelled"),
        (task.pk, "c", "fired"),
        (task.pk, "d", "failed"),
        (other.pk, "a", "pending"),
    ]


def _spec(**stage_changes):
    survey = StageSpec(
        enabled=True,
        performer_role="survey_team",
        performer_unit="organiser",
        sla_working_days=12,
        reminder_offsets=(0, -3, -3),
        escalation=(EscalationLevel(2, "chair", reassign=True),),
        clock_paused=True,
        **stage_changes,
    )
    return ProcedureSpec(
        stages={"survey": survey},
        rubric={},
        evaluation=EvaluationSpec(pass_threshold=70, outstanding_threshold=90, aggregation="mean"),
        approval_steps=(
            ApprovalStepSpec(
                key="mat-tran",
                title="Thẩm định của Mặt trận",
                after="survey",
                performer_role="standing_body",
                performer_unit="organiser",
                sla_working_days=3,
            ),
        ),
    )


def test_a_stages_deadlines_come_from_its_spec():
    assert stage_deadlines(_spec(), "survey") == StageDeadlines(
        sla_working_days=12,
        reminder_offsets=(-3, 0),  # sorted, once each
        escalation=(EscalationLevel(2, "chair", reassign=True),),
        clock_paused=True,
    )
    assert stage_deadlines(_spec(), "replicate") is None  # not in this version: no due date


def test_an_approval_step_has_its_own_period_and_the_reminders_and_escalation_of_the_stage_it_follows():
    assert stage_deadlines(_spec(), "mat-tran") == StageDeadlines(
        sla_working_days=3,
        reminder_offsets=(-3, 0),
        escalation=(EscalationLevel(2, "chair", reassign=True),),
        clock_paused=False,
    )
