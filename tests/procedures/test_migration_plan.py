"""The pure migration planner: what a move changes and what blocks it (no database)."""

from datetime import date

from procedures.migration import (
    ORPHAN_CANCEL,
    ORPHAN_KEEP,
    TASK_CANCEL,
    TASK_KEEP,
    TASK_REPLAN,
    OpenTaskFacts,
    ProcessFacts,
    migration_plan,
    route,
)
from tests.procedures.spec_support import approval, spec_build
from workflows.deadlines.calendar import WorkingCalendar

CALENDAR = WorkingCalendar()
MONDAY = date(2026, 3, 2)


def facts(*tasks, finished=False, version_id=1, allowed=True) -> ProcessFacts:
    return ProcessFacts(
        process_id=7, label="Hũ gạo", finished=finished, version_id=version_id, open_tasks=tasks, target_allowed=allowed
    )


def task(node, *, due=None, key="", earlier=0, task_id=11) -> OpenTaskFacts:
    return OpenTaskFacts(
        task_id=task_id, node=node, created_on=MONDAY, due_on=due, approval_key=key, earlier_working_days=earlier
    )


def plan(process, source, target, choices=None):
    return migration_plan(process, source, target, to_version_id=2, calendar=CALENDAR, orphan_choices=choices)


def test_the_route_lists_enabled_stages_and_approval_steps_in_order():
    spec = spec_build(disabled={"survey"}, approvals=[approval("mat-tran", after="check_dossier")])
    assert route(spec) == ("check_dossier", "approval:mat-tran", "evaluate", "recognise", "replicate")


def test_an_open_task_gets_the_due_date_of_the_target_sla_in_working_days():
    result = plan(facts(task("survey", due=date(2026, 3, 18))), spec_build(), spec_build(sla={"survey": 8}))
    (change,) = result.task_changes
    # 8 working days after Monday 2 March 2026: Thursday 12 March.
    assert (change.action, change.old_due_on, change.new_due_on, change.new_budget) == (
        TASK_REPLAN,
        date(2026, 3, 18),
        date(2026, 3, 12),
        8,
    )
    assert (result.blocked, result.position, result.stages_skipped, result.stages_added) == (False, "survey", (), ())


def test_the_paused_dossier_check_keeps_counting_the_days_earlier_checks_used():
    result = plan(facts(task("check_dossier", earlier=3)), spec_build(), spec_build(sla={"check_dossier": 5}))
    assert (result.task_changes[0].new_budget, result.task_changes[0].new_due_on) == (2, date(2026, 3, 4))


def test_stages_skipped_and_added_ahead_of_the_process():
    source = spec_build(approvals=[approval("phap-che", after="evaluate")])
    target = spec_build(disabled={"survey"}, approvals=[approval("mat-tran", after="check_dossier")])
    result = plan(facts(task("check_dossier")), source, target)
    assert (result.stages_skipped, result.stages_added) == (("survey", "approval:phap-che"), ("approval:mat-tran",))


def test_stages_behind_the_process_are_not_listed():
    target = spec_build(approvals=[approval("mat-tran", after="check_dossier")])
    result = plan(facts(task("evaluate")), spec_build(), target)
    assert (result.stages_skipped, result.stages_added) == ((), ())


def test_a_new_performer_is_shown():
    target = spec_build(performers={"survey": ("standing_body", "province")})
    (change,) = plan(facts(task("survey")), spec_build(), target).task_changes
    assert (change.old_performer, change.new_performer) == (("survey_team", "organiser"), ("standing_body", "province"))


def test_an_open_task_on_a_stage_the_target_switches_off_blocks_until_the_admin_chooses():
    target = spec_build(disabled={"survey"})
    blocked = plan(facts(task("survey")), spec_build(), target)
    assert blocked.blockers == (
        "Nhiệm vụ “survey” đang mở nhưng phiên bản đích bỏ bước này: hãy chọn hủy nhiệm vụ để chuyển sang "
        "bước tiếp theo, hoặc giữ đến khi xử lý xong.",
    )
    cancelled = plan(facts(task("survey")), spec_build(), target, {"survey": ORPHAN_CANCEL})
    assert (cancelled.blocked, cancelled.tasks_cancelled, cancelled.tasks_created) == (False, (11,), ("evaluate",))
    assert cancelled.task_changes[0].action == TASK_CANCEL
    kept = plan(facts(task("survey", due=date(2026, 3, 18))), spec_build(), target, {"survey": ORPHAN_KEEP})
    assert (kept.blocked, kept.task_changes[0].action, kept.task_changes[0].new_due_on) == (
        False,
        TASK_KEEP,
        date(2026, 3, 18),
    )


def test_an_open_approval_step_the_target_does_not_have_blocks():
    source = spec_build(approvals=[approval("mat-tran", after="check_dossier")])
    result = plan(facts(task("approval", key="mat-tran")), source, spec_build())
    assert result.blockers == ("Bước phê duyệt “mat-tran” đang mở nhưng phiên bản đích không có bước này.",)


def test_a_finished_process_a_process_already_there_and_a_foreign_version_are_blocked():
    assert plan(facts(finished=True), spec_build(), spec_build()).blockers == (
        "Hồ sơ đã kết thúc quy trình, không chuyển phiên bản được.",
    )
    assert plan(facts(task("survey"), version_id=2), spec_build(), spec_build()).blockers == (
        "Hồ sơ đang theo đúng phiên bản này.",
    )
    assert plan(facts(task("survey"), allowed=False), spec_build(), spec_build()).blockers == (
        "Phiên bản đích không thuộc quy trình của hồ sơ và cũng không phải quy trình đang áp dụng cho đơn vị.",
    )
