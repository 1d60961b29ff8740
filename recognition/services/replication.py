"""Recording the units that adopt a recognised model, their reports, and closing the tracking."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import (
    REPLICATION_STATUS_ORDER,
    AuditAction,
    ModelStage,
    MovementModel,
    Replication,
    ReplicationStatus,
    Unit,
    User,
)
from recognition.stage_machine import step_check, transition_check

from .audit import audit_record
from .stage import stage_move

# Stages in which a recognised model's adoptions are still reported on.
RECOGNISED_STAGES = (ModelStage.REPLICATION, ModelStage.CLOSED)


def adopting_unit_problem(*, movement_model: MovementModel, unit: Unit) -> str | None:
    """Why `unit` cannot adopt the model (None: it can): it must be an active unit of the
    organising unit's subtree, other than the organiser and the registering unit."""
    organiser = movement_model.campaign.organising_unit
    if unit.pk == movement_model.unit_id:
        return _("Đơn vị đăng ký không thể tự nhân rộng mô hình của mình.")
    if unit.pk == organiser.pk or not unit.path.startswith(organiser.path) or not unit.is_active:
        return _("Đơn vị “%(unit)s” không thuộc phạm vi nhân rộng của đợt (các đơn vị trực thuộc %(organiser)s).") % {
            "unit": unit.name,
            "organiser": organiser.name,
        }
    return None


def _status_dates(replication: Replication, status: str, day: date) -> list[str]:
    """Set the day the adoption entered `status` (and the statuses it skipped); the fields changed."""
    changed = []
    rank = REPLICATION_STATUS_ORDER.index(status)
    if rank >= 1 and replication.implementing_since is None:
        replication.implementing_since = day
        changed.append("implementing_since")
    if rank >= 2 and replication.effective_since is None:
        replication.effective_since = day
        changed.append("effective_since")
    return changed


def _status_check(before: str, after: str) -> None:
    if after not in ReplicationStatus.values:
        raise ValidationError({"status": _("Trạng thái nhân rộng không hợp lệ.")})
    if REPLICATION_STATUS_ORDER.index(after) < REPLICATION_STATUS_ORDER.index(before):
        raise ValidationError(
            {
                "status": _("Không thể chuyển nhân rộng từ “%(before)s” về “%(after)s”.")
                % {"before": ReplicationStatus(before).label, "after": ReplicationStatus(after).label}
            }
        )


def replication_record(
    *,
    movement_model: MovementModel,
    recorded_by: User,
    adopting_units: Iterable[Unit],
    started_on: date,
    status: str = ReplicationStatus.PLANNED,
) -> list[Replication]:
    """Add adopting units, or move an existing adoption forward to a new status.

    Returns the adoptions created or moved; their `created` attribute tells which
    were created (the caller starts their follow-up).
    """
    step_check(movement_model.stage, "replication_record")
    if status not in ReplicationStatus.values:
        raise ValidationError({"status": _("Trạng thái nhân rộng không hợp lệ.")})
    adopting_units = list(adopting_units)
    problems = [p for unit in adopting_units if (p := adopting_unit_problem(movement_model=movement_model, unit=unit))]
    if problems:
        raise ValidationError({"adopting_units": problems})
    today = timezone.localdate()

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
                replication = Replication(
                    source_model=movement_model,
                    adopting_unit=unit,
                    started_on=started_on,
                    status=status,
                    recorded_by=recorded_by,
                )
                # An adoption recorded as already under way started implementing on its start day.
                _status_dates(replication, status, started_on)
                replication.save()
                replication.created = True
            elif replication.status != status:
                before = replication.status
                _status_check(before, status)
                replication.status = status
                replication.save(update_fields=["status", *_status_dates(replication, status, today)])
                replication.created = False
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


def adoption_report(*, replication: Replication, reported_by: User, status: str, report: str) -> Replication:
    """The adopting unit reports on its adoption: a short report and the status now (never backwards).

    Precondition: the model is recognised (replication or closed stage). The report
    replaces the previous one; every report stays in the audit trail.
    """
    movement_model = replication.source_model
    if movement_model.stage not in RECOGNISED_STAGES:
        raise ValidationError(_("Mô hình chưa được công nhận hoặc không còn theo dõi nhân rộng."))
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": _("Nhập báo cáo ngắn về kết quả áp dụng mô hình.")})
    with transaction.atomic():
        replication = Replication.objects.select_for_update().select_related("source_model").get(pk=replication.pk)
        before = replication.status
        _status_check(before, status)
        replication.status = status
        replication.report = report
        replication.reported_at = timezone.now()
        dates = _status_dates(replication, status, timezone.localdate())
        replication.save(update_fields=["status", "report", "reported_at", *dates])
        audit_record(
            action=AuditAction.ADOPTION_REPORTED,
            actor=reported_by,
            movement_model=replication.source_model,
            payload={
                "replication": replication.pk,
                "adopting_unit": replication.adopting_unit_id,
                "status": {"before": before, "after": status},
                "adoption_report": report,
                **{name: getattr(replication, name).isoformat() for name in dates},
            },
        )
    return replication


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


def name_folded(text: str) -> str:
    """Lower case without Vietnamese diacritics ("Phường Ninh Kiều" → "phuong ninh kieu"), for searching."""
    import unicodedata

    text = text.lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def adoption_candidates_search(*, movement_model: MovementModel, query: str, limit: int = 20) -> list[dict]:
    """Units that may adopt the model whose name holds every word of `query`, accents or not.

    Each result: id, name, level and parent names, and a label "name — parent". The
    organising unit's subtree is read once (a province: a few thousand short rows).
    """
    words = name_folded(query).split()
    if not words:
        return []
    organiser = movement_model.campaign.organising_unit
    rows = list(
        Unit.objects.filter(path__startswith=organiser.path, is_active=True)
        .order_by("path")
        .values_list("pk", "path", "name", "level__name")
    )
    names_by_path = {path: name for _pk, path, name, _level in rows}
    results = []
    for pk, path, name, level_name in rows:
        if pk in (organiser.pk, movement_model.unit_id):
            continue
        folded = name_folded(name)
        if not all(word in folded for word in words):
            continue
        parent = names_by_path.get(path[: -Unit.steplen], "")
        results.append(
            {
                "id": pk,
                "name": name,
                "level": level_name,
                "parent": parent,
                "label": f"{name} — {parent}" if parent else name,
            }
        )
        if len(results) >= limit:
            break
    return results
