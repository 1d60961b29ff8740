"""The simulation's facts read from real processes: durations in working days, scoped by unit."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from procedures.services import draft_create, draft_update
from recognition.roles import Role
from tests.factories import user_with_role
from tests.recognition.audit_support import check, evaluate, recognise, register, replicate_and_close, survey
from tests.workflows.api_support import api_for
from tests.workflows.migration_support import at
from workflows.deadlines.calendar import working_calendar
from workflows.procedure_simulation import simulation_records, simulation_run

pytestmark = pytest.mark.django_db
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def lifecycle(world, dossier, name, days, number):
    """Register on Monday 2 March 2026, then finish each stage on the given March day."""
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        model = register(world, dossier, name=name)
    steps = [
        lambda: check(world, model, accept=True),
        lambda: survey(world, model),
        lambda: evaluate(world, model, 16),
        lambda: recognise(world, model, number=number),
        lambda: replicate_and_close(world, model),
    ]
    for day, step in zip(days, steps, strict=True):
        with time_machine.travel(at(2026, 3, day, 15, 0), tick=False):
            step()
    return model


@pytest.fixture
def history(world, dossier):
    first = lifecycle(world, dossier, "Mô hình A", (4, 9, 11, 13, 16), "7-QĐ/BCĐ")
    second = lifecycle(world, dossier, "Mô hình B", (3, 17, 18, 19, 20), "8-QĐ/BCĐ")
    return first, second


def designer(user):
    user.user_permissions.add(Permission.objects.get(codename="design_procedure"))
    return type(user).objects.get(pk=user.pk)


def test_the_records_hold_each_task_in_working_days(history):
    first, second = history
    records = simulation_records(scope_path="", period=MARCH, calendar=working_calendar())
    by_process = {
        pid: [(record.node, record.working_days) for record in records if record.process_id == pid]
        for pid in (first.process.pk, second.process.pk)
    }
    assert by_process[first.process.pk] == [
        ("check_dossier", 2),
        ("survey", 3),
        ("evaluate", 2),
        ("evaluate", 2),
        ("evaluate", 2),
        ("recognise", 2),
        ("replicate", 1),
    ]
    assert by_process[second.process.pk] == [
        ("check_dossier", 1),
        ("survey", 10),
        ("evaluate", 1),
        ("evaluate", 1),
        ("evaluate", 1),
        ("recognise", 1),
        ("replicate", 1),
    ]
    assert (
        simulation_records(scope_path="", period=(date(2026, 4, 1), date(2026, 4, 30)), calendar=working_calendar())
        == []
    )


def test_the_draft_without_survey_against_the_published_version(world, history):
    national = history[0].process.procedure_version
    draft = draft_create(definition=national.definition, author=world.admin)
    draft_update(
        version=draft,
        spec_data={
            **draft.spec,
            "stages": {**draft.spec["stages"], "survey": {**draft.spec["stages"]["survey"], "enabled": False}},
        },
        author=world.admin,
    )
    published, comparison = simulation_run(user=designer(world.admin), draft=draft, period=MARCH)
    assert published == national
    # End to end: A 2+3+2+2+1 = 10, B 1+10+1+1+1 = 14; without the survey 7 and 4.
    assert (comparison.published.end_to_end_median, comparison.published.end_to_end_p90) == (12, 14)
    assert (comparison.draft.end_to_end_median, comparison.draft.end_to_end_p90) == (Decimal("5.5"), 7)
    assert comparison.published.workload == {
        ("standing_body", "2026-03"): 4,
        ("survey_team", "2026-03"): 2,
        ("council_member", "2026-03"): 6,
        ("chair", "2026-03"): 2,
    }
    assert ("survey_team", "2026-03") not in comparison.draft.workload


def test_only_designers_simulate_and_only_their_subtree(world, history):
    national = history[0].process.procedure_version
    draft = draft_create(definition=national.definition, author=world.admin)
    with pytest.raises(PermissionDenied, match="không có quyền thiết kế quy trình"):
        simulation_run(user=world.standing_body, draft=draft, period=MARCH)
    elsewhere = designer(user_with_role(role=Role.ADMIN, unit=world.other_commune, username="quantri_xa"))
    _published, comparison = simulation_run(user=elsewhere, draft=draft, period=MARCH)
    assert (comparison.published.processes, comparison.draft.processes) == (0, 0)


def survey_skipped_draft(world, national):
    draft = draft_create(definition=national.definition, author=world.admin)
    stages = {**draft.spec["stages"], "survey": {**draft.spec["stages"]["survey"], "enabled": False}}
    return draft_update(version=draft, spec_data={**draft.spec, "stages": stages}, author=world.admin)


def test_the_api_returns_both_versions_side_by_side(world, history):
    draft = survey_skipped_draft(world, history[0].process.procedure_version)
    response = api_for(designer(world.admin)).get(
        "/api/v1/procedures/simulation/", {"draft": draft.pk, "start": "2026-03-01", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["results"]["published"]["end_to_end"], body["results"]["draft"]["end_to_end"]) == (
        {"median": 12.0, "p90": 14},
        {"median": 5.5, "p90": 7},
    )
    survey_rows = [
        (side, row["enabled"], row["processes"], row["median"], row["p90"], row["escalated"])
        for side in ("published", "draft")
        for row in body["results"][side]["stages"]
        if row["step"] == "survey"
    ]
    # Survey durations 3 and 10 working days.
    assert survey_rows == [("published", True, 2, 6.5, 10, 0), ("draft", False, 0, None, None, 0)]


def test_the_api_refuses_without_the_design_permission(world, history):
    draft = survey_skipped_draft(world, history[0].process.procedure_version)
    response = api_for(world.standing_body).get("/api/v1/procedures/simulation/", {"draft": draft.pk})
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Bạn không có quyền thiết kế quy trình nên không chạy mô phỏng được.",
    )


def test_the_page_shows_the_tables(client, world, history):
    draft = survey_skipped_draft(world, history[0].process.procedure_version)
    client.force_login(designer(world.admin))
    response = client.get("/procedures/simulate/", {"draft": draft.pk, "start": "01/03/2026", "end": "31/03/2026"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "2 hồ sơ bắt đầu từ 01/03/2026 đến 31/03/2026." in content
    assert "Không áp dụng" in content  # the draft's survey
    assert client.get("/procedures/simulate/").status_code == 200
