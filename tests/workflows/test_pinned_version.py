"""A process started under v1 follows v1 after v2 is published: rubric, tally rule, deadlines, explanation."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from procedures.services import draft_create, draft_update, version_publish
from procedures.spec import Aggregation
from recognition.models import Aggregation as ResultAggregation
from recognition.models import Criterion, EvaluationResult
from tests.notifications.support import open_task
from tests.recognition.audit_support import CRITERIA, check, evaluate, register, survey
from workflows.forms import CouncilScoreForm

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=HCM)


def test_the_aggregation_rules_of_versions_and_results_are_the_same_words():
    assert set(Aggregation.ALL) == set(ResultAggregation.values)


def publish(world, version, change) -> object:
    """A new version of `version`'s definition: its spec changed by `change(spec)`, published."""
    draft = draft_create(definition=version.definition, author=world.admin)
    spec = draft.spec
    change(spec)
    draft_update(version=draft, spec_data=spec, author=world.admin)
    return version_publish(version=draft, actor=world.admin, reason="Hướng dẫn mới của Ban Chỉ đạo.")


def stricter(spec):
    """v2: “Sáng tạo” worth 30 with weight 2, recognition from 80, the median, shorter periods."""
    for criterion in spec["rubric"]["collective"]:
        if criterion["code"] == "tt-sang-tao":
            criterion.update(max_points=30, weight="2", name="Sáng tạo, đổi mới (2026)")
    spec["evaluation"].update(pass_threshold="80", outstanding_threshold="95", aggregation="median")
    spec["stages"]["check_dossier"]["sla_working_days"] = 2
    spec["stages"]["survey"]["sla_working_days"] = 4


def form_rubric(model, world) -> list[tuple]:
    form = CouncilScoreForm(movement_model=model, user=world.council[0])
    return [(name, form.fields[name].label, form.fields[name].max_value) for name in form.fields if name != "comment"]


@pytest.fixture
def v1_and_v2(world, dossier):
    """Model A registered under v1; v2 published; model B registered under v2."""
    with time_machine.travel(MONDAY, tick=False):
        first = register(world, dossier)
        v1 = first.process.procedure_version
        v2 = publish(world, v1, stricter)
        second = register(world, dossier, name="Mô hình thứ hai")
    return first, second, v1, v2


def test_the_score_form_shows_the_pinned_rubric(world, v1_and_v2):
    first, second, v1, v2 = v1_and_v2
    names = dict(Criterion.objects.filter(code__in=CRITERIA).values_list("code", "name"))
    assert form_rubric(first, world) == [(f"criterion_{code}", f"{names[code]} (0–20)", 20) for code in CRITERIA]
    assert form_rubric(second, world)[0] == ("criterion_tt-sang-tao", "Sáng tạo, đổi mới (2026) (0–30)", 30)
    assert form_rubric(second, world)[1:] == form_rubric(first, world)[1:]
    # Changing the catalogue changes neither.
    Criterion.objects.filter(code="tt-sang-tao").update(max_points=50, name="Tên mới")
    assert form_rubric(first, world)[0] == ("criterion_tt-sang-tao", f"{names['tt-sang-tao']} (0–20)", 20)


def test_the_tally_uses_the_pinned_rubric_thresholds_and_aggregation(world, v1_and_v2):
    first, second, v1, v2 = v1_and_v2
    for model in (first, second):
        check(world, model, accept=True)
        survey(world, model)
        evaluate(world, model, 16)  # 16 on every criterion, every member
    first_result = EvaluationResult.objects.get(movement_model=first)
    second_result = EvaluationResult.objects.get(movement_model=second)
    # v1: 80/100 = 80.00, mean, recognised from 70.
    assert (first_result.score, first_result.aggregation, first_result.pass_threshold) == (
        Decimal("80.00"),
        "mean",
        Decimal("70.00"),
    )
    assert (first_result.classification, first_result.procedure_version_id) == ("recognised", v1.pk)
    assert [(c["code"], c["max_points"], c["weight"]) for c in first_result.rubric] == [
        (code, 20, "1") for code in CRITERIA
    ]
    # v2: (16×2 + 4×16) / (30×2 + 4×20) = 96/140 = 68.57, median, below 80: not recognised.
    assert (second_result.score, second_result.aggregation, second_result.pass_threshold) == (
        Decimal("68.57"),
        "median",
        Decimal("80.00"),
    )
    assert (second_result.classification, second_result.procedure_version_id) == ("rejected", v2.pk)
    assert second_result.rubric[0] == {
        "code": "tt-sang-tao",
        "name": "Sáng tạo, đổi mới (2026)",
        "max_points": 30,
        "weight": "2",
    }


def test_deadlines_follow_the_pinned_version(world, v1_and_v2):
    first, second, v1, v2 = v1_and_v2
    assert open_task(first, "check_dossier").sla_working_days == 5  # v1 (the settings' defaults)
    assert open_task(second, "check_dossier").sla_working_days == 2  # v2
    with time_machine.travel(MONDAY, tick=False):
        check(world, first, accept=True)
        check(world, second, accept=True)
    first_survey, second_survey = open_task(first, "survey"), open_task(second, "survey")
    # Mon 2/3/2026 + 12 working days = Wed 18/3; + 4 = Fri 6/3.
    assert (first_survey.sla_working_days, first_survey.due_on.isoformat()) == (12, "2026-03-18")
    assert (second_survey.sla_working_days, second_survey.due_on.isoformat()) == (4, "2026-03-06")


def test_the_explanation_shows_the_stored_rubric_after_the_catalogue_and_version_change(client, world, v1_and_v2):
    first, second, v1, v2 = v1_and_v2
    names = dict(Criterion.objects.filter(code__in=CRITERIA).values_list("code", "name"))
    check(world, first, accept=True)
    survey(world, first)
    evaluate(world, first, 15)
    Criterion.objects.filter(code="tt-sang-tao").update(max_points=50, name="Tên mới")
    publish(world, v2, lambda spec: spec["evaluation"].update(pass_threshold="85"))

    client.force_login(world.auditor)
    data = client.get(f"/api/v1/audit/models/{first.pk}/evaluation/").json()
    assert data["criteria"][0] == {"code": "tt-sang-tao", "name": names["tt-sang-tao"], "max_points": 20, "weight": "1"}
    assert (data["max_total"], data["rubric_stored"]) == ("100", True)
    assert data["sheets"][0]["normalised"] == "75.00"
    assert (data["results"][0]["pass_threshold"], data["results"][0]["procedure_version_id"]) == ("70.00", v1.pk)
    page = client.get(f"/audit/models/{first.pk}/evaluation/").content.decode()
    assert names["tt-sang-tao"] in page and "Tên mới" not in page
