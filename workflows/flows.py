"""The recognition lifecycle as viewflow nodes.

Node names are stored in the database (task.flow_task): never rename one without a
data migration.

Deadlines: every HumanTask gets a due date in working days when it is created
(`KHEO_STAGE_SLA_WORKING_DAYS[node name]`, see `workflows.deadlines`), and its reminder
and escalation slots are planned beside it. They are not flow nodes on purpose:
escalation here never interrupts the task (it notifies, and may reassign it), each slot
must fire exactly once under retries and duplicate beats (a unique key per task and
rule), and the check_dossier clock stops while the dossier is back with the unit, none
of which viewflow's interrupting `.OnTimeout` boundary expresses.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from procedures.selectors import version_in_force
from procedures.services import national_version_ensure
from procedures.spec import ApprovalStepSpec, SurveyNotRecommended
from recognition.audit_context import workflow_scope
from recognition.models import ApprovalOutcome, SurveyRecommendation, SurveyReport
from recognition.services.approvals import survey_case_end

from .activations import AuditedFlowMixin
from .council import council_seats_hand_out
from .models import RecognitionProcess, RecognitionTask
from .nodes import ActingUnit, FanOut, HumanTask, Route
from .performers import process_spec
from .pinning import pinned_evaluation_tally
from .views.tasks import TaskFormView


# Routing of the additional approval steps (procedures.spec.ApprovalStepSpec): each step
# after an anchor stage runs in order as one `approve` task whose data names the step.
def _step_data(step: ApprovalStepSpec) -> dict:
    return {"step": step.key, "title": step.title, "after": step.after}


def _has_approval_after(anchor: str):
    def condition(activation) -> bool:
        return process_spec(activation.process).approval_step_next(anchor) is not None

    return condition


def _first_approval(anchor: str):
    def task_data(activation) -> dict:
        return _step_data(process_spec(activation.process).approval_step_next(anchor))

    return task_data


def _is_approval(outcome: str):
    """On the gateway after an approval task: the opinion given was `outcome`."""
    return lambda activation: activation.task.data.get("outcome") == outcome


def _is_approval_after(*anchors: str):
    return lambda activation: activation.task.data.get("after") in anchors


def _is_survey_enabled(activation) -> bool:
    return process_spec(activation.process).is_enabled("survey")


def _is_after_check_with_survey(activation) -> bool:
    return _is_approval_after("check_dossier")(activation) and _is_survey_enabled(activation)


class RecognitionFlow(AuditedFlowMixin, flow.Flow):
    """Công nhận mô hình, điển hình "Dân vận khéo"

    Đăng ký → kiểm tra hồ sơ → khảo sát → đánh giá → công nhận → nhân rộng.
    """

    process_class = RecognitionProcess
    task_class = RecognitionTask
    lock_impl = lock.select_for_update_lock

    process_title = _("Công nhận mô hình “Dân vận khéo”")
    process_summary_template = "{{ process.movement_model.name }} — {{ process.movement_model.get_stage_display }}"

    start = flow.StartHandle(this.start_registration).Annotation(title=_("Đăng ký mô hình")).Next(this.check_dossier)

    check_dossier = (
        HumanTask(TaskFormView.as_view(), acting_unit=ActingUnit.ORGANISER)
        .Annotation(title=_("Kiểm tra hồ sơ"), description=_("Cơ quan thường trực kiểm tra hồ sơ đăng ký"))
        .Permission("recognition.check_dossier")
        .Next(this.dossier_accepted)
    )

    # The accepted dossier goes on to the approval steps after the check, if the pinned
    # version has any, else to the survey, or straight to the council when it skips the survey.
    dossier_accepted = (
        Route()
        .Annotation(title=_("Hồ sơ hợp lệ?"))
        .Case(this.revise, lambda activation: not activation.process.is_dossier_accepted(), label=_("Không"))
        .Case(
            this.approve,
            _has_approval_after("check_dossier"),
            task_data=_first_approval("check_dossier"),
            label=_("Có, phê duyệt thêm"),
        )
        .Case(this.survey, _is_survey_enabled, label=_("Có"))
        .Default(this.evaluation_split, label=_("Có, không khảo sát"))
    )

    revise = (
        HumanTask(TaskFormView.as_view(), acting_unit=ActingUnit.REGISTRANT)
        .Annotation(title=_("Bổ sung hồ sơ"), description=_("Đơn vị bổ sung hồ sơ theo yêu cầu"))
        .Permission("recognition.register_model")
        .Assign(this.active_submitter)
        .Next(this.check_dossier)
    )

    survey = (
        HumanTask(TaskFormView.as_view(), acting_unit=ActingUnit.ORGANISER)
        .Annotation(title=_("Khảo sát thực tế"), description=_("Tổ khảo sát đến cơ sở và lập báo cáo"))
        .Permission("recognition.conduct_survey")
        .Next(this.after_survey)
    )

    after_survey = (
        Route()
        .Annotation(title=_("Kiến nghị của tổ khảo sát"))
        .Case(this.survey_case_end, this.is_case_ended_by_survey, label=_("Không đề nghị, kết thúc"))
        .Case(
            this.approve, _has_approval_after("survey"), task_data=_first_approval("survey"), label=_("Phê duyệt thêm")
        )
        .Default(this.evaluation_split, label=_("Hội đồng đánh giá"))
    )

    survey_case_end = (
        flow.Function(this.survey_not_recommended_end)
        .Annotation(title=_("Kết thúc hồ sơ theo kiến nghị khảo sát"))
        .Next(this.rejected)
    )

    evaluation_split = (
        FanOut().Annotation(title=_("Gửi phiếu chấm cho hội đồng")).Next(this.evaluate, data_source=this.council_seats)
    )

    evaluate = (
        HumanTask(TaskFormView.as_view(), acting_unit=ActingUnit.ORGANISER)
        .Annotation(title=_("Chấm điểm"), description=_("Thành viên hội đồng chấm điểm theo tiêu chí"))
        .Permission("recognition.evaluate_model")
        .Assign(this.council_seat_member)
        .Next(this.evaluation_join)
    )

    evaluation_join = flow.Join().Annotation(title=_("Thu phiếu chấm")).Next(this.tally)

    tally = flow.Function(this.tally_scores).Annotation(title=_("Tổng hợp điểm")).Next(this.evaluation_passed)

    evaluation_passed = (
        Route()
        .Annotation(title=_("Đạt ngưỡng công nhận?"))
        .Case(this.rejected, lambda activation: not activation.process.is_evaluation_passed(), label=_("Không"))
        .Case(
            this.approve,
            _has_approval_after("evaluate"),
            task_data=_first_approval("evaluate"),
            label=_("Có, phê duyệt thêm"),
        )
        .Default(this.recognise, label=_("Có"))
    )

    # One node for every additional approval step of the pinned version: task.data names the step.
    approve = (
        HumanTask(TaskFormView.as_view(), acting_unit=ActingUnit.ORGANISER)
        .Annotation(title=_("Ý kiến phê duyệt"), description=_("Bước phê duyệt bổ sung theo quy trình áp dụng"))
        .Next(this.approval_routed, task_data=this.approval_outcome_data)
    )

    approval_routed = (
        Route()
        .Annotation(title=_("Kết quả phê duyệt"))
        .Case(this.revise, _is_approval(ApprovalOutcome.RETURN), label=_("Trả lại"))
        .Case(this.rejected, _is_approval(ApprovalOutcome.REJECT), label=_("Không đồng ý"))
        .Case(this.approve, this.has_next_approval, task_data=this.next_approval, label=_("Bước phê duyệt tiếp theo"))
        .Case(this.survey, _is_after_check_with_survey, label=_("Đồng ý"))
        .Case(this.evaluation_split, _is_approval_after("check_dossier", "survey"), label=_("Đồng ý"))
        .Default(this.recognise, label=_("Đồng ý"))
    )

    recognise = (
        HumanTask(TaskFormView.as_view(), acting_unit=ActingUnit.ORGANISER)
        .Annotation(title=_("Ký quyết định công nhận"), description=_("Trưởng Ban Chỉ đạo ký quyết định"))
        .Permission("recognition.sign_decision")
        .Next(this.replicate)
    )

    replicate = (
        HumanTask(TaskFormView.as_view(), acting_unit=ActingUnit.ORGANISER)
        .Annotation(title=_("Theo dõi nhân rộng"), description=_("Ghi nhận các đơn vị áp dụng mô hình"))
        .Permission("recognition.track_replication")
        .Next(this.replication_closed)
    )

    replication_closed = (
        flow.If(lambda activation: activation.process.is_replication_closed())
        .Annotation(title=_("Kết thúc nhân rộng?"))
        .Then(this.end)
        .Else(this.replicate)
    )

    end = flow.End().Annotation(title=_("Hoàn thành"))
    rejected = flow.End().Annotation(title=_("Không công nhận"))

    # Node callbacks: each reads the process and delegates to a domain service.

    def start_registration(self, activation, movement_model, procedure_version=None):
        process = activation.process
        process.movement_model = movement_model
        process.organising_unit_id = movement_model.campaign.organising_unit_id
        process.registering_unit_id = movement_model.unit_id
        process.scope_path = movement_model.unit.path
        # The version the registration was checked against (read once), else the one in force now.
        process.procedure_version = (
            procedure_version or version_in_force(movement_model.campaign.organising_unit) or national_version_ensure()
        )
        return process

    def active_submitter(self, activation):
        submitter = activation.process.movement_model.submitted_by
        return submitter if submitter.is_active and submitter.unit_id == activation.task.unit_id else None

    def is_case_ended_by_survey(self, activation) -> bool:
        """The version ends a case the survey team does not recommend, and this report does not."""
        process = activation.process
        if process_spec(process).survey_not_recommended != SurveyNotRecommended.END_CASE:
            return False
        report = self._survey_report(process)
        # No report: the survey was switched off by a migration while it was open.
        return report is not None and report.recommendation == SurveyRecommendation.NOT_RECOMMEND

    def survey_not_recommended_end(self, activation):
        process = activation.process
        with workflow_scope(process_id=process.pk, task_id=activation.task.pk):
            survey_case_end(movement_model=process.movement_model, report=self._survey_report(process))

    def _survey_report(self, process) -> SurveyReport | None:
        if not hasattr(process, "survey_report_latest"):
            process.survey_report_latest = (
                SurveyReport.objects.filter(movement_model_id=process.movement_model_id)
                .order_by("-created_at", "-pk")
                .first()
            )
        return process.survey_report_latest

    def approval_outcome_data(self, activation) -> dict:
        """The approval task's step and the opinion just given on it, for the gateway that routes it."""
        # The opinion the task's completion has just recorded (RecognitionProcess.outcome_keep).
        return {**activation.task.data, "outcome": activation.process.approval_opinion_latest.outcome}

    def has_next_approval(self, activation) -> bool:
        data = activation.task.data
        return process_spec(activation.process).approval_step_next(data["after"], data["step"]) is not None

    def next_approval(self, activation) -> dict:
        data = activation.task.data
        return _step_data(process_spec(activation.process).approval_step_next(data["after"], data["step"]))

    def council_seats(self, activation):
        """One evaluation task per seated member (recusals recorded); an open seat when nobody is seated."""
        process = activation.process
        with workflow_scope(process_id=process.pk, task_id=activation.task.pk):
            members = council_seats_hand_out(process)
        # The seats' tasks are created next, in this transaction: their owners need no second look-up.
        process.council_seat_members = {member.pk: member for member in members}
        return [{"member": member.pk} for member in members] or [{}]

    def council_seat_member(self, activation):
        member_id = activation.task.data.get("member")
        if member_id is None:
            return None
        member = getattr(activation.process, "council_seat_members", {}).get(member_id)
        if member is not None:
            return member
        return get_user_model().objects.filter(pk=member_id, is_active=True).first()

    def tally_scores(self, activation):
        with workflow_scope(process_id=activation.process.pk, task_id=activation.task.pk):
            activation.process.outcome_keep(pinned_evaluation_tally(activation.process.movement_model))

    def has_view_permission(self, user, obj=None):
        from .selectors import process_visible_to

        if not user.is_authenticated:
            return False
        if obj is None:
            return user.is_superuser or user.has_perm("recognition.view_movementmodel")
        return process_visible_to(user=user, process=obj)
