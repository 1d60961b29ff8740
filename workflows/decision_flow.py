"""Decisions and the flow: who may sign (the pinned version), and the tasks a decision settles.

Issuing moves the covered models' stage in the issuing transaction; their open
`recognise` tasks are completed afterwards, each under its process's lock, by a Celery
job. The decision row is its own outbox entry: `tasks_settled_at` stays empty until the
job has run, the job is published after the commit and again by the beat's sweep
(`decisions.settle_pending`), and it skips what is done already, so a lost message or a
retry changes nothing twice. A revocation cancels the covered models' running
processes (their replication tracking) the same way.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS, STATUS

from procedures.spec import ProcedureSpec
from recognition.audit_context import acting_as, workflow_scope
from recognition.models import (
    AuditAction,
    Campaign,
    DecisionEntry,
    DecisionKind,
    ModelStage,
    MovementModel,
    RecognitionDecision,
    User,
)
from recognition.services.audit import audit_batch, audit_record
from recognition.services.decision_documents import default_place
from recognition.services.decisions import (
    DecisionSetup,
    decision_amend,
    decision_issue,
    decision_revoke,
)

from .deadlines.planning import task_starts_batched
from .locking import process_locked
from .models import RecognitionProcess, RecognitionTask
from .performers import owner_permission_for, process_spec, user_may_perform

logger = logging.getLogger(__name__)

SETTLE_TASK = "decisions.settle"
SWEEP_AFTER = timedelta(minutes=2)
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
SIGN_PERMISSION = "recognition.sign_decision"


# Reads ----------------------------------------------------------------------------------------


def decisions_visible_to(*, user: User) -> QuerySet[RecognitionDecision]:
    """Decisions issued by the user's unit or a unit below it, or listing a model of that subtree."""
    queryset = RecognitionDecision.objects.select_related("campaign", "issuing_unit", "signer")
    if user.is_superuser:
        return queryset
    if user.unit_id is None:
        return queryset.none()
    # Also the decisions naming one of the user's models: a unit sees the decision that recognised it.
    listing = DecisionEntry.objects.filter(
        decision=OuterRef("pk"), movement_model__unit__path__startswith=user.unit.path
    )
    return queryset.filter(Q(issuing_unit__path__startswith=user.unit.path) | Exists(listing))


def models_awaiting_decision(*, campaign: Campaign) -> QuerySet[MovementModel]:
    """The campaign's models at stage RECOGNITION (the issue checks their results and decisions)."""
    return (
        MovementModel.objects.filter(campaign=campaign, stage=ModelStage.RECOGNITION)
        .select_related("unit", "field")
        .order_by("unit__path", "name", "pk")
    )


def campaigns_for_decisions(*, user: User) -> QuerySet[Campaign]:
    """Campaigns organised by the user's unit (where the user's body signs)."""
    if user.is_superuser:
        return Campaign.objects.select_related("organising_unit").order_by("-year", "name")
    if user.unit_id is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(organising_unit_id=user.unit_id).order_by("-year", "name")


def signing_spec(*, model_ids: Iterable[int]) -> ProcedureSpec | None:
    """The pinned version of the models' processes; ValidationError when they disagree on signing."""
    version_ids = set(
        RecognitionProcess.objects.filter(movement_model_id__in=list(model_ids))
        .values_list("procedure_version_id", flat=True)
        .distinct()
    )
    specs = [
        process_spec(RecognitionProcess(procedure_version_id=version_id)) for version_id in sorted(version_ids, key=str)
    ]
    if not specs:
        return None
    signing = {(spec.decision_number_format, _performer_key(spec)) for spec in specs}
    if len(signing) > 1:
        raise ValidationError(
            {
                "models": _(
                    "Các mô hình đã chọn theo các phiên bản quy trình khác nhau về mẫu số quyết định hoặc người ký; "
                    "hãy ban hành quyết định riêng cho từng nhóm."
                )
            }
        )
    return specs[0]


