"""RecognitionFlow follows the procedure version its process is pinned to.

Versions are created the way admins create them (draft → save → publish with a reason);
cases are driven through the task services, as the pages and the API drive them.
"""

import copy
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.status import STATUS

from procedures.selectors import version_spec
from procedures.services import draft_create, draft_update, national_version_ensure, version_publish
from recognition.audit.selectors import evaluation_explanation
from recognition.models import ApprovalOpinion, AuditEvent, ModelStage
from recognition.roles import Role
from tests.factories import user_with_role
from tests.recognition.audit_support import actions_of, check, evaluate, register, revise, survey
from workflows.demo import task_do
from workflows.models import DeadlineSlot, RecognitionTask
from workflows.selectors import task_queue_for
from workflows.services import task_claim, task_complete

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")

FRONT = {
    "key": "mat-tran",
    "title": "Thẩm định của Mặt trận",
    "after": "check_dossier",
    "performer_role": Role.CHAIR.value,
    "performer_unit": "organiser",
    "sla_working_days": 4,
}
LEGAL = {
    "key": "phap-che",
    "title": "Ý kiến pháp chế",
    "after": "survey",
    "performer_role": Role.STANDING_BODY.value,
    "performer_unit": "organiser",
    "sla_working_days": 3,
}


def publish(world, *, survey_enabled=True, approval_steps=(), survey_not_recommended=None):
    """A new published version of the national procedure, through the admins' services."""
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    spec = copy.deepcopy(draft.spec)
    spec["stages"]["survey"]["enabled"] = survey_enabled
    spec["approval_steps"] = [dict(step) for step in approval_steps]
    if survey_not_recommended is not None:
        spec["survey_not_recommended"] = survey_not_recommended
    draft_update(version=draft, spec_data=spec, author=world.admin)
    return version_publish(version=draft, actor=world.admin, reason="Thí điểm quy trình của tỉnh.")


def open_tasks(model) -> list[tuple[str, str]]:
    """(node, title) of the model's open human tasks, oldest first."""
    tasks = RecognitionTask.objects.filter(
        process__movement_model=model, flow_task_type="HUMAN", finished__isnull=True
    ).order_by("pk")
    return [(task.flow_task.name, str(task.title)) for task in tasks]


def open_task(model, node_name) -> RecognitionTask:
    [task] = [
        task
        for task in RecognitionTask.objects.filter(process__movement_model=model, finished__isnull=True)
        if task.flow_task.name == node_name
    ]
    return task


def stage_of(model) -> str:
    model.refresh_from_db()
    return model.stage


def approve(model, user, outcome="approve", reason=""):
    task_do(movement_model=model, node_name="approve", user=user, data={"outcome": outcome, "reason": reason})


# Skipped stages


def test_a_version_without_survey_sends_the_accepted_dossier_straight_to_the_council(world, dossier):
    publish(world, survey_enabled=False)
    model = register(world, dossier)
    stages = [stage_of(model)]
    check(world, model, accept=True)
    stages.append(stage_of(model))

    assert open_tasks(model) == [("evaluate", "Chấm điểm")] * 3
    assert not any(task.flow_task.name == "survey" for task in RecognitionTask.objects.filter(process=model.process))
    evaluate(world, model, 18)
    stages.append(stage_of(model))
    assert stages == [ModelStage.REGISTERED, ModelStage.EVALUATION, ModelStage.RECOGNITION]
    assert open_tasks(model) == [("recognise", "Ký quyết định công nhận")]
    completed = AuditEvent.objects.get(movement_model=model, action="task_completed", payload__node="check_dossier")
    assert completed.payload["changes"]["stage"] == {"before": "registered", "after": "evaluation"}


def test_a_process_pinned_to_v1_keeps_the_survey_after_v2_skips_it(world, dossier):
    first = register(world, dossier)
    publish(world, survey_enabled=False)
    second = register(world, dossier, name="Mô hình thứ hai")

    check(world, first, accept=True)
    check(world, second, accept=True)

    assert first.process.procedure_version.number == 1
    assert second.process.procedure_version.number == 2
    assert (open_tasks(first), stage_of(first)) == ([("survey", "Khảo sát thực tế")], ModelStage.SURVEY)
    assert (open_tasks(second), stage_of(second)) == ([("evaluate", "Chấm điểm")] * 3, ModelStage.EVALUATION)


