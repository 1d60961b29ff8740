"""The pure parts of the designer: the diff rows, the SVG diagram, problems placed beside their fields."""

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from procedures.diagram import diagram_nodes, spec_svg
from procedures.diff import spec_diff
from procedures.forms import SpecEditor, designer_choices
from procedures.spec import (
    ApprovalStepSpec,
    CriterionSpec,
    EscalationLevel,
    EvaluationSpec,
    ProcedureSpec,
    StageSpec,
)
from procedures.validation import Problem

LEVELS = {"province": "Cấp tỉnh", "commune": "Cấp xã"}


def _spec(**changes) -> ProcedureSpec:
    stages = {
        name: StageSpec(
            enabled=True,
            performer_role=role,
            performer_unit=unit,
            sla_working_days=sla,
            escalation=(EscalationLevel(after_working_days=2, supervisor_role="chair"),),
        )
        for name, role, unit, sla in [
            ("check_dossier", "standing_body", "organiser", 5),
            ("revise", "unit_submitter", "registrant", 10),
            ("survey", "survey_team", "organiser", 12),
            ("evaluate", "council_member", "organiser", 7),
            ("recognise", "chair", "organiser", 5),
            ("replicate", "standing_body", "organiser", 60),
        ]
    }
    spec = ProcedureSpec(
        stages=stages,
        rubric={
            "collective": (
                CriterionSpec(code="tt-sang-tao", name="Sáng tạo", max_points=20),
                CriterionSpec(code="tt-ben-vung", name="Bền vững", max_points=20),
            )
        },
        evaluation=EvaluationSpec(
            pass_threshold=Decimal("70"), outstanding_threshold=Decimal("90"), aggregation="mean"
        ),
    )
    return replace(spec, **changes)


def _stage(spec: ProcedureSpec, name: str, **changes) -> dict:
    return {**spec.stages, name: replace(spec.stages[name], **changes)}


def test_no_change_no_row():
    assert spec_diff(_spec(), _spec()) == []


