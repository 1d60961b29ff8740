"""Simulation on a constructed year: five processes with known stage durations, exact figures."""

from datetime import date
from decimal import Decimal

from procedures.simulation import TaskRecord, median, p90, simulation_compare
from tests.procedures.spec_support import approval, spec_build

MONTH = {1: 3, 2: 3, 3: 4, 4: 4, 5: 4}  # the month each process was checked, surveyed and scored (2025)

# process → (check, survey, council seats, recognise) in working days
DURATIONS = {
    1: (3, 10, (5, 7), 2),
    2: (6, 14, (4,), 5),
    3: (7, 12, (9,), 1),
    4: (2, 8, (3,), 3),
    5: (4, 20, (6,), 6),
}


def record(process_id, node, days, month, day) -> TaskRecord:
    return TaskRecord(
        process_id=process_id,
        node=node,
        created_on=date(2025, month, day),
        finished_on=date(2025, month, day + 1),
        working_days=days,
    )


def records() -> list[TaskRecord]:
    rows = []
    for pid, (check, survey, seats, recognise) in DURATIONS.items():
        month = MONTH[pid]
        rows.append(record(pid, "check_dossier", check, month, 2))
        rows.append(record(pid, "survey", survey, month, 5))
        rows.extend(record(pid, "evaluate", seat, month, 10) for seat in seats)
        rows.append(record(pid, "recognise", recognise, 5, 4))
    return rows


PUBLISHED = spec_build()
DRAFT = spec_build(disabled={"survey"}, approvals=[approval("phap-che", after="evaluate", sla=4)])


def figures(result) -> dict:
    return {
        row.step: (row.enabled, row.processes, row.median, row.p90, row.escalated)
        for row in result.stages
        if row.processes or row.step.startswith("approval:") or row.step == "survey"
    }


def test_median_is_the_middle_value_and_p90_the_nearest_rank():
    assert (median([3, 1, 2]), median([4, 1, 3, 2]), median([])) == (Decimal(2), Decimal("2.5"), None)
    assert (p90([5, 1, 4, 2, 3]), p90(list(range(1, 11))), p90(list(range(1, 12))), p90([])) == (5, 9, 10, None)


def test_the_published_version_replays_the_real_durations():
    result = simulation_compare(records(), PUBLISHED, DRAFT).published
    assert figures(result) == {
        "check_dossier": (True, 5, Decimal(4), 7, 1),  # 7 > 5 + 1
        "survey": (True, 5, Decimal(12), 20, 2),  # 14 and 20 > 12 + 1
        "evaluate": (True, 5, Decimal(6), 9, 1),  # the longest seat; 9 > 7 + 1
        "approval:phap-che": (False, 0, None, None, 0),
        "recognise": (True, 5, Decimal(3), 6, 0),
    }
    # End to end: 22, 29, 29, 16, 36.
    assert (result.end_to_end_median, result.end_to_end_p90, result.escalated, result.processes) == (
        Decimal(29),
        36,
        4,
        5,
    )
    assert result.workload == {
        ("standing_body", "2025-03"): 2,
        ("standing_body", "2025-04"): 3,
        ("survey_team", "2025-03"): 2,
        ("survey_team", "2025-04"): 3,
        ("council_member", "2025-03"): 3,
        ("council_member", "2025-04"): 3,
        ("chair", "2025-05"): 5,
    }


def test_the_draft_skips_the_survey_and_adds_the_legal_review_at_its_sla():
    result = simulation_compare(records(), PUBLISHED, DRAFT).draft
    assert figures(result) == {
        "check_dossier": (True, 5, Decimal(4), 7, 1),
        "survey": (False, 0, None, None, 0),  # switched off: 0 days, no task, no escalation
        "evaluate": (True, 5, Decimal(6), 9, 1),
        "approval:phap-che": (True, 5, Decimal(4), 4, 0),
        "recognise": (True, 5, Decimal(3), 6, 0),
    }
    # End to end: 16, 19, 21, 12, 20.
    assert (result.end_to_end_median, result.end_to_end_p90, result.escalated) == (Decimal(19), 21, 2)
    # The legal review is the standing body's, counted the month the council finished.
    assert result.workload == {
        ("standing_body", "2025-03"): 4,
        ("standing_body", "2025-04"): 6,
        ("council_member", "2025-03"): 3,
        ("council_member", "2025-04"): 3,
        ("chair", "2025-05"): 5,
    }


def test_an_assumed_duration_replaces_the_sla_of_an_added_step():
    result = simulation_compare(records(), PUBLISHED, DRAFT, assumptions={"approval:phap-che": 2}).draft
    assert (result.end_to_end_median, result.end_to_end_p90) == (Decimal(17), 19)


def test_a_tighter_sla_escalates_more_tasks():
    tighter = spec_build(sla={"survey": 9})
    result = simulation_compare(records(), PUBLISHED, tighter).draft
    assert (
        next(row.escalated for row in result.stages if row.step == "survey") == 3
    )  # 14, 12 and 20 > 9 + 1 (10 is not)