# Additional approval steps


def test_an_approval_step_after_the_check_runs_before_the_survey_and_approves(world, dossier):
    publish(world, approval_steps=[FRONT])
    model = register(world, dossier)
    check(world, model, accept=True)

    assert open_tasks(model) == [("approve", "Thẩm định của Mặt trận")]
    task = open_task(model, "approve")
    assert (task.unit_id, task.owner_permission) == (world.province.pk, "role:chair")
    assert stage_of(model) == ModelStage.SURVEY
    approve(model, world.chair, reason="Đồng ý, mô hình tiêu biểu.")

    assert open_tasks(model) == [("survey", "Khảo sát thực tế")]
    opinion = ApprovalOpinion.objects.get(movement_model=model)
    assert (opinion.step_key, opinion.step_title, opinion.outcome, opinion.reason, opinion.given_by) == (
        "mat-tran",
        "Thẩm định của Mặt trận",
        "approve",
        "Đồng ý, mô hình tiêu biểu.",
        world.chair,
    )
    given = AuditEvent.objects.get(movement_model=model, action="approval_given")
    assert (given.actor, given.payload["step"], given.payload["outcome"]) == (world.chair, "mat-tran", "approve")


def test_an_approval_step_returns_the_dossier_to_the_unit_then_the_check_runs_again(world, dossier):
    publish(world, approval_steps=[FRONT])
    model = register(world, dossier)
    check(world, model, accept=True)
    approve(model, world.chair, outcome="return", reason="Bổ sung ý kiến của Mặt trận cấp xã.")

    assert stage_of(model) == ModelStage.RETURNED
    assert open_tasks(model) == [("revise", "Bổ sung hồ sơ")]
    assert open_task(model, "revise").owner == world.submitter
    returned = AuditEvent.objects.get(movement_model=model, action="approval_returned")
    assert returned.reason == "Bổ sung ý kiến của Mặt trận cấp xã."

    revise(world, model, dossier, scope="Phường Ninh Kiều, 120 hộ.")
    assert (stage_of(model), open_tasks(model)) == (ModelStage.REGISTERED, [("check_dossier", "Kiểm tra hồ sơ")])
    check(world, model, accept=True)
    assert open_tasks(model) == [("approve", "Thẩm định của Mặt trận")]


def test_an_approval_step_rejects_and_the_case_ends_with_the_reason(world, dossier):
    publish(world, approval_steps=[FRONT])
    model = register(world, dossier)
    check(world, model, accept=True)
    approve(model, world.chair, outcome="reject", reason="Mô hình trùng với mô hình đã công nhận năm trước.")

    model.refresh_from_db()
    assert (model.stage, model.outcome_reason) == (
        ModelStage.REJECTED,
        "Thẩm định của Mặt trận không đồng ý: Mô hình trùng với mô hình đã công nhận năm trước.",
    )
    assert open_tasks(model) == []
    model.process.refresh_from_db()
    assert model.process.status == STATUS.DONE
    assert actions_of(model)[-4:] == ["task_claimed", "task_started", "approval_rejected", "task_completed"]
    rejected = AuditEvent.objects.get(movement_model=model, action="approval_rejected")
    assert rejected.reason == "Mô hình trùng với mô hình đã công nhận năm trước."


@pytest.mark.parametrize("outcome", ["return", "reject"])
def test_a_return_or_a_rejection_needs_a_reason(world, dossier, outcome):
    publish(world, approval_steps=[FRONT])
    model = register(world, dossier)
    check(world, model, accept=True)
    task = open_task(model, "approve")
    task_claim(task_id=task.pk, user=world.chair)

    with pytest.raises(ValidationError) as error:
        task_complete(task_id=task.pk, user=world.chair, data={"outcome": outcome, "reason": "  "})

    assert error.value.message_dict == {"reason": ["Phải ghi rõ lý do khi trả lại hoặc không đồng ý."]}
    assert (stage_of(model), ApprovalOpinion.objects.count()) == (ModelStage.SURVEY, 0)
    assert open_tasks(model) == [("approve", "Thẩm định của Mặt trận")]


