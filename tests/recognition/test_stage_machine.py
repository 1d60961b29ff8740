"""The transition table of the model's stage: every listed move works, every other move is refused."""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from recognition.models import ModelStage
from recognition.stage_machine import (
    STEPS_WITHIN_STAGE,
    TRANSITION_NAMES,
    StageMoveRefused,
    step_check,
    transition_check,
    transitions_from,
)

# Written out here, not read from the module: removing or adding a row of the table fails a test.
ALLOWED = {
    ("dossier_accept", "registered"): "survey",
    ("dossier_accept_skip_survey", "registered"): "evaluation",
    ("dossier_return", "registered"): "returned",
    ("revise", "returned"): "registered",
    ("survey_report", "survey"): "evaluation",
    ("survey_skip", "survey"): "evaluation",
    ("tally_pass", "evaluation"): "recognition",
    ("tally_reject", "evaluation"): "rejected",
    ("recognise", "recognition"): "replication",
    ("close", "replication"): "closed",
    ("revoke", "replication"): "revoked",
    ("revoke", "closed"): "revoked",
    ("case_end", "registered"): "rejected",
    ("case_end", "returned"): "rejected",
    ("case_end", "survey"): "rejected",
    ("case_end", "evaluation"): "rejected",
    ("case_end", "recognition"): "rejected",
    ("approval_return", "survey"): "returned",
    ("approval_return", "evaluation"): "returned",
    ("approval_return", "recognition"): "returned",
}
NAMES = sorted({name for name, _ in ALLOWED})


def test_the_table_names_exactly_these_transitions():
    assert sorted(TRANSITION_NAMES) == NAMES


@pytest.mark.parametrize(("name", "current"), sorted(ALLOWED))
def test_each_listed_move_leads_to_its_stage(name, current):
    assert transition_check(current, name) == ALLOWED[name, current]


@pytest.mark.parametrize(
    ("name", "current"),
    [pair for pair in itertools.product(NAMES, ModelStage.values) if pair not in ALLOWED],
)
def test_every_move_the_table_does_not_list_is_refused(name, current):
    with pytest.raises(StageMoveRefused):
        transition_check(current, name)


@pytest.mark.parametrize("current", ModelStage.values)
def test_the_moves_from_a_stage_are_the_listed_ones(current):
    assert [(t.name, t.target) for t in transitions_from(current)] == [
        (name, target) for (name, source), target in ALLOWED.items() if source == current
    ]


def test_a_refusal_names_the_move_the_stage_and_what_is_allowed():
    with pytest.raises(StageMoveRefused) as error:
        transition_check(ModelStage.RETURNED, "dossier_accept")
    assert error.value.messages == [
        "Không thực hiện được bước “chấp nhận hồ sơ”: mô hình đang ở giai đoạn “Trả lại để bổ sung hồ sơ”. "
        "Từ giai đoạn này chỉ được: nộp lại hồ sơ đã bổ sung (→ Đã đăng ký, chờ kiểm tra hồ sơ); "
        "kết thúc hồ sơ (→ Không công nhận)."
    ]


@pytest.mark.parametrize("current", [ModelStage.REJECTED, ModelStage.REVOKED])
def test_a_finished_case_refuses_every_move_saying_it_is_finished(current):
    for name in NAMES:
        with pytest.raises(StageMoveRefused) as error:
            transition_check(current, name)
        assert error.value.messages[0].endswith(f"“{ModelStage(current).label}”, đã kết thúc quy trình.")


def test_a_closed_case_can_only_have_its_recognition_revoked():
    assert [t.name for t in transitions_from(ModelStage.CLOSED)] == ["revoke"]
    with pytest.raises(StageMoveRefused) as error:
        transition_check(ModelStage.CLOSED, "close")
    assert error.value.messages == [
        "Không thực hiện được bước “kết thúc theo dõi nhân rộng”: mô hình đang ở giai đoạn “Hoàn thành”. "
        "Từ giai đoạn này chỉ được: thu hồi quyết định công nhận (→ Đã thu hồi công nhận)."
    ]


def test_an_unknown_transition_name_is_a_programming_error():
    with pytest.raises(LookupError, match="unknown stage transition: 'approve'"):
        transition_check(ModelStage.REGISTERED, "approve")


def test_a_refusal_is_a_validation_error_the_pages_and_the_api_show():
    assert issubclass(StageMoveRefused, ValidationError)


# --- steps done within a stage ---------------------------------------------------------------------

STEPS = {"council_score": "evaluation", "replication_record": "replication"}


def test_the_steps_within_a_stage_are_these():
    assert {name: stage for name, (stage, _title) in STEPS_WITHIN_STAGE.items()} == STEPS


@pytest.mark.parametrize(("step", "current"), list(itertools.product(sorted(STEPS), ModelStage.values)))
def test_a_step_within_a_stage_runs_only_in_its_stage(step, current):
    if current == STEPS[step]:
        assert step_check(current, step) is None
    else:
        with pytest.raises(StageMoveRefused):
            step_check(current, step)


def test_a_step_refusal_names_the_step_and_both_stages():
    with pytest.raises(StageMoveRefused) as error:
        step_check(ModelStage.CLOSED, "replication_record")
    assert error.value.messages == [
        "Không thực hiện được bước “ghi nhận nhân rộng”: mô hình đang ở giai đoạn “Hoàn thành”, "
        "bước này chỉ thực hiện ở giai đoạn “Nhân rộng”."
    ]


# --- one writer of the stage -----------------------------------------------------------------------

STAGE_ASSIGNMENT = re.compile(r"\.stage\s*=(?!=)")


def test_only_the_stage_service_assigns_the_stage():
    root = Path(settings.BASE_DIR)
    writers = sorted(
        str(path.relative_to(root))
        for package in ("recognition", "workflows")
        for path in (root / package).rglob("*.py")
        if "migrations" not in path.parts and STAGE_ASSIGNMENT.search(path.read_text(encoding="utf-8"))
    )
    assert writers == ["recognition/services/stage.py"]