def test_each_kind_of_change_is_one_row_with_the_values_as_shown():
    old = _spec()
    step = ApprovalStepSpec(
        key="mat-tran",
        title="Thẩm định của Mặt trận",
        after="survey",
        performer_role="standing_body",
        performer_unit="province",
        sla_working_days=5,
    )
    stages = _stage(old, "survey", enabled=False, sla_working_days=8, reminder_offsets=(-3, 0))
    stages["evaluate"] = replace(
        stages["evaluate"],
        performer_unit="province",
        escalation=(EscalationLevel(after_working_days=3, supervisor_role="admin", reassign=True),),
    )
    new = replace(
        old,
        stages=stages,
        approval_steps=(step,),
        rubric={
            "collective": (
                CriterionSpec(code="tt-sang-tao", name="Sáng tạo", max_points=25, weight=Decimal("1.5")),
                CriterionSpec(code="tt-moi", name="Mới", max_points=10),
            )
        },
        evaluation=replace(old.evaluation, pass_threshold=Decimal("75.0"), aggregation="median", quorum=3),
        required_dossier_fields=("name", "scope"),
        min_attachments=2,
        survey_not_recommended="end_case",
        decision_number_format="{number}/QĐ-BCĐ",
    )
    assert spec_diff(old, new, level_names=LEVELS) == [
        ("stages.survey.enabled", "Khảo sát thực tế — Áp dụng bước này", "Có", "Không"),
        ("stages.survey.sla_working_days", "Khảo sát thực tế — Thời hạn", "12 ngày làm việc", "8 ngày làm việc"),
        (
            "stages.survey.reminder_offsets",
            "Khảo sát thực tế — Mốc nhắc việc (ngày làm việc so với hạn)",
            "-2, 0",
            "-3, 0",
        ),
        ("stages.evaluate.performer_unit", "Chấm điểm — Đơn vị thực hiện", "Đơn vị tổ chức đợt", "Cấp tỉnh"),
        (
            "stages.evaluate.escalation",
            "Chấm điểm — Chuyển cấp khi quá hạn",
            "sau 2 ngày làm việc → Trưởng Ban Chỉ đạo",
            "sau 3 ngày làm việc → Quản trị quy trình (giao lại việc)",
        ),
        (
            "approval_steps.mat-tran",
            "Bước thẩm định bổ sung “Thẩm định của Mặt trận”",
            "—",
            "Sau bước “Khảo sát thực tế”; Cơ quan thường trực, Cấp tỉnh; 5 ngày làm việc",
        ),
        ("required_dossier_fields", "Trường hồ sơ bắt buộc", "—", "1. Tên mô hình, điển hình; 5. Phạm vi, đối tượng"),
        ("min_attachments", "Số tệp đính kèm tối thiểu", "0", "2"),
        ("rubric.collective.tt-sang-tao.max_points", "Tiêu chí Tập thể “tt-sang-tao” — điểm tối đa", "20", "25"),
        ("rubric.collective.tt-sang-tao.weight", "Tiêu chí Tập thể “tt-sang-tao” — hệ số", "1", "1.5"),
        ("rubric.collective.tt-ben-vung", "Tiêu chí Tập thể “tt-ben-vung”", "Bền vững (tối đa 20 điểm, hệ số 1)", "—"),
        ("rubric.collective.tt-moi", "Tiêu chí Tập thể “tt-moi”", "—", "Mới (tối đa 10 điểm, hệ số 1)"),
        ("evaluation.pass_threshold", "Ngưỡng công nhận (điểm)", "70", "75"),
        ("evaluation.aggregation", "Cách tổng hợp điểm", "Trung bình cộng", "Trung vị"),
        ("evaluation.quorum", "Số phiếu tối thiểu của hội đồng", "Mọi thành viên", "3"),
        (
            "survey_not_recommended",
            "Khi tổ khảo sát không đề nghị công nhận",
            "Vẫn chuyển hội đồng chấm, có đánh dấu",
            "Kết thúc hồ sơ (không công nhận) kèm lý do",
        ),
        ("decision_number_format", "Mẫu số quyết định", "{number}-QĐ/BCĐ", "{number}/QĐ-BCĐ"),
    ]


def test_an_approval_step_changed_in_place_lists_each_field():
    step = ApprovalStepSpec("phap-che", "Ý kiến pháp chế", "evaluate", "standing_body", "organiser", 3)
    old = _spec(approval_steps=(step,))
    new = _spec(approval_steps=(replace(step, sla_working_days=4, after="survey"),))
    assert spec_diff(old, new) == [
        (
            "approval_steps.phap-che.after",
            "Bước thẩm định bổ sung “Ý kiến pháp chế” — vị trí",
            "Sau bước “Chấm điểm”",
            "Sau bước “Khảo sát thực tế”",
        ),
        (
            "approval_steps.phap-che.sla_working_days",
            "Bước thẩm định bổ sung “Ý kiến pháp chế” — thời hạn",
            "3 ngày làm việc",
            "4 ngày làm việc",
        ),
    ]


def _nodes(svg: str) -> dict[str, str]:
    return {
        match.group(1): match.group(0)
        for match in re.finditer(r'<g class="kheo-flow-node[^"]*" data-node="([^"]+)".*?</g>', svg, flags=re.S)
    }


