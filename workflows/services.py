"""Write operations on processes and tasks. Views and API endpoints call only these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from procedures.dossier import dossier_problems
from procedures.selectors import version_in_force, version_spec
from procedures.services import national_version_ensure
from recognition.audit.snapshot import movement_model_snapshot, snapshot_changes
from recognition.audit_context import acting_as, workflow_scope
from recognition.models import AuditAction, Campaign, MovementModel, Unit, User
from recognition.services.audit import audit_batch, audit_record
from recognition.services.nomination import model_nominate
from recognition.services.registration import dossier_data_of, model_register

from .deadlines.planning import task_starts_batched
from .exceptions import TaskNotAvailable
from .flows import RecognitionFlow
from .locking import task_process_locked
from .models import RecognitionTask
from .stages import STAGES


def registration_submit(
    *,
    submitted_by: User,
    campaign: Campaign,
    data: dict,
    files=(),
    unit: Unit | None = None,
    confirm_duplicate: bool = False,
) -> MovementModel:
    """Register a model and start its recognition process, in one transaction.

    `unit` is the registering unit when the person registers on its behalf (None: the
    person's own unit); `confirm_duplicate` confirms a name close to one the unit already
    registered (see `recognition.services.registration.model_register`).

    The dossier must hold what the procedure version in force for the campaign requires
    (fields, attachments); the process is pinned to that version.
    """
    version = version_in_force(campaign.organising_unit) or national_version_ensure()
    problems = dossier_problems(version_spec(version), data=data, attachment_count=len(files))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic(), acting_as(submitted_by), audit_batch(), task_starts_batched():
        movement_model = model_register(
            submitted_by=submitted_by,
            campaign=campaign,
            data=data,
            files=files,
            unit=unit,
            confirm_duplicate=confirm_duplicate,
        )
        RecognitionFlow.start.run(movement_model=movement_model, procedure_version=version)
    return movement_model


def nomination_submit(*, movement_model: MovementModel, campaign: Campaign, nominated_by: User) -> MovementModel:
    """Nominate a recognised model to a higher level's campaign and start the new model's process.

    One transaction: the new model, its copied attachments, both audit records and the
    process pinned to the version in force for the higher campaign, or nothing.
    """
    version = version_in_force(campaign.organising_unit) or national_version_ensure()
    with transaction.atomic(), acting_as(nominated_by), audit_batch(), task_starts_batched():
        nominated = model_nominate(movement_model=movement_model, campaign=campaign, nominated_by=nominated_by)
        problems = dossier_problems(
            version_spec(version), data=dossier_data_of(nominated), attachment_count=nominated.attachments.count()
        )
        if problems:
            raise ValidationError(problems)
        RecognitionFlow.start.run(movement_model=nominated, procedure_version=version)
    return nominated


def task_form_for(*, task: RecognitionTask, user: User, data=None, files=None):
    stage = STAGES[task.flow_task.name]
    extra = stage.form_kwargs(task) if stage.form_kwargs is not None else {}
    return stage.form_class(data=data, files=files, movement_model=task.process.subject_model, user=user, **extra)


def task_execute(*, activation, user: User, form, before: dict | None = None) -> None:
    """Apply a valid task form and move the flow on.

    Precondition: the caller holds the process lock inside a transaction and has
    started the activation (viewflow's view wrapper or `task_complete` does both).
    `before` is the model's snapshot read under that lock before the form was
    validated (a ModelForm copies its values onto the instance); without it the
    model is read again from the database.
    """
    task = activation.task
    stage = STAGES[task.flow_task.name]
    movement_model = activation.process.subject_model
    with (
        workflow_scope(process_id=task.process_id, task_id=task.pk),
        acting_as(user),
        audit_batch(),
        task_starts_batched(),
    ):
        if before is None:
            before = movement_model_snapshot(MovementModel.objects.get(pk=movement_model.pk))
        outcome = stage.submit(movement_model=movement_model, user=user, form=form)
        if outcome is not None:
            activation.process.outcome_keep(outcome)
        audit_record(
            action=AuditAction.TASK_COMPLETED,
            actor=user,
            movement_model=movement_model,
            payload={
                "node": task.flow_task.name,
                "values": form.audit_values(),
                "changes": snapshot_changes(before, movement_model_snapshot(movement_model)),
            },
        )
        activation.execute()


# What each operation reads with the task, under the lock: the process as its
# RecognitionProcess (viewflow's `process.coerced`), the owner for the permission
# check, and for a completion the model, its campaign and the units the next tasks' notifications
# name. One query; the activation, the form and the audit records read no row twice.
_FOR_CLAIM = ("process",)
_FOR_RELEASE = ("owner", "process")
_FOR_COMPLETION = (
    "owner",
    "process__movement_model__campaign",
    "process__followed_model__campaign",
    "process__organising_unit",
    "process__registering_unit",
)


def _task_under_lock(task_id: int, related: tuple[str, ...]) -> RecognitionTask:
    """The task as it is now. Precondition: the caller holds the flow lock of its process."""
    return RecognitionTask.objects.select_related(*related).get(pk=task_id)


def task_complete(*, task_id: int, user: User, data, files=None) -> RecognitionTask:
    """Complete a task from the API: same form, same service, same checks as the web page.

    Raises TaskNotAvailable when it is no longer open (double submit), PermissionDenied
    when the user does not own it, ValidationError with the form's field map.
    """
    # The lock opens the transaction.
    with task_process_locked(task_id), audit_batch():
        task = _task_under_lock(task_id, _FOR_COMPLETION)
        if task.status not in (STATUS.ASSIGNED, STATUS.NEW):
            raise TaskNotAvailable()
        node = task.flow_task
        if task.status == STATUS.NEW or not node.can_execute(user, task):
            raise PermissionDenied(_("Bạn phải nhận nhiệm vụ này trước khi xử lý."))
        before = movement_model_snapshot(task.process.subject_model)
        form = task_form_for(task=task, user=user, data=data, files=files)
        if not form.is_valid():
            raise ValidationError(
                {field: [error["message"] for error in errors] for field, errors in form.errors.get_json_data().items()}
            )
        activation = node.activation_class(task)
        with acting_as(user):
            activation.start(None)
        task_execute(activation=activation, user=user, form=form, before=before)
    return task


def task_claim(*, task_id: int, user: User) -> RecognitionTask:
    with (
        task_process_locked(task_id),
        acting_as(user),
        audit_batch(),
    ):
        task = _task_under_lock(task_id, _FOR_CLAIM)
        if task.status != STATUS.NEW:
            raise TaskNotAvailable(_("Nhiệm vụ đã có người nhận hoặc đã được xử lý."))
        node = task.flow_task
        if not node.can_assign(user, task):
            raise PermissionDenied(_("Bạn không có quyền nhận nhiệm vụ này."))
        with workflow_scope(process_id=task.process_id, task_id=task.pk):
            node.activation_class(task).assign(user)
    return task


def task_release(*, task_id: int, user: User) -> RecognitionTask:
    with (
        task_process_locked(task_id),
        acting_as(user),
        audit_batch(),
    ):
        task = _task_under_lock(task_id, _FOR_RELEASE)
        if task.status != STATUS.ASSIGNED:
            raise TaskNotAvailable(_("Nhiệm vụ không ở trạng thái đã nhận."))
        node = task.flow_task
        if not node.can_unassign(user, task):
            raise PermissionDenied(_("Bạn không có quyền trả lại nhiệm vụ này."))
        node.activation_class(task).unassign()
    return task
