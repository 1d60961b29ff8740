"""Moving a model from one stage to the next: the only code that assigns `MovementModel.stage`."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from recognition.models import ModelStage, MovementModel, User
from recognition.stage_machine import transition_check

from .audit import audit_record


def stage_move(
    *,
    movement_model: MovementModel,
    transition: str,
    action: str,
    actor: User | None = None,
    system_actor: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
    extra_update_fields: Iterable[str] = (),
) -> ModelStage:
    """Apply the named transition of `recognition.stage_machine` and record it; returns the new stage.

    The move is checked against the transition table (StageMoveRefused when it is not
    listed from the current stage), the stage is saved with `updated_at` and the
    caller's `extra_update_fields` (values the caller has set on the instance), and the
    step's audit record is written in the same transaction. That record is the
    service's own (`action`, `reason` and `payload` exactly as the service describes the
    step, e.g. DOSSIER_ACCEPTED with its review): one record per step, never a second
    one for the stage. Within the engine the task's TASK_COMPLETED record also carries
    the stage before and after. On failure the instance keeps its previous stage.
    """
    previous = movement_model.stage
    target = transition_check(previous, transition)
    try:
        # No savepoint: inside the service's transaction a failure rolls the whole step back,
        # and the move costs no SAVEPOINT/RELEASE statements on the hot path.
        with transaction.atomic(savepoint=False):
            movement_model.stage = target
            movement_model.save(update_fields=["stage", "updated_at", *extra_update_fields])
            audit_record(
                action=action,
                actor=actor,
                system_actor=system_actor,
                movement_model=movement_model,
                reason=reason,
                payload=payload,
            )
    except BaseException:
        movement_model.stage = previous
        raise
    return target


def stage_move_many(
    *,
    movement_models: Iterable[MovementModel],
    transition: str,
    action: str,
    actor: User | None = None,
    system_actor: str = "",
    reason: str = "",
    payload_for: Callable[[MovementModel], dict[str, Any] | None] = lambda movement_model: None,
) -> None:
    """`stage_move` for many models in one step (one decision lists thousands): one UPDATE per target.

    Precondition: inside the caller's transaction, with the models' rows locked
    (SELECT ... FOR UPDATE) and read under that lock, so the stages checked are current.
    Every move is checked against the transition table before anything is written
    (StageMoveRefused names the first refused); each model gets its own audit record
    (`payload_for(model)`), as with `stage_move`.
    """
    models = list(movement_models)
    targets = {movement_model.pk: transition_check(movement_model.stage, transition) for movement_model in models}
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        for target in set(targets.values()):
            ids = [pk for pk, value in targets.items() if value == target]
            MovementModel.objects.filter(pk__in=ids).update(stage=target, updated_at=now)
        for movement_model in models:
            movement_model.stage = targets[movement_model.pk]
            movement_model.updated_at = now
            audit_record(
                action=action,
                actor=actor,
                system_actor=system_actor,
                movement_model=movement_model,
                reason=reason,
                payload=payload_for(movement_model),
            )
