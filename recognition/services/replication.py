"""Recording the units that adopt a recognised model, and closing the tracking."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import (
    AuditAction,
    MovementModel,
    Replication,
    ReplicationStatus,
    Unit,
    User,
)
from recognition.stage_machine import step_check, transition_check

from .audit import audit_record
from .stage import stage_move


def replication_record(
    *,
    movement_model: MovementModel,
    recorded_by: User,
    adopting_units: Iterable[Unit],
    started_on: date,
    status: str = ReplicationStatus.PLANNED,
) -> list[Replication]:
    """Add adopting units, or move an existing adoption to a new status."""
    step_check(movement_model.stage, "replication_record")
    if status not in ReplicationStatus.values:
        raise ValidationError({"status": _("Trạng thái nhân rộng không hợp lệ.")})
    adopting_units = list(adopting_units)
    if any(unit.pk == movement_model.unit_id for unit in adopting_units):
        raise ValidationError({"adopting_units": _("Đơn vị đăng ký không thể tự nhân rộng mô hình của mình.")})

    recorded = []
    with transaction.atomic():
        existing = {
            r.adopting_unit_id: r
            for r in Replication.objects.select_for_update().filter(
                source_model=movement_model, adopting_unit__in=adopting_units
            )
        }
        for unit in adopting_units:
            replication = existing.get(unit.pk)
            before = None
            if replication is None:
                replication = Replication.objects.create(
                    source_model=movement_model,
                    adopting_unit=unit,
                    started_on=started_on,
                    status=status,
                    recorded_by=recorded_by,
                )
            elif replication.status != status:
                before = replication.status
                replication.status = status
                replication.save(update_fields=["status"])
            else:
                continue
            recorded.append(replication)
            audit_record(
                action=AuditAction.REPLICATION_RECORDED,
                actor=recorded_by,
                movement_model=movement_model,
                payload={
                    "replication": replication.pk,
                    "adopting_unit": unit.pk,
                    "started_on": replication.started_on.isoformat(),
                    "status": {"before": before, "after": status},
                },
            )
    return recorded


def model_close(*, movement_model: MovementModel, closed_by: User) -> MovementModel:
    """End replication tracking: the model's procedure is complete.

    The explicit outcome is `tracking_closed_at` (the flow's `replication_closed`
    gateway reads it), saved with the stage in the same statement.
    """
    transition_check(movement_model.stage, "close")
    with transaction.atomic():
        movement_model.tracking_closed_at = timezone.now()
        stage_move(
            movement_model=movement_model,
            transition="close",
            action=AuditAction.PROCESS_FINISHED,
            actor=closed_by,
            payload={"replications": movement_model.replications.count()},
            extra_update_fields=("tracking_closed_at",),
        )
    return movement_model
