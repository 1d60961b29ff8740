"""Follow-up of recognised models, on the engine rows of the recognition flow.

Two small processes, each started by a service rather than a person:
- an adoption (nhân rộng) is followed up by the adopting unit: one `adoption_report`
  task after another, each with its own due date, until the unit reports it effective;
- the annual re-review (rà soát hằng năm) asks the model's standing body (whoever checks
  dossiers in the pinned version) whether the model is still effective.

They share `RecognitionProcess`/`RecognitionTask` with the recognition flow (so the
inbox, queue, archive and the task API list them with the other tasks): a follow-up
process leaves `movement_model` (the one-to-one of the recognition process) empty and
names the model in `followed_model`. Their due dates come from
`KHEO_FOLLOW_UP_SLA_WORKING_DAYS` (see `FollowUpTask.stage_deadlines`).
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.status import PROCESS

from procedures.spec import EscalationLevel
from recognition.models import MovementModel, Replication, ReplicationStatus, ReReview, User
from recognition.services.audit import audit_batch
from recognition.services.replication import replication_record
from recognition.services.rereview import campaigns_due_for_rereview, rereview_candidates, rereview_open

from .activations import AuditedFlowMixin
from .deadlines.planning import task_starts_batched
from .deadlines.policy import StageDeadlines, deadline_policy
from .models import RecognitionProcess, RecognitionTask
from .nodes import ActingUnit, HumanTask
from .performers import owner_permission_for, performer_unit_id, task_performer
from .views.tasks import TaskFormView

DEFAULT_FOLLOW_UP_SLA_WORKING_DAYS = {"adoption_report": 60, "rereview": 15}


class FollowUpTask(HumanTask):
    """A follow-up task: its due date from the follow-up settings, not from a procedure version's stages."""

    def stage_deadlines(self) -> StageDeadlines | None:
        """The SLA from `KHEO_FOLLOW_UP_SLA_WORKING_DAYS`, with the instance's reminders and escalation levels
        (an overdue follow-up notifies the supervisors; it is never taken from its unit)."""
        policy = deadline_policy()
        days = {**DEFAULT_FOLLOW_UP_SLA_WORKING_DAYS, **getattr(settings, "KHEO_FOLLOW_UP_SLA_WORKING_DAYS", {})}
        if self.name not in days:
            return None
        return StageDeadlines(
            sla_working_days=days[self.name],
            reminder_offsets=policy.reminder_offsets,
            escalation=tuple(
                EscalationLevel(after_working_days=delay, supervisor_role=policy.supervisor_role, reassign=False)
                for delay in policy.escalation_delays
            ),
            clock_paused=False,
        )


class AdoptionReportTask(FollowUpTask):
    """Done by the adopting unit's staff (who register models for their unit)."""

    def performer(self, activation):
        return None

    def calc_unit_id(self, activation) -> int | None:
        return activation.process.replication.adopting_unit_id


class ReReviewTask(FollowUpTask):
    """Done by the model's standing body: the unit and role that check its dossiers in the pinned version."""

    def performer(self, activation):
        return task_performer(activation.process, "check_dossier", None)

    def calc_unit_id(self, activation) -> int | None:
        performer = self.performer(activation)
        return performer_unit_id(activation.process, performer.performer_unit if performer else ActingUnit.ORGANISER)

    def calc_owner_permission(self, activation):
        return owner_permission_for("check_dossier", "recognition.check_dossier", self.performer(activation))


