"""The yardstick: a bare viewflow flow with RecognitionFlow's shape and no domain.

Same node sequence (start → check_dossier → If → survey → fan-out of one `evaluate` per
council member → join → function → If → recognise → replicate → If → end), plain
`flow.View` nodes with the same permissions, viewflow's default Process and Task
models, and no writes besides viewflow's own. The fan-out reuses `workflows.nodes.FanOut`
(viewflow's free edition has no per-item split).

`bare_claim` and `bare_complete` do what `workflows.services.task_claim` and
`task_complete` do around the domain: read the task, take the process lock inside a
transaction, re-read it, check the node's permission, then assign or start + execute.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from recognition.roles import Role
from workflows.exceptions import TaskNotAvailable
from workflows.nodes import FanOut


def _view():
    return UpdateProcessView.as_view(fields=[])


class BareFlow(flow.Flow):
    """Bare viewflow flow of the recognition shape (benchmark only)."""

    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle().Next(this.check_dossier)
    check_dossier = flow.View(_view()).Permission("recognition.check_dossier").Next(this.dossier_accepted)
    dossier_accepted = flow.If(lambda activation: True).Then(this.survey).Else(this.revise)
    revise = flow.View(_view()).Permission("recognition.register_model").Next(this.check_dossier)
    survey = flow.View(_view()).Permission("recognition.conduct_survey").Next(this.evaluation_split)
    evaluation_split = FanOut().Next(this.evaluate, data_source=this.council_seats)
    evaluate = (
        flow.View(_view())
        .Permission("recognition.evaluate_model")
        .Assign(this.council_seat_member)
        .Next(this.evaluation_join)
    )
    evaluation_join = flow.Join().Next(this.tally)
    tally = flow.Function(this.tally_scores).Next(this.evaluation_passed)
    evaluation_passed = flow.If(lambda activation: True).Then(this.recognise).Else(this.rejected)
    recognise = flow.View(_view()).Permission("recognition.sign_decision").Next(this.replicate)
    replicate = flow.View(_view()).Permission("recognition.track_replication").Next(this.replication_closed)
    replication_closed = flow.If(lambda activation: True).Then(this.end).Else(this.replicate)
    end = flow.End()
    rejected = flow.End()

    def council_seats(self, activation):
        members = get_user_model().objects.filter(is_active=True, groups__name=Role.COUNCIL_MEMBER)
        return [{"member": pk} for pk in members.order_by("pk").values_list("pk", flat=True).distinct()]

    def council_seat_member(self, activation):
        return get_user_model().objects.filter(pk=activation.task.data["member"], is_active=True).first()

    def tally_scores(self, activation):
        """Nothing to add up in the bare flow."""


def bare_start():
    with transaction.atomic():
        return BareFlow.start.run()


def bare_claim(*, task_id: int, user) -> Task:
    task = Task.objects.select_related("process").get(pk=task_id)
    with BareFlow.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.NEW:
            raise TaskNotAvailable()
        node = task.flow_task
        if not node.can_assign(user, task):
            raise PermissionDenied()
        node.activation_class(task).assign(user)
    return task


def bare_complete(*, task_id: int, user) -> Task:
    task = Task.objects.select_related("process").get(pk=task_id)
    with BareFlow.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.ASSIGNED:
            raise TaskNotAvailable()
        node = task.flow_task
        if not node.can_execute(user, task):
            raise PermissionDenied()
        activation = node.activation_class(task)
        activation.start(None)
        activation.execute()
    return task
