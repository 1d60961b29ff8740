"""The council in the engine: seats and recusals, closing on quorum, ending a case, the explanation.

The domain writes (recusal rows, the closure, the stage move to REJECTED, the explanation
itself) are `recognition.services.council`'s; this module reads the pinned procedure
version (quorum) and moves the viewflow rows: it cancels the unvoted seats and lets
the evaluation join fire, or cancels every open task and ends the process.

Closing on quorum and viewflow's Join: the join after the seats is created by the first
sheet and fires once no task sharing its split token is still active
(`JoinActivation.is_done`: cancelled tasks count as finished). Cancelling the unvoted
seats therefore makes it ready; the close then completes it and activates what follows
(the tally), as `Activation._activate_next` would have after the last sheet.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from procedures.selectors import spec_for_version_id
from recognition.audit_context import acting_as, workflow_scope
from recognition.models import Campaign, CouncilClosure, CouncilScore, EvaluationResult, MovementModel, User
from recognition.services.audit import audit_batch
from recognition.services.council import (
    CASE_END_STAGES_CHAIR,
    CASE_END_STAGES_STANDING_BODY,
    CouncilExplanation,
    case_end,
    council_closure_record,
    council_explanation,
    council_recusals_record,
    council_seats_split,
)

from .deadlines.planning import task_starts_batched
from .locking import process_locked
from .models import RecognitionProcess, RecognitionTask
from .performers import holders_filter, owner_permission_for, performer_unit_id, process_spec, task_performer

OPEN_SEAT_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)


# Who is who -------------------------------------------------------------------------------------


def user_manages_council_of(*, user: User, campaign: Campaign) -> bool:
    """The standing body of the campaign's organiser names its council (the page and the API)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.unit_id == campaign.organising_unit_id and user.has_perm("recognition.check_dossier")


def user_is_council_chair(*, user: User, campaign: Campaign) -> bool:
    """The campaign's named chair; without one, the head of the organiser's steering committee."""
    if not user.is_authenticated or not user.is_active:
        return False
    if campaign.council_chair_id is not None:
        return user.pk == campaign.council_chair_id
    return user.unit_id == campaign.organising_unit_id and user.has_perm("recognition.sign_decision")


def user_is_standing_body_of(*, user: User, process: RecognitionProcess) -> bool:
    """A standing-body member of the unit that checks this process's dossier under its pinned version."""
    if not user.is_authenticated or not user.is_active:
        return False
    performer = task_performer(process, "check_dossier", None)
    unit_id = performer_unit_id(process, performer.performer_unit) if performer else process.organising_unit_id
    return user.unit_id == unit_id and user.has_perm("recognition.check_dossier")


def user_may_read_explanation(*, user: User, campaign: Campaign) -> bool:
    """The chair and the auditors (the model must also be visible to them: the caller's scope check)."""
    return user_is_council_chair(user=user, campaign=campaign) or user.has_perm("recognition.view_audit_trail")


def council_candidates(campaign: Campaign):
    """Who may sit on the campaign's council: the active people of the organiser's subtree."""
    return (
        get_user_model()
        .objects.filter(is_active=True, unit__path__startswith=campaign.organising_unit.path)
        .select_related("unit")
        .order_by("last_name", "first_name", "username")
    )


# Seats ------------------------------------------------------------------------------------------


def council_members_of(process: RecognitionProcess) -> list[User]:
    """The campaign's active members and its chair; without a list, whom the pinned version names
    (by default every council member of the organiser). Units loaded, ordered by id."""
    campaign = process.movement_model.campaign
    members = list(campaign.council_members.filter(is_active=True).select_related("unit"))
    if not members:
        performer = task_performer(process, "evaluate", None)
        members = list(
            get_user_model()
            .objects.filter(holders_filter(owner_permission_for("evaluate", None, performer)))
            .filter(is_active=True, unit_id=performer_unit_id(process, performer.performer_unit))
            .select_related("unit")
            .distinct()
        )
    chair = campaign.council_chair
    if chair is not None and chair.is_active and all(member.pk != chair.pk for member in members):
        members.append(chair)
    return sorted(members, key=lambda member: member.pk)


def council_seats_hand_out(process: RecognitionProcess) -> list[User]:
    """The members who get a scoring seat; the recused ones are recorded (in the fan-out's transaction)."""
    seated, recused = council_seats_split(members=council_members_of(process), registering_unit_path=process.scope_path)
    if recused:
        council_recusals_record(movement_model=process.movement_model, recused=recused)
    return seated


def _open_seats(process: RecognitionProcess) -> list[RecognitionTask]:
    flow = process.flow_class.instance
    return list(
        RecognitionTask.objects.filter(process=process, flow_task=flow.evaluate, status__in=OPEN_SEAT_STATUSES)
        .select_related("owner")
        .order_by("pk")
    )


def _round_voter_ids(movement_model: MovementModel) -> list[int]:
    return sorted(
        CouncilScore.objects.filter(
            movement_model=movement_model, evaluation_round=movement_model.evaluation_round
        ).values_list("member_id", flat=True)
    )


def council_state(*, movement_model: MovementModel) -> dict | None:
    """The current round's seats while the council scores: voted, still open, the version's quorum."""
    process = getattr(movement_model, "process", None)
    if process is None or movement_model.stage != "evaluation":
        return None
    open_seats = _open_seats(process)
    voter_ids = _round_voter_ids(movement_model)
    quorum = process_spec(process).evaluation.quorum
    return {
        "voted": len(voter_ids),
        "open": len(open_seats),
        "seats": len(voter_ids) + len(open_seats),
        "quorum": quorum,
        "open_members": [task.owner.display_name if task.owner else _("(chưa nhận)") for task in open_seats],
        "may_close": quorum > 0 and len(voter_ids) >= quorum and bool(open_seats),
    }