def _performer_key(spec: ProcedureSpec):
    performer = spec.stage("recognise")
    return (performer.performer_role, performer.performer_unit) if performer is not None else None


def may_sign(*, user: User, campaign: Campaign, spec: ProcedureSpec | None) -> bool:
    """The performer of `recognise` in the pinned version, acting for the campaign's organiser."""
    if user.is_superuser:
        return True
    if user.unit_id != campaign.organising_unit_id:
        return False
    performer = spec.stage("recognise") if spec is not None else None
    return user_may_perform(user, owner_permission_for("recognise", SIGN_PERMISSION, performer))


def may_sign_anything(user: User) -> bool:
    """Whether the pages offer the signing forms (the service checks the pinned version again)."""
    if user.is_superuser:
        return True
    return user.unit_id is not None and Campaign.objects.filter(organising_unit_id=user.unit_id).exists()


def _signing_check(*, user: User, campaign: Campaign, model_ids) -> DecisionSetup:
    spec = signing_spec(model_ids=model_ids)
    if not may_sign(user=user, campaign=campaign, spec=spec):
        raise PermissionDenied(_("Bạn không có quyền ký quyết định cho đợt này."))
    return DecisionSetup(
        number_format=spec.decision_number_format if spec is not None else DecisionSetup.number_format,
        place=default_place(campaign.organising_unit),
        signer_title=user.position,
    )


def _setup_with(setup: DecisionSetup, *, signer_title="", bases=(), recipients=(), summary="") -> DecisionSetup:
    return DecisionSetup(
        number_format=setup.number_format,
        place=setup.place,
        signer_title=(signer_title or "").strip() or setup.signer_title,
        bases=[line.strip() for line in bases if line.strip()],
        recipients=[line.strip() for line in recipients if line.strip()],
        summary=(summary or "").strip(),
    )


# Writes ---------------------------------------------------------------------------------------


def decision_issue_for(
    *,
    user: User,
    campaign: Campaign,
    model_ids: Iterable[int],
    signed_on: date,
    signer_title: str = "",
    bases: Iterable[str] = (),
    recipients: Iterable[str] = (),
    summary: str = "",
) -> RecognitionDecision:
    """Issue one decision for many models of a campaign; their recognise tasks complete after commit."""
    model_ids = list(model_ids or ())
    if not model_ids:
        raise ValidationError({"models": _("Chưa chọn mô hình nào cho quyết định.")})
    setup = _setup_with(
        _signing_check(user=user, campaign=campaign, model_ids=model_ids),
        signer_title=signer_title,
        bases=bases,
        recipients=recipients,
        summary=summary,
    )
    with transaction.atomic():
        decision = decision_issue(campaign=campaign, model_ids=model_ids, signer=user, signed_on=signed_on, setup=setup)
        settle_after_commit(decision.pk)
    return decision


def decision_revoke_for(
    *,
    user: User,
    decision: RecognitionDecision,
    signed_on: date,
    reason: str,
    model_ids: Iterable[int] | None = None,
    signer_title: str = "",
) -> RecognitionDecision:
    listed = list(decision.entries.values_list("movement_model_id", flat=True))
    setup = _setup_with(
        _signing_check(user=user, campaign=decision.campaign, model_ids=listed), signer_title=signer_title
    )
    with transaction.atomic():
        revocation = decision_revoke(
            decision=decision, signer=user, signed_on=signed_on, reason=reason, model_ids=model_ids, setup=setup
        )
        settle_after_commit(revocation.pk)
    return revocation


