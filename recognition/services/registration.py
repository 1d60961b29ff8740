"""Registering a model and revising its dossier."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import AuditAction, Campaign, ModelStage, MovementModel, User
from recognition.stage_machine import transition_check

from .attachments import attachments_payload, attachments_store
from .audit import audit_record
from .stage import stage_move

# The dossier fields a unit fills in and may revise when the dossier is returned.
DOSSIER_FIELDS = [
    "name",
    "field",
    "kind",
    "collective_kind",
    "contact_name",
    "contact_phone",
    "situation",
    "objectives",
    "content_and_method",
    "scope",
    "forces",
    "budget_vnd",
    "work_days",
    "private_contribution_vnd",
    "starts_on",
    "milestones",
    "self_evaluation_on",
    "outputs",
    "sustainability",
]


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dossier_snapshot(movement_model: MovementModel) -> dict:
    return {
        name: _jsonable(getattr(movement_model, "field_id" if name == "field" else name)) for name in DOSSIER_FIELDS
    }


def model_register(
    *,
    submitted_by: User,
    campaign: Campaign,
    data: dict,
    files=(),
) -> MovementModel:
    """Create a model in the REGISTERED stage for the submitter's unit.

    `data` holds cleaned dossier fields (see DOSSIER_FIELDS). Raises PermissionDenied
    when the user may not register for a unit, ValidationError when the campaign is
    closed or does not cover the unit.
    """
    if not submitted_by.has_perm("recognition.register_model") or submitted_by.unit_id is None:
        raise PermissionDenied(_("Bạn không có quyền đăng ký mô hình cho đơn vị."))
    unit = submitted_by.unit
    today = timezone.localdate()
    if not campaign.is_open_on(today):
        raise ValidationError(
            {
                "campaign": _("Đợt đăng ký “%(campaign)s” không mở vào ngày %(day)s (từ %(opens)s đến %(closes)s).")
                % {
                    "campaign": campaign,
                    "day": today.strftime("%d/%m/%Y"),
                    "opens": campaign.registration_opens_on.strftime("%d/%m/%Y"),
                    "closes": campaign.registration_closes_on.strftime("%d/%m/%Y"),
                }
            }
        )
    if not campaign.organising_unit.contains(unit):
        raise ValidationError(
            {"campaign": _("Đơn vị %(unit)s không thuộc phạm vi của đợt đăng ký này.") % {"unit": unit}}
        )
    unknown = set(data) - set(DOSSIER_FIELDS)
    if unknown:
        raise ValueError(f"unknown dossier fields: {sorted(unknown)}")

    with transaction.atomic():
        movement_model = MovementModel(campaign=campaign, unit=unit, submitted_by=submitted_by, **data)
        movement_model.full_clean()
        movement_model.save()
        stored = attachments_store(
            movement_model=movement_model, stage=ModelStage.REGISTERED, files=files, uploaded_by=submitted_by
        )
        audit_record(
            action=AuditAction.MODEL_REGISTERED,
            actor=submitted_by,
            movement_model=movement_model,
            payload={
                "campaign": campaign.pk,
                "unit": unit.pk,
                "dossier": dossier_snapshot(movement_model),
                "attachments": attachments_payload(stored),
            },
        )
    return movement_model


def model_revise(*, movement_model: MovementModel, revised_by: User, data: dict, files=()) -> MovementModel:
    """Apply the unit's corrections to a returned dossier and send it back for checking.

    Precondition: the model is in the RETURNED stage (the flow guarantees it; the
    transition table refuses the move otherwise).
    """
    transition_check(movement_model.stage, "revise")
    unknown = set(data) - set(DOSSIER_FIELDS)
    if unknown:
        raise ValueError(f"unknown dossier fields: {sorted(unknown)}")

    with transaction.atomic():
        # From the database: a ModelForm bound to this instance has already copied the new values onto it.
        before = dossier_snapshot(MovementModel.objects.get(pk=movement_model.pk))
        for name, value in data.items():
            setattr(movement_model, name, value)
        movement_model.full_clean()
        after = dossier_snapshot(movement_model)
        stored = attachments_store(
            movement_model=movement_model, stage=ModelStage.RETURNED, files=files, uploaded_by=revised_by
        )
        changes = {
            name: {"before": before[name], "after": after[name]}
            for name in DOSSIER_FIELDS
            if before[name] != after[name]
        }
        stage_move(
            movement_model=movement_model,
            transition="revise",
            action=AuditAction.DOSSIER_EDITED,
            actor=revised_by,
            payload={"changes": changes, "attachments": attachments_payload(stored)},
            extra_update_fields=data.keys(),
        )
    return movement_model