def test_the_diagram_draws_every_stage_in_order_with_its_sla():
    step = ApprovalStepSpec("mat-tran", "Thẩm định của Mặt trận", "survey", "standing_body", "province", 5)
    spec = _spec(stages=_stage(_spec(), "survey", enabled=False), approval_steps=(step,))
    svg = spec_svg(spec, level_names=LEVELS)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched
    nodes = _nodes(svg)
    assert [node.key for node in diagram_nodes(spec) if node.kind in ("stage", "approval")] == [
        "check_dossier",
        "survey",
        "approval_mat-tran",
        "evaluate",
        "recognise",
        "replicate",
    ]
    for key, title, sla in [
        ("check_dossier", "Kiểm tra hồ sơ", "5 ngày làm việc"),
        ("revise", "Bổ sung hồ sơ", "10 ngày làm việc"),
        ("evaluate", "Chấm điểm", "7 ngày làm việc"),
        ("recognise", "Ký quyết định công nhận", "5 ngày làm việc"),
        ("replicate", "Theo dõi nhân rộng", "60 ngày làm việc"),
    ]:
        assert 'data-state="enabled"' in nodes[key]
        assert f">{title}</text>" in nodes[key]
        assert f">{sla}</text>" in nodes[key]
    survey = nodes["survey"]
    assert 'data-state="disabled"' in survey
    assert ">Khảo sát thực tế (không áp dụng)</text>" in survey
    assert 'fill="#eeeeee"' in survey  # greyed
    step_node = nodes["approval_mat-tran"]
    assert ">Thẩm định của Mặt trận</text>" in step_node
    assert ">Cơ quan thường trực — Cấp tỉnh</text>" in step_node
    assert ">5 ngày làm việc</text>" in step_node
    assert svg.count("<polygon") == 3  # the three decisions as diamonds
    for gateway in ("dossier_accepted", "evaluation_passed", "replication_closed"):
        assert "<polygon" in nodes[gateway]
    # The approval step sits after its anchor and before the next stage.
    assert (
        svg.index('data-node="survey"') < svg.index('data-node="approval_mat-tran"') < svg.index('data-node="evaluate"')
    )


def test_a_title_with_markup_is_escaped():
    step = ApprovalStepSpec("x", "Ý kiến <pháp chế> & HĐND", "evaluate", "standing_body", "organiser", 3)
    svg = spec_svg(_spec(approval_steps=(step,)))
    assert ">Ý kiến &lt;pháp chế&gt; &amp; HĐND</text>" in svg


@pytest.mark.django_db
def test_each_problem_lands_beside_the_field_it_concerns():
    step = ApprovalStepSpec("mat-tran", "Thẩm định của Mặt trận", "survey", "standing_body", "province", 5)
    editor = SpecEditor(_spec(approval_steps=(step,)), choices=designer_choices())
    editor.problems_place(
        [
            Problem("stages.survey.performer_role", "A"),
            Problem("stages.revise", "B"),
            Problem("stages.evaluate.escalation.0.supervisor_role", "C"),
            Problem("stages.evaluate.escalation", "D"),
            Problem("approval_steps.0.performer_unit", "E"),
            Problem("approval_steps.mat-tran.sla_working_days", "F"),
            Problem("approval_steps", "G"),
            Problem("rubric.collective.tt-ben-vung.max_points", "H"),
            Problem("rubric.collective.1.weight", "I"),
            Problem("evaluation.quorum", "J"),
            Problem("evaluation", "K"),
            Problem("min_attachments", "L"),
            Problem("required_dossier_fields", "M"),
            Problem("survey_not_recommended", "N"),
            Problem("decision_number_format", "O"),
            Problem("something.else", "P"),
        ]
    )
    stages = {form.stage_name: form for form in editor.stages}
    collective = next(formset for formset in editor.rubric if formset.kind == "collective")
    assert stages["survey"].errors["performer_role"] == ["A"]
    assert stages["revise"].non_field_errors() == ["B"]
    assert stages["evaluate"].escalation.forms[0].errors["supervisor_role"] == ["C"]
    assert stages["evaluate"].escalation.problems == ["D"]
    assert editor.approval_steps.forms[0].errors == {"performer_unit": ["E"], "sla_working_days": ["F"]}
    assert editor.approval_steps.problems == ["G"]
    assert collective.forms[1].errors == {"max_points": ["H"], "weight": ["I"]}
    general = editor.general
    assert (general.errors["quorum"], general.non_field_errors()) == (["J"], ["K"])
    assert [general.errors[name] for name in ("min_attachments", "required_dossier_fields")] == [["L"], ["M"]]
    assert [general.errors[name] for name in ("survey_not_recommended", "decision_number_format")] == [["N"], ["O"]]
    assert editor.section_problems == ["P"]
    assert 'class="errorlist kheo-problem"' in str(stages["survey"]["performer_role"].errors)