def test_two_steps_after_the_survey_run_in_order_before_the_council(world, dossier):
    second = {**LEGAL, "key": "mat-tran-2", "title": "Thẩm định của Mặt trận", "performer_role": Role.CHAIR.value}
    publish(world, approval_steps=[LEGAL, second])
    model = register(world, dossier)
    check(world, model, accept=True)
    assert open_tasks(model) == [("survey", "Khảo sát thực tế")]
    survey(world, model)

    assert open_tasks(model) == [("approve", "Ý kiến pháp chế")]
    approve(model, world.standing_body)
    assert open_tasks(model) == [("approve", "Thẩm định của Mặt trận")]
    assert open_task(model, "approve").data == {
        "step": "mat-tran-2",
        "title": "Thẩm định của Mặt trận",
        "after": "survey",
    }
    approve(model, world.chair)

    assert open_tasks(model) == [("evaluate", "Chấm điểm")] * 3
    assert list(ApprovalOpinion.objects.order_by("pk").values_list("step_key", flat=True)) == ["phap-che", "mat-tran-2"]


def test_an_approval_step_after_the_evaluation_runs_before_the_decision(world, dossier):
    publish(world, approval_steps=[{**FRONT, "after": "evaluate"}])
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 18)

    assert (stage_of(model), open_tasks(model)) == (ModelStage.RECOGNITION, [("approve", "Thẩm định của Mặt trận")])
    approve(model, world.chair)
    assert open_tasks(model) == [("recognise", "Ký quyết định công nhận")]


def test_a_return_after_the_council_has_the_revised_dossier_evaluated_again_in_a_new_round(world, dossier):
    publish(world, approval_steps=[{**FRONT, "after": "evaluate"}])
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 18)
    approve(model, world.chair, outcome="return", reason="Làm rõ số hộ được hỗ trợ.")
    revise(world, model, dossier, scope="Phường Ninh Kiều, 120 hộ.")
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 12)  # the same members score the revised dossier again

    model.refresh_from_db()
    first, second = model.evaluation_results.order_by("pk")
    assert (first.score, first.member_count, second.score, second.member_count) == (90, 3, 60, 3)
    assert (model.stage, model.evaluation_round, model.council_scores.count()) == (ModelStage.REJECTED, 3, 6)
    explanation = evaluation_explanation(movement_model=model)
    assert [sheet.total for sheet in explanation.sheets] == [60, 60, 60]  # the latest round's sheets only


# Performers


def test_a_performer_named_by_level_is_the_registering_units_ancestor_at_that_level(world, dossier):
    publish(world, approval_steps=[{**FRONT, "performer_role": Role.STANDING_BODY.value, "performer_unit": "commune"}])
    model = register(world, dossier)
    check(world, model, accept=True)
    task = open_task(model, "approve")

    assert (task.unit, task.owner_permission) == (world.commune, "role:standing_body")
    assert [t.pk for t in task_queue_for(user=world.commune_standing_body)] == [task.pk]
    assert task.pk not in [t.pk for t in task_queue_for(user=world.standing_body)]
    with pytest.raises(PermissionDenied):
        task_claim(task_id=task.pk, user=world.standing_body)  # the province's, not the commune's
    other_role = user_with_role(role=Role.SURVEY_TEAM, unit=world.commune, username="khaosat_phuong")
    with pytest.raises(PermissionDenied):
        task_claim(task_id=task.pk, user=other_role)  # the commune's, but not of the step's role
    approve(model, world.commune_standing_body)
    assert open_tasks(model) == [("survey", "Khảo sát thực tế")]


def test_a_version_can_hand_a_standard_stage_to_another_role_and_level(world, dossier):
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    spec = copy.deepcopy(draft.spec)
    spec["stages"]["check_dossier"].update(performer_role=Role.STANDING_BODY.value, performer_unit="commune")
    draft_update(version=draft, spec_data=spec, author=world.admin)
    version_publish(version=draft, actor=world.admin, reason="Cấp xã kiểm tra hồ sơ.")
    model = register(world, dossier)
    task = open_task(model, "check_dossier")

    # The standard role keeps the stage's own permission; only the unit changes.
    assert (task.unit, task.owner_permission) == (world.commune, "recognition.check_dossier")
    with pytest.raises(PermissionDenied):
        task_claim(task_id=task.pk, user=world.standing_body)
    task_do(
        movement_model=model, node_name="check_dossier", user=world.commune_standing_body, data={"decision": "accept"}
    )
    assert open_tasks(model) == [("survey", "Khảo sát thực tế")]


