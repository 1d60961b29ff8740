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
from recognition.audit_context import workflow_scope
from recognition.roles import Role

from .activations import AuditedFlowMixin
from .models import RecognitionProcess, RecognitionTask
from .nodes import ActingUnit, FanOut, HumanTask
from .pinning import pinned_evaluation_tally
from .views.tasks import TaskFormView


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

    dossier_accepted = (
        flow.If(lambda activation: activation.process.is_dossier_accepted())
        .Annotation(title=_("Hồ sơ hợp lệ?"))
        .Then(this.survey)
        .Else(this.revise)
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
        .Next(this.evaluation_split)
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
        flow.If(lambda activation: activation.process.is_evaluation_passed())
        .Annotation(title=_("Đạt ngưỡng công nhận?"))
        .Then(this.recognise)
        .Else(this.rejected)
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

    def start_registration(self, activation, movement_model):
        process = activation.process
        process.movement_model = movement_model
        process.organising_unit_id = movement_model.campaign.organising_unit_id
        process.registering_unit_id = movement_model.unit_id
        process.scope_path = movement_model.unit.path
        organiser = movement_model.campaign.organising_unit
        process.procedure_version = version_in_force(organiser) or national_version_ensure()
        return process

    def active_submitter(self, activation):
        submitter = activation.process.movement_model.submitted_by
        return (
            submitter if submitter.is_active and submitter.unit_id == activation.process.registering_unit_id else None
        )

    def council_seats(self, activation):
        """One evaluation task per council member; an open seat when none is appointed."""
        process = activation.process
        members = list(process.movement_model.campaign.council_members.filter(is_active=True).order_by("pk"))
        if not members:
            members = list(
                get_user_model()
                .objects.filter(is_active=True, unit_id=process.organising_unit_id, groups__name=Role.COUNCIL_MEMBER)
                .order_by("pk")
                .distinct()
            )
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