class FollowUpFlow(AuditedFlowMixin, flow.Flow):
    """Theo dõi sau công nhận

    Báo cáo kết quả nhân rộng của đơn vị áp dụng; rà soát hằng năm mô hình còn hiệu quả.
    """

    process_class = RecognitionProcess
    task_class = RecognitionTask
    lock_impl = lock.select_for_update_lock

    process_title = _("Theo dõi sau công nhận")
    process_summary_template = "{{ process.followed_model.name }}"

    start_adoption = (
        flow.StartHandle(this.adoption_start)
        .Annotation(title=_("Ghi nhận đơn vị nhân rộng"))
        .Next(this.adoption_report)
    )
    adoption_report = (
        AdoptionReportTask(TaskFormView.as_view(), acting_unit=ActingUnit.REGISTRANT)
        .Annotation(title=_("Báo cáo kết quả nhân rộng"), description=_("Đơn vị áp dụng báo cáo kết quả thực hiện"))
        .Permission("recognition.register_model")
        .Next(this.adoption_effective)
    )
    adoption_effective = (
        flow.If(lambda activation: activation.process.is_adoption_effective())
        .Annotation(title=_("Đã hiệu quả?"))
        .Then(this.adoption_done)
        .Else(this.adoption_report)
    )
    adoption_done = flow.End().Annotation(title=_("Nhân rộng hiệu quả"))

    start_rereview = (
        flow.StartHandle(this.rereview_start).Annotation(title=_("Mở rà soát hằng năm")).Next(this.rereview)
    )
    rereview = (
        ReReviewTask(TaskFormView.as_view(), acting_unit=ActingUnit.ORGANISER)
        .Annotation(title=_("Rà soát hằng năm"), description=_("Cơ quan thường trực rà soát mô hình còn hiệu quả"))
        .Permission("recognition.check_dossier")
        .Next(this.rereview_done)
    )
    rereview_done = flow.End().Annotation(title=_("Đã rà soát"))

    def _follow(self, process, movement_model: MovementModel) -> None:
        """The follow-up process reads the model's scope and pinned version as its recognition process does."""
        recognition = movement_model.process
        process.followed_model = movement_model
        process.organising_unit_id = recognition.organising_unit_id
        process.registering_unit_id = recognition.registering_unit_id
        process.scope_path = recognition.scope_path
        process.procedure_version_id = recognition.procedure_version_id

    def adoption_start(self, activation, replication: Replication):
        process = activation.process
        self._follow(process, replication.source_model)
        process.replication = replication
        # The adopting unit sees its own follow-up: the process is scoped to it (it lies
        # under the organising unit, which sees it too), not to the registering unit.
        process.scope_path = replication.adopting_unit.path
        return process

    def rereview_start(self, activation, rereview: ReReview):
        process = activation.process
        self._follow(process, rereview.movement_model)
        process.rereview = rereview
        return process

    def has_view_permission(self, user, obj=None):
        from .selectors import process_visible_to

        if not user.is_authenticated:
            return False
        if obj is None:
            return user.is_superuser or user.has_perm("recognition.view_movementmodel")
        return process_visible_to(user=user, process=obj)


def adoptions_record(
    *, movement_model: MovementModel, recorded_by: User, adopting_units, started_on: date, status: str
) -> list[Replication]:
    """Record adopting units (or move adoptions on) and start the follow-up of each new one.

    Precondition: inside the caller's transaction (a task's, or the API's).
    """
    with transaction.atomic(), task_starts_batched():
        recorded = replication_record(
            movement_model=movement_model,
            recorded_by=recorded_by,
            adopting_units=adopting_units,
            started_on=started_on,
            status=status,
        )
        for replication in recorded:
            if replication.created and replication.status != ReplicationStatus.EFFECTIVE:
                FollowUpFlow.start_adoption.run(replication=replication)
            elif not replication.created and replication.status == ReplicationStatus.EFFECTIVE:
                # Recorded effective by the organiser: the unit's pending report is no longer asked for.
                for process in replication.follow_up_processes.filter(status=PROCESS.NEW):
                    FollowUpFlow.instance.cancel(process)
    return recorded


def rereview_start(*, movement_model: MovementModel, year: int, opened_on: date) -> ReReview | None:
    """Open the model's re-review of `year` and its task for the standing body; None when it exists already."""
    with transaction.atomic(), audit_batch(), task_starts_batched():
        rereview = rereview_open(movement_model=movement_model, year=year, opened_on=opened_on)
        if rereview is not None:
            FollowUpFlow.start_rereview.run(rereview=rereview)
    return rereview


def rereviews_open_due(*, today: date | None = None) -> int:
    """Open this year's re-review, and its task, for every model whose campaign's date has come.

    Idempotent: a model has one re-review per year (unique constraint), so a second run
    of the day (or of a later day) opens nothing new. Returns how many were opened.
    """
    today = today or timezone.localdate()
    opened = 0
    for campaign in campaigns_due_for_rereview(today=today):
        for movement_model in rereview_candidates(campaign=campaign).select_related("process"):
            # One transaction per model: a failure leaves the others opened, and the next run retries it.
            if rereview_start(movement_model=movement_model, year=campaign.rereview_on.year, opened_on=today):
                opened += 1
    return opened


def adoption_open_task(replication: Replication) -> RecognitionTask | None:
    """The adoption's follow-up task waiting for its report, if any."""
    from viewflow.workflow.status import STATUS

    return (
        RecognitionTask.objects.filter(
            process__replication=replication,
            flow_task=FollowUpFlow.adoption_report,
            status__in=(STATUS.NEW, STATUS.ASSIGNED),
        )
        .order_by("-created")
        .first()
    )