# Closing on quorum ------------------------------------------------------------------------------


def _process_of(movement_model_id: int) -> int:
    process_id = (
        RecognitionProcess.objects.filter(movement_model_id=movement_model_id).values_list("pk", flat=True).first()
    )
    if process_id is None:
        raise ValidationError(_("Mô hình này chưa có quy trình xét công nhận."))
    return process_id


def _locked_process(process_id: int) -> RecognitionProcess:
    return RecognitionProcess.objects.select_related(
        "movement_model__campaign", "organising_unit", "registering_unit"
    ).get(pk=process_id)


def council_close(*, movement_model_id: int, user: User) -> CouncilClosure:
    """The chair closes the round once the quorum has voted: the unvoted seats are cancelled, the join fires,
    the tally runs on the sheets given. Refused (ValidationError, nothing changed) below the quorum."""
    process_id = _process_of(movement_model_id)
    with process_locked(process_id), audit_batch(), task_starts_batched():
        process = _locked_process(process_id)
        movement_model = process.movement_model
        if not user_is_council_chair(user=user, campaign=movement_model.campaign):
            raise PermissionDenied(_("Chỉ chủ tịch hội đồng được kết thúc chấm điểm."))
        open_seats = _open_seats(process)
        voter_ids = _round_voter_ids(movement_model)
        absent_ids = [task.data.get("member") or task.owner_id or 0 for task in open_seats]
        with workflow_scope(process_id=process.pk), acting_as(user):
            closure = council_closure_record(
                movement_model=movement_model,
                closed_by=user,
                quorum=process_spec(process).evaluation.quorum,
                voter_ids=voter_ids,
                absent_ids=absent_ids,
            )
            for task in open_seats:
                task.process = process
                task.flow_task.activation_class(task).cancel()
            _join_fire(process)
    return closure


def _join_fire(process: RecognitionProcess) -> None:
    flow = process.flow_class.instance
    join_task = RecognitionTask.objects.filter(
        process=process, flow_task=flow.evaluation_join, status__in=[STATUS.NEW, STATUS.STARTED]
    ).first()
    if join_task is None:  # pragma: no cover - a closure needs a sheet, and the first sheet creates the join
        raise ValidationError(_("Chưa có phiếu chấm điểm nào."))
    join_task.process = process
    activation = join_task.flow_task.activation_class(join_task)
    if activation.activate.can_proceed():
        activation.activate()
    activation.complete()
    activation.activate_next()


# Ending a case ----------------------------------------------------------------------------------


def case_end_allowed(*, user: User, process: RecognitionProcess) -> bool:
    stage = process.movement_model.stage
    if stage in CASE_END_STAGES_STANDING_BODY:
        return user_is_standing_body_of(user=user, process=process)
    if stage in CASE_END_STAGES_CHAIR:
        return user_is_council_chair(user=user, campaign=process.movement_model.campaign)
    return False


def case_end_request(*, movement_model_id: int, user: User, reason: str) -> MovementModel:
    """End a case with a reason: its open tasks are cancelled, the model is not recognised, the process ends.

    The standing body may do it while the dossier is checked, returned or surveyed; the
    council's chair while it is evaluated or awaits the decision. Without a reason, or
    by anyone else, nothing changes.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do kết thúc hồ sơ.")})
    process_id = _process_of(movement_model_id)
    with process_locked(process_id), audit_batch(), task_starts_batched():
        process = _locked_process(process_id)
        movement_model = process.movement_model
        stage = movement_model.stage
        if stage not in (*CASE_END_STAGES_STANDING_BODY, *CASE_END_STAGES_CHAIR):
            raise ValidationError(
                _("Mô hình đang ở giai đoạn “%(stage)s”: không kết thúc hồ sơ được.")
                % {"stage": movement_model.get_stage_display()}
            )
        if not case_end_allowed(user=user, process=process):
            raise PermissionDenied(
                _(
                    "Chỉ cơ quan thường trực (khi kiểm tra hồ sơ, bổ sung, khảo sát) hoặc chủ tịch hội đồng "
                    "(khi đánh giá, chờ công nhận) được kết thúc hồ sơ."
                )
            )
        open_tasks = list(RecognitionTask.objects.filter(process=process, finished__isnull=True).order_by("pk"))
        if not open_tasks:
            raise ValidationError(_("Quy trình không còn nhiệm vụ nào đang mở."))
        with workflow_scope(process_id=process.pk), acting_as(user):
            activations = []
            for task in open_tasks:
                task.process = process
                activation = task.flow_task.activation_class(task)
                activation.cancel()
                activations.append(activation)
            case_end(movement_model=movement_model, ended_by=user, reason=reason)
            anchor = next(
                (activation for activation in activations if activation.task.flow_task_type == "HUMAN"),
                activations[0],
            )
            ending = process.flow_class.instance.rejected
            anchor._activate_next({ending._create(anchor, anchor.task.token, data={}, seed=None)})
    return movement_model


# The explanation --------------------------------------------------------------------------------


def council_explanation_for(*, movement_model: MovementModel) -> CouncilExplanation | None:
    """The explanation of the model's latest council result, with the quorum of the version that scored it."""
    result = EvaluationResult.objects.filter(movement_model=movement_model).order_by("-created_at", "-pk").first()
    if result is None:
        return None
    quorum = 0
    if result.procedure_version_id is not None:
        quorum = spec_for_version_id(result.procedure_version_id).evaluation.quorum
    return council_explanation(result=result, quorum=quorum)
