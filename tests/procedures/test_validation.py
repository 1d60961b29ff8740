"""Each validation rule: one broken field, one exact Vietnamese message (no database)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from procedures.spec import (
    ApprovalStepSpec,
    CriterionSpec,
    EscalationLevel,
    EvaluationSpec,
    PerformerUnit,
    ProcedureSpec,
    StageSpec,
)
from procedures.validation import Problem, ValidationContext, spec_problems

PERFORMERS = {
    "check_dossier": ("standing_body", PerformerUnit.ORGANISER),
    "revise": ("unit_submitter", PerformerUnit.REGISTRANT),
    "survey": ("survey_team", PerformerUnit.ORGANISER),
    "evaluate": ("council_member", PerformerUnit.ORGANISER),
    "recognise": ("chair", PerformerUnit.ORGANISER),
    "replicate": ("standing_body", PerformerUnit.ORGANISER),
}
ROLES = frozenset({"unit_submitter", "standing_body", "survey_team", "council_member", "chair", "admin", "auditor"})

CONTEXT = ValidationContext(
    roles=ROLES,
    level_codes=frozenset({"province", "commune", "district"}),
    staffed=frozenset({*PERFORMERS.values(), ("standing_body", "province"), ("admin", PerformerUnit.ORGANISER)}),
    criterion_codes=frozenset({"hieu-qua", "lan-toa", "ca-nhan"}),
    dossier_fields=frozenset({"name", "scope", "budget_vnd"}),
    council_size=3,
)


def spec_make(**changes) -> ProcedureSpec:
    stages = {
        name: StageSpec(
            enabled=True,
            performer_role=role,
            performer_unit=unit,
            sla_working_days=5,
            reminder_offsets=(-2, 0),
            escalation=(EscalationLevel(after_working_days=2, supervisor_role="admin"),),
        )
        for name, (role, unit) in PERFORMERS.items()
    }
    spec = ProcedureSpec(
        stages=stages,
        rubric={
            "collective": (
                CriterionSpec(code="hieu-qua", name="Hiệu quả", max_points=60),
                CriterionSpec(code="lan-toa", name="Lan tỏa", max_points=40, weight=Decimal("1.5")),
            ),
            "individual": (CriterionSpec(code="ca-nhan", name="Cá nhân", max_points=100),),
        },
        evaluation=EvaluationSpec(
            pass_threshold=Decimal(70), outstanding_threshold=Decimal(90), aggregation="mean", quorum=2
        ),
        approval_steps=(
            ApprovalStepSpec(
                key="mat-tran",
                title="Thẩm định của Mặt trận",
                after="survey",
                performer_role="standing_body",
                performer_unit="province",
                sla_working_days=3,
            ),
        ),
        required_dossier_fields=("name", "scope"),
    )
    return replace(spec, **changes)


def stage_change(spec: ProcedureSpec, name: str, **changes) -> ProcedureSpec:
    return replace(spec, stages={**spec.stages, name: replace(spec.stages[name], **changes)})


def step_change(spec: ProcedureSpec, **changes) -> ProcedureSpec:
    return replace(spec, approval_steps=(replace(spec.approval_steps[0], **changes),))


def evaluation_change(spec: ProcedureSpec, **changes) -> ProcedureSpec:
    return replace(spec, evaluation=replace(spec.evaluation, **changes))


def test_a_sound_spec_has_no_problem():
    assert spec_problems(spec_make(), CONTEXT) == []


# --- stages ---------------------------------------------------------------------------------


def test_a_missing_standard_stage():
    spec = spec_make()
    spec = replace(spec, stages={name: stage for name, stage in spec.stages.items() if name != "replicate"})
    assert spec_problems(spec, CONTEXT) == [Problem("stages.replicate", "Thiếu cấu hình cho bước chuẩn “replicate”.")]


def test_an_unknown_stage():
    spec = spec_make()
    spec = replace(spec, stages={**spec.stages, "phap_che": spec.stages["check_dossier"]})
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.phap_che",
            "Bước “phap_che” không có trong quy trình chuẩn (các bước: check_dossier, revise, survey, evaluate, "
            "recognise, replicate); muốn thêm bước, hãy dùng bước thẩm định bổ sung.",
        )
    ]


def test_a_stage_that_cannot_be_skipped_is_disabled():
    spec = stage_change(spec_make(), "evaluate", enabled=False)
    assert spec_problems(spec, CONTEXT) == [
        Problem("stages.evaluate.enabled", "Không được bỏ bước “Chấm điểm”: chỉ có thể bỏ bước “Khảo sát thực tế”.")
    ]


def test_the_survey_can_be_skipped():
    spec = step_change(stage_change(spec_make(), "survey", enabled=False), after="check_dossier")
    assert spec_problems(spec, CONTEXT) == []


def test_a_stage_with_no_performer_at_its_level():
    spec = stage_change(spec_make(), "survey", performer_unit="commune")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.performer_role",
            "Không ai thực hiện được bước “Khảo sát thực tế”: trong phạm vi của quy trình không có người dùng "
            "đang hoạt động nào giữ vai trò “Tổ khảo sát” ở cấp “commune”.",
        )
    ]


def test_a_level_is_named_when_the_context_knows_its_name():
    spec = stage_change(spec_make(), "survey", performer_unit="commune")
    context = replace(CONTEXT, level_names={"commune": "Cấp xã"})
    assert [problem.message for problem in spec_problems(spec, context)] == [
        "Không ai thực hiện được bước “Khảo sát thực tế”: trong phạm vi của quy trình không có người dùng "
        "đang hoạt động nào giữ vai trò “Tổ khảo sát” ở cấp xã."
    ]


def test_a_stage_with_no_performer_in_the_organiser_unit():
    spec = stage_change(spec_make(), "recognise", performer_role="auditor")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.recognise.performer_role",
            "Không ai thực hiện được bước “Ký quyết định công nhận”: trong phạm vi của quy trình không có người "
            "dùng đang hoạt động nào giữ vai trò “Kiểm tra, giám sát” ở đơn vị tổ chức.",
        )
    ]


def test_a_disabled_stage_needs_no_performer():
    spec = stage_change(spec_make(), "survey", enabled=False, performer_unit="commune")
    spec = step_change(spec, after="check_dossier")
    assert spec_problems(spec, CONTEXT) == []


def test_an_unknown_role():
    spec = stage_change(spec_make(), "survey", performer_role="to_khao_sat")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.performer_role",
            "Vai trò thực hiện “to_khao_sat” ở bước “Khảo sát thực tế” không tồn tại trong hệ thống.",
        )
    ]


def test_an_unknown_level_code():
    spec = stage_change(spec_make(), "survey", performer_unit="huyen")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.performer_unit",
            "Đơn vị thực hiện “huyen” ở bước “Khảo sát thực tế” không hợp lệ: chọn đơn vị tổ chức, đơn vị đăng ký "
            "hoặc một cấp có trong hệ thống (commune, district, province).",
        )
    ]


@pytest.mark.parametrize("days", [0, -3])
def test_an_sla_not_above_zero(days):
    spec = stage_change(spec_make(), "check_dossier", sla_working_days=days)
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.check_dossier.sla_working_days",
            f"Thời hạn xử lý bước “Kiểm tra hồ sơ” là {days} ngày: phải lớn hơn 0 ngày làm việc.",
        )
    ]


def test_a_reminder_after_the_due_day():
    spec = stage_change(spec_make(), "survey", reminder_offsets=(-2, 0, 1))
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.reminder_offsets.2",
            "Mốc nhắc việc 1 ở bước “Khảo sát thực tế” nằm sau hạn xử lý: mốc nhắc phải là 0 (đúng hạn) hoặc số âm "
            "(số ngày làm việc trước hạn).",
        )
    ]


@pytest.mark.parametrize("days", [0, -1])
def test_an_escalation_delay_not_above_zero(days):
    spec = stage_change(
        spec_make(), "survey", escalation=(EscalationLevel(after_working_days=days, supervisor_role="admin"),)
    )
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.escalation.0.after_working_days",
            f"Thời gian chờ trước khi chuyển ở cấp chuyển 1 của bước “Khảo sát thực tế” là {days} ngày: phải lớn "
            "hơn 0 ngày làm việc.",
        )
    ]


def test_an_escalation_to_an_unknown_role():
    spec = stage_change(
        spec_make(), "survey", escalation=(EscalationLevel(after_working_days=2, supervisor_role="giam_doc"),)
    )
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.escalation.0.supervisor_role",
            "Vai trò “giam_doc” ở cấp chuyển 1 của bước “Khảo sát thực tế” không tồn tại trong hệ thống.",
        )
    ]


def test_an_escalation_that_loops_back_to_a_role_already_used():
    chain = (
        EscalationLevel(after_working_days=2, supervisor_role="chair"),
        EscalationLevel(after_working_days=2, supervisor_role="admin"),
        EscalationLevel(after_working_days=2, supervisor_role="chair"),
    )
    spec = stage_change(spec_make(), "survey", escalation=chain)
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.escalation.2.supervisor_role",
            "Cấp chuyển 3 của bước “Khảo sát thực tế” chuyển lại cho vai trò “Trưởng Ban Chỉ đạo” đã có ở cấp "
            "trước: chuỗi chuyển cấp bị vòng lặp.",
        )
    ]


def test_an_escalation_back_to_the_role_that_performs_the_stage():
    chain = (
        EscalationLevel(after_working_days=2, supervisor_role="chair"),
        EscalationLevel(after_working_days=2, supervisor_role="survey_team"),
    )
    spec = stage_change(spec_make(), "survey", escalation=chain)
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "stages.survey.escalation.1.supervisor_role",
            "Cấp chuyển 2 của bước “Khảo sát thực tế” chuyển ngược về chính vai trò đang thực hiện bước (“Tổ khảo "
            "sát”): việc quá hạn quay lại người đang giữ nó, chuỗi chuyển cấp bị vòng lặp.",
        )
    ]


def test_the_same_role_twice_in_a_row_climbs_the_unit_tree():
    chain = (
        EscalationLevel(after_working_days=1, supervisor_role="standing_body"),
        EscalationLevel(after_working_days=3, supervisor_role="standing_body"),
        EscalationLevel(after_working_days=3, supervisor_role="chair"),
    )
    spec = stage_change(spec_make(), "check_dossier", escalation=chain)
    assert spec_problems(spec, CONTEXT) == []


# --- additional approval steps -------------------------------------------------------------


def test_an_additional_step_after_a_stage_that_is_not_an_anchor():
    spec = step_change(spec_make(), after="recognise")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "approval_steps.0.after",
            "Bước thẩm định bổ sung “Thẩm định của Mặt trận” đặt sau “recognise”, không phải chỗ được phép (sau "
            "“Kiểm tra hồ sơ”, “Khảo sát thực tế”, “Chấm điểm”): hồ sơ sẽ không có đường đi tiếp hoặc quay lại.",
        )
    ]


def test_an_additional_step_after_a_disabled_stage():
    spec = stage_change(spec_make(), "survey", enabled=False)
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "approval_steps.0.after",
            "Bước thẩm định bổ sung “Thẩm định của Mặt trận” đặt sau bước “Khảo sát thực tế” đang bị bỏ qua: bước "
            "này sẽ không bao giờ đến lượt và không có đường quay lại.",
        )
    ]


def test_two_additional_steps_with_the_same_key():
    spec = spec_make()
    spec = replace(spec, approval_steps=(spec.approval_steps[0], replace(spec.approval_steps[0], title="Pháp chế")))
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "approval_steps.1.key",
            "Mã “mat-tran” đã dùng cho một bước thẩm định bổ sung khác: mỗi bước cần một mã riêng.",
        )
    ]


def test_an_additional_step_key_that_is_not_a_slug():
    spec = step_change(spec_make(), key="Mặt trận")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "approval_steps.0.key",
            "Mã “Mặt trận” của bước thẩm định bổ sung “Thẩm định của Mặt trận” không hợp lệ: chỉ dùng chữ thường "
            "không dấu, chữ số, “-” hoặc “_”.",
        )
    ]


def test_an_additional_step_without_a_title():
    spec = step_change(spec_make(), title="  ")
    assert spec_problems(spec, CONTEXT) == [
        Problem("approval_steps.0.title", "Bước thẩm định bổ sung thứ 1 chưa có tên.")
    ]


def test_an_additional_step_with_no_performer():
    spec = step_change(spec_make(), performer_role="chair")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "approval_steps.0.performer_role",
            "Không ai thực hiện được bước thẩm định bổ sung “Thẩm định của Mặt trận”: trong phạm vi của quy trình "
            "không có người dùng đang hoạt động nào giữ vai trò “Trưởng Ban Chỉ đạo” ở cấp “province”.",
        )
    ]


def test_an_additional_step_with_an_unknown_role():
    spec = step_change(spec_make(), performer_role="mat_tran")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "approval_steps.0.performer_role",
            "Vai trò thực hiện “mat_tran” ở bước thẩm định bổ sung “Thẩm định của Mặt trận” không tồn tại trong "
            "hệ thống.",
        )
    ]


def test_an_additional_step_without_time():
    spec = step_change(spec_make(), sla_working_days=0)
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "approval_steps.0.sla_working_days",
            "Thời hạn xử lý bước thẩm định bổ sung “Thẩm định của Mặt trận” là 0 ngày: phải lớn hơn 0 ngày làm việc.",
        )
    ]


# --- rubric ---------------------------------------------------------------------------------


def test_a_rubric_kind_with_no_criteria():
    spec = replace(spec_make(), rubric={**spec_make().rubric, "individual": ()})
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "rubric.individual",
            "Bộ tiêu chí cho đối tượng “individual” chưa có tiêu chí nào: hội đồng không chấm được.",
        )
    ]


def test_an_unknown_rubric_kind():
    spec = replace(spec_make(), rubric={**spec_make().rubric, "family": spec_make().rubric["individual"]})
    assert spec_problems(spec, CONTEXT) == [
        Problem("rubric.family", "Đối tượng chấm điểm “family” không tồn tại (chỉ có: collective, individual).")
    ]


def rubric_change(spec: ProcedureSpec, **changes) -> ProcedureSpec:
    collective = spec.rubric["collective"]
    return replace(spec, rubric={**spec.rubric, "collective": (replace(collective[0], **changes), collective[1])})


def test_an_unknown_criterion_code():
    spec = rubric_change(spec_make(), code="sang-tao")
    assert spec_problems(spec, CONTEXT) == [
        Problem("rubric.collective.0.code", "Tiêu chí “sang-tao” không có trong danh mục tiêu chí của hệ thống.")
    ]


def test_a_criterion_twice_in_a_kind():
    spec = rubric_change(spec_make(), code="lan-toa")
    assert spec_problems(spec, CONTEXT) == [
        Problem("rubric.collective.1.code", "Tiêu chí “lan-toa” xuất hiện hai lần trong bộ tiêu chí “collective”.")
    ]


@pytest.mark.parametrize("points", [0, -5])
def test_max_points_not_above_zero(points):
    spec = rubric_change(spec_make(), max_points=points)
    assert spec_problems(spec, CONTEXT) == [
        Problem("rubric.collective.0.max_points", f"Điểm tối đa của tiêu chí “hieu-qua” là {points}: phải lớn hơn 0.")
    ]


@pytest.mark.parametrize("weight", ["0", "-0.5"])
def test_a_weight_not_above_zero(weight):
    spec = rubric_change(spec_make(), weight=Decimal(weight))
    assert spec_problems(spec, CONTEXT) == [
        Problem("rubric.collective.0.weight", f"Trọng số của tiêu chí “hieu-qua” là {weight}: phải lớn hơn 0.")
    ]


# --- evaluation -----------------------------------------------------------------------------


def test_a_pass_threshold_above_the_maximum():
    spec = evaluation_change(spec_make(), pass_threshold=Decimal("101"), outstanding_threshold=Decimal("101"))
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "evaluation.pass_threshold",
            "Ngưỡng công nhận là 101, cao hơn điểm tối đa 100: không hồ sơ nào đạt được.",
        ),
        Problem(
            "evaluation.outstanding_threshold",
            "Ngưỡng tiêu biểu là 101, cao hơn điểm tối đa 100: không hồ sơ nào đạt được.",
        ),
    ]


def test_an_outstanding_threshold_above_the_maximum():
    spec = evaluation_change(spec_make(), outstanding_threshold=Decimal("100.5"))
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "evaluation.outstanding_threshold",
            "Ngưỡng tiêu biểu là 100.5, cao hơn điểm tối đa 100: không hồ sơ nào đạt được.",
        )
    ]


def test_a_pass_threshold_above_the_outstanding_threshold():
    spec = evaluation_change(spec_make(), pass_threshold=Decimal("95"))
    assert spec_problems(spec, CONTEXT) == [
        Problem("evaluation.pass_threshold", "Ngưỡng công nhận (95) không được cao hơn ngưỡng tiêu biểu (90).")
    ]


def test_a_negative_threshold():
    spec = evaluation_change(spec_make(), pass_threshold=Decimal("-1"))
    assert spec_problems(spec, CONTEXT) == [
        Problem("evaluation.pass_threshold", "Ngưỡng công nhận là -1: không được âm.")
    ]


def test_a_quorum_larger_than_the_council():
    spec = evaluation_change(spec_make(), quorum=4)
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "evaluation.quorum",
            "Số thành viên tối thiểu phải chấm (4) lớn hơn số thành viên hội đồng (3): hội đồng không bao giờ đủ "
            "số để kết luận.",
        )
    ]


def test_a_quorum_equal_to_the_council_is_fine():
    assert spec_problems(evaluation_change(spec_make(), quorum=3), CONTEXT) == []


def test_a_quorum_is_not_checked_against_an_unknown_council():
    assert spec_problems(evaluation_change(spec_make(), quorum=40), replace(CONTEXT, council_size=None)) == []


def test_a_negative_quorum():
    spec = evaluation_change(spec_make(), quorum=-1)
    assert spec_problems(spec, CONTEXT) == [
        Problem("evaluation.quorum", "Số thành viên tối thiểu phải chấm (-1) không được âm.")
    ]


def test_an_unknown_aggregation():
    spec = evaluation_change(spec_make(), aggregation="mode")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "evaluation.aggregation",
            "Cách tổng hợp điểm “mode” không được hỗ trợ (chọn một trong: mean, median, trimmed_mean, majority).",
        )
    ]


def test_an_unknown_survey_rule():
    spec = replace(spec_make(), survey_not_recommended="ask_chair")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "survey_not_recommended",
            "Cách xử lý khi khảo sát không kiến nghị công nhận “ask_chair” không được hỗ trợ (chọn một trong: "
            "continue_flagged, end_case).",
        )
    ]


# --- dossier and decision --------------------------------------------------------------------


def test_an_unknown_dossier_field():
    spec = replace(spec_make(), required_dossier_fields=("name", "so_ho_dan"))
    assert spec_problems(spec, CONTEXT) == [
        Problem("required_dossier_fields.1", "Trường hồ sơ “so_ho_dan” không có trong mẫu hồ sơ đăng ký.")
    ]


def test_a_negative_attachment_count():
    spec = replace(spec_make(), min_attachments=-1)
    assert spec_problems(spec, CONTEXT) == [Problem("min_attachments", "Số tệp đính kèm tối thiểu (-1) không được âm.")]


def test_a_decision_number_format_without_the_number():
    spec = replace(spec_make(), decision_number_format="QĐ/BCĐ-{year}")
    assert spec_problems(spec, CONTEXT) == [
        Problem("decision_number_format", "Mẫu số quyết định “QĐ/BCĐ-{year}” thiếu chỗ cho số thứ tự {number}.")
    ]


def test_a_decision_number_format_with_an_unknown_placeholder():
    spec = replace(spec_make(), decision_number_format="{number}-QĐ/{unit}")
    assert spec_problems(spec, CONTEXT) == [
        Problem(
            "decision_number_format",
            "Mẫu số quyết định có chỗ điền “{unit}” không được hỗ trợ (chỉ dùng: {number}, {year}).",
        )
    ]


def test_a_decision_number_format_with_an_unbalanced_brace():
    spec = replace(spec_make(), decision_number_format="{number-QĐ/BCĐ")
    assert spec_problems(spec, CONTEXT) == [
        Problem("decision_number_format", "Mẫu số quyết định “{number-QĐ/BCĐ” có dấu ngoặc nhọn không khớp.")
    ]


def test_a_decision_number_format_with_the_year_is_fine():
    assert spec_problems(replace(spec_make(), decision_number_format="{number}/{year}/QĐ-BCĐ"), CONTEXT) == []
