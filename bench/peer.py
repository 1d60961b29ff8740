"""The peer: the stack a team would otherwise assemble for the same lifecycle.

`bench.bare_flow.BareFlow` (viewflow's own Process and Task rows) with

- django-simple-history on those engine rows (`bench/models.py` registers it; the bench
  settings alone install the app), one historical row per insert or update;
- Khéo's domain writes, through the same `recognition.services` functions Khéo's steps
  call (registration, dossier review, survey report, score sheets and tally, decision,
  replication and close), after the same input forms, in the step's transaction;
  the audit trail is simple-history's here, so Khéo's hash-chained audit records are
  switched off for the peer (`audit_suspended`): this is Khéo "domain rows only"
  (`bench.duties`' last row) on the bare flow, plus history and a publish;
- one Celery `delay()` per new human task, published to Redis after the commit, as a
  team would notify the new task's people (`bench.tasks.peer_task_created`, a trivial
  task on a queue of its own that no worker of the project reads).

Imported only after `django.setup()`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.test import override_settings
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from recognition.models import Aggregation, Criterion, MovementModel
from recognition.services.audit import audit_suspended
from recognition.services.decisions import decision_issue
from recognition.services.registration import model_register
from recognition.services.replication import model_close, replication_record
from recognition.services.review import council_score_submit, dossier_review_record, evaluation_tally
from recognition.services.review import survey_report_submit as survey_report_write
from recognition.services.tally import RubricCriterion, TallyRule
from workflows import forms
from workflows.exceptions import TaskNotAvailable

from .bare_flow import BareFlow, bare_claim
from .tasks import peer_task_created

_publishing: ContextVar[bool] = ContextVar("bench_peer_publishing", default=False)


@receiver(post_save, sender=Task, dispatch_uid="bench.peer.new_task")
def _new_task_published(sender, instance, created, **kwargs):
    if created and _publishing.get() and instance.flow_task_type == "HUMAN":
        task_id = instance.pk
        transaction.on_commit(lambda: peer_task_created.delay(task_id))


@contextmanager
def peer_stack():
    """The peer's duties for the block: history on, Khéo's audit chain off, a publish per new task."""
    token = _publishing.set(True)
    try:
        with audit_suspended():
            yield
    finally:
        _publishing.reset(token)


def without_history():
    """For the bare flow and Khéo: viewflow's rows are the same models, their history is the peer's alone."""
    return override_settings(SIMPLE_HISTORY_ENABLED=False)


def _check_dossier(movement_model, user, form, tally):
    dossier_review_record(
        movement_model=movement_model,
        reviewer=user,
        is_accepted=form.cleaned_data["decision"] == forms.DossierCheckForm.Decision.ACCEPT,
        reason=form.cleaned_data.get("reason", ""),
    )


def _survey(movement_model, user, form, tally):
    survey_report_write(
        movement_model=movement_model,
        surveyed_by=user,
        visited_on=form.cleaned_data["visited_on"],
        findings=form.cleaned_data["findings"],
        recommendation=form.cleaned_data["recommendation"],
    )


def _live_rubric(movement_model) -> tuple[RubricCriterion, ...]:
    """The peer has no procedure versions: it reads today's criteria (one query), as a team would."""
    criteria = Criterion.objects.filter(applies_to=movement_model.collective_kind, is_active=True)
    return tuple(RubricCriterion(code=c.code, name=c.name, max_points=c.max_points) for c in criteria)


class _PeerScoreForm(forms.CouncilScoreForm):
    def __init__(self, *args, movement_model, user, **kwargs):
        super().__init__(*args, movement_model=movement_model, user=user, rubric=_live_rubric(movement_model), **kwargs)


def _evaluate(movement_model, user, form, tally):
    council_score_submit(movement_model=movement_model, member=user, points=form.points(), rubric=form.rubric)
    if tally:
        rule = TallyRule(
            criteria=_live_rubric(movement_model),
            pass_threshold=Decimal("70"),
            outstanding_threshold=Decimal("90"),
            aggregation=Aggregation.MEAN,
        )
        evaluation_tally(movement_model=movement_model, rule=rule)


def _recognise(movement_model, user, form, tally):
    decision_issue(
        campaign=movement_model.campaign,
        model_ids=[movement_model.pk],
        signer=user,
        signed_on=form.cleaned_data["signed_on"],
    )


def _replicate(movement_model, user, form, tally):
    replication_record(
        movement_model=movement_model,
        recorded_by=user,
        adopting_units=list(form.cleaned_data["adopting_units"]),
        started_on=form.cleaned_data["started_on"],
        status=form.cleaned_data["status"],
    )
    if form.cleaned_data.get("close_tracking"):
        model_close(movement_model=movement_model, closed_by=user)


# node name → (input form, domain writes)
PEER_STEPS = {
    "check_dossier": (forms.DossierCheckForm, _check_dossier),
    "survey": (forms.SurveyForm, _survey),
    "evaluate": (_PeerScoreForm, _evaluate),
    "recognise": (forms.RecognitionForm, _recognise),
    "replicate": (forms.ReplicationForm, _replicate),
}


def peer_start(*, submitter, dossier_form) -> tuple[MovementModel, object]:
    """Register the model and start its bare process, in one transaction."""
    with transaction.atomic():
        movement_model = model_register(
            submitted_by=submitter,
            campaign=dossier_form.cleaned_data["campaign"],
            data=dossier_form.dossier_data(),
        )
        process = BareFlow.start.run()
    return movement_model, process


def peer_claim(*, task_id: int, user) -> Task:
    return bare_claim(task_id=task_id, user=user)


def peer_complete(*, task_id: int, user, movement_model_id: int, data: dict, tally: bool = False) -> Task:
    """Lock, check, validate the step's form, write the domain rows, move the bare flow on."""
    task = Task.objects.select_related("process").get(pk=task_id)
    with BareFlow.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status != STATUS.ASSIGNED:
            raise TaskNotAvailable()
        node = task.flow_task
        if not node.can_execute(user, task):
            raise PermissionDenied()
        movement_model = MovementModel.objects.select_related("campaign").get(pk=movement_model_id)
        form_class, write = PEER_STEPS[node.name]
        form = form_class(data=data, movement_model=movement_model, user=user)
        if not form.is_valid():
            raise ValidationError(form.errors.as_json())
        write(movement_model, user, form, tally)
        activation = node.activation_class(task)
        activation.start(None)
        activation.execute()
    return task