def test_the_default_version_keeps_the_standard_performers(world, dossier):
    model = register(world, dossier)
    task = open_task(model, "check_dossier")
    assert (task.unit, task.owner_permission) == (world.province, "recognition.check_dossier")


# A survey that does not recommend


def _survey_not_recommending(world, model):
    task_do(
        movement_model=model,
        node_name="survey",
        user=world.survey_team,
        data={
            "visited_on": timezone.localdate().isoformat(),
            "findings": "Mô hình đã ngừng hoạt động từ tháng 3.",
            "recommendation": "not_recommend",
        },
    )


def test_end_case_ends_a_case_the_survey_does_not_recommend_with_its_findings(world, dossier):
    publish(world, survey_not_recommended="end_case")
    model = register(world, dossier)
    check(world, model, accept=True)
    _survey_not_recommending(world, model)

    model.refresh_from_db()
    assert (model.stage, model.outcome_reason) == (
        ModelStage.REJECTED,
        "Tổ khảo sát không đề nghị công nhận: Mô hình đã ngừng hoạt động từ tháng 3.",
    )
    assert open_tasks(model) == []
    model.process.refresh_from_db()
    assert model.process.status == STATUS.DONE
    ended = AuditEvent.objects.get(movement_model=model, action="survey_case_ended")
    assert (ended.actor_label, ended.reason) == ("system:survey_not_recommended", model.outcome_reason)


def test_end_case_lets_a_recommended_case_go_on_to_the_council(world, dossier):
    publish(world, survey_not_recommended="end_case")
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    assert (stage_of(model), open_tasks(model)) == (ModelStage.EVALUATION, [("evaluate", "Chấm điểm")] * 3)


def test_continue_flagged_sends_a_case_the_survey_does_not_recommend_to_the_council(world, dossier):
    publish(world, survey_not_recommended="continue_flagged")
    model = register(world, dossier)
    check(world, model, accept=True)
    _survey_not_recommending(world, model)

    assert (stage_of(model), open_tasks(model)) == (ModelStage.EVALUATION, [("evaluate", "Chấm điểm")] * 3)
    assert model.survey_reports.get().get_recommendation_display() == "Không đề nghị công nhận"


# The spec's answers the engine and the deadlines read


def test_a_tasks_sla_is_its_stages_or_for_an_approval_task_its_steps(world):
    publish(world, approval_steps=[FRONT, LEGAL, {**LEGAL, "key": "phap-che-2", "sla_working_days": 7}])
    spec = version_spec(national_version_ensure())

    assert spec.sla_for("survey") == spec.stages["survey"].sla_working_days == 12
    assert spec.sla_for("approve", {"step": "mat-tran"}) == 4
    assert spec.sla_for("approve", {"step": "phap-che-2"}) == 7
    assert spec.sla_for("approve", {"step": "khong-co"}) is None
    assert [spec.approval_step_next("survey").key, spec.approval_step_next("survey", "phap-che").key] == [
        "phap-che",
        "phap-che-2",
    ]
    assert spec.approval_step_next("survey", "phap-che-2") is None
    assert spec.approval_step_next("evaluate") is None


def test_an_approval_task_is_due_after_its_steps_sla_with_the_reminders_of_its_anchor(world, dossier):
    publish(world, approval_steps=[FRONT])
    with time_machine.travel(datetime(2026, 4, 21, 9, 0, tzinfo=HCM), tick=False):  # a Tuesday
        model = register(world, dossier)
        check(world, model, accept=True)
    task = open_task(model, "approve")
    # 4 working days from Tuesday 21/04: 22, 23, 24 and 28 (Monday 27/04 is the day off for the
    # Hùng Kings' anniversary, which falls on Sunday 26/04 in 2026).
    assert (task.sla_working_days, task.due_on) == (4, date(2026, 4, 28))
    slots = sorted(DeadlineSlot.objects.filter(task=task).values_list("rule", "fire_at"))
    assert [rule for rule, _fire_at in slots] == [
        "escalation.level-1",
        "escalation.level-2",
        "reminder.d-2",
        "reminder.d0",
    ]