def decision_amend_for(
    *,
    user: User,
    decision: RecognitionDecision,
    signed_on: date,
    reason: str,
    classifications: Mapping[int, str],
    signer_title: str = "",
) -> RecognitionDecision:
    listed = list(decision.entries.values_list("movement_model_id", flat=True))
    setup = _setup_with(
        _signing_check(user=user, campaign=decision.campaign, model_ids=listed), signer_title=signer_title
    )
    with transaction.atomic():
        amendment = decision_amend(
            decision=decision,
            signer=user,
            signed_on=signed_on,
            reason=reason,
            classifications=classifications,
            setup=setup,
        )
        # An amendment changes no task: nothing to settle.
        RecognitionDecision.objects.filter(pk=amendment.pk).update(tasks_settled_at=timezone.now())
    return amendment


# The outbox and its job ------------------------------------------------------------------------


def settle_after_commit(decision_id: int) -> None:
    transaction.on_commit(lambda: _publish(decision_id))


def _publish(decision_id: int) -> None:
    try:
        current_app.send_task(SETTLE_TASK, args=[decision_id], retry=False)
    except Exception:  # the broker is down: the beat's sweep publishes it again
        logger.warning("Broker unreachable: decision %s left to the sweep", decision_id, exc_info=True)


def decisions_settle_pending(*, now=None) -> list[int]:
    """The beat's sweep: publish again the decisions whose tasks are still unsettled a while after issue."""
    now = now or timezone.now()
    pending = list(
        RecognitionDecision.objects.filter(tasks_settled_at__isnull=True, created_at__lte=now - SWEEP_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    for decision_id in pending:
        _publish(decision_id)
    return pending


def decision_tasks_settle(*, decision_id: int) -> int:
    """Complete (recognition) or cancel (revocation) the covered models' open tasks; returns how many.

    Idempotent: a task done already is skipped; each process is handled in its own
    transaction under its flow lock; the decision is marked settled at the end. The
    stage was moved by the issue, so a completion here moves no stage.
    """
    decision = RecognitionDecision.objects.select_related("signer").get(pk=decision_id)
    if decision.tasks_settled_at is not None:
        return 0
    process_ids = list(
        RecognitionProcess.objects.filter(
            movement_model__decision_entries__decision=decision,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    settled = 0
    for process_id in process_ids:
        if decision.kind == DecisionKind.REVOCATION:
            settled += _process_cancel(process_id=process_id, actor=decision.signer)
        elif decision.kind == DecisionKind.RECOGNITION:
            settled += _recognise_tasks_complete(process_id=process_id, decision=decision)
    RecognitionDecision.objects.filter(pk=decision.pk).update(tasks_settled_at=timezone.now())
    return settled


def _recognise_tasks_complete(*, process_id: int, decision: RecognitionDecision) -> int:
    signer = decision.signer
    done = 0
    with process_locked(process_id), acting_as(signer), audit_batch(), task_starts_batched():
        tasks = list(
            RecognitionTask.objects.select_related("owner", "process__movement_model")
            .filter(process_id=process_id, flow_task_type="HUMAN", status__in=OPEN)
            .order_by("pk")
        )
        for task in tasks:
            if task.flow_task.name != "recognise":
                continue
            activation = task.flow_task.activation_class(task)
            with workflow_scope(process_id=process_id, task_id=task.pk):
                if task.status == STATUS.NEW:
                    activation.assign(signer)
                if task.status == STATUS.ASSIGNED:
                    activation.start(None)
                audit_record(
                    action=AuditAction.TASK_COMPLETED,
                    actor=signer,
                    movement_model_id=task.process.movement_model_id,
                    payload={"node": "recognise", "values": {"number": decision.number}, "changes": {}},
                )
                activation.execute()
            done += 1
    return done


def _process_cancel(*, process_id: int, actor: User) -> int:
    from .flows import RecognitionFlow

    with process_locked(process_id), acting_as(actor), audit_batch():
        process = RecognitionProcess.objects.select_related("movement_model").get(pk=process_id)
        if process.status in (PROCESS.DONE, PROCESS.CANCELED):
            return 0
        with workflow_scope(process_id=process_id):
            RecognitionFlow.instance.cancel(process)
    return 1
