"""Nominating a model recognised at one level to the campaign of a higher level.

The nomination registers a new model in the higher campaign for the same unit, with the
dossier and attachments copied and a link to the lower model (`nominated_from`). The
lower level's survey reports and council results stay where they are and are read as
evidence through that link; the trails of both models record the lineage.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import Attachment, AuditAction, Campaign, ModelStage, MovementModel, Unit, User

from .attachments import attachments_payload
from .audit import audit_record
from .registration import dossier_data_of, model_register

# Live recognition: the decision is signed (replication followed, or tracking closed).
RECOGNISED_STAGES = (ModelStage.REPLICATION, ModelStage.CLOSED)


def _ancestor_paths(unit: Unit) -> list[str]:
    """The paths of the units strictly above `unit`."""
    return [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]


def nomination_targets(*, movement_model: MovementModel) -> QuerySet[Campaign]:
    """Campaigns of a higher level open today that the model has not been nominated to yet."""
    return (
        Campaign.objects.filter(
            organising_unit__path__in=_ancestor_paths(movement_model.campaign.organising_unit),
            registration_opens_on__lte=timezone.localdate(),
            registration_closes_on__gte=timezone.localdate(),
        )
        .exclude(models__nominated_from=movement_model)
        .select_related("organising_unit")
        .order_by("-organising_unit__depth", "name")
    )


def may_nominate(*, user: User, movement_model: MovementModel) -> bool:
    """The standing body of the level that recognised the model (its campaign's organising unit)."""
    return (
        user.unit_id is not None
        and user.unit_id == movement_model.campaign.organising_unit_id
        and user.has_perm("recognition.check_dossier")
    )


def nomination_check(*, movement_model: MovementModel, campaign: Campaign, nominated_by: User) -> None:
    """Raise PermissionDenied or ValidationError (on `campaign`) when the nomination is refused."""
    if not may_nominate(user=nominated_by, movement_model=movement_model):
        raise PermissionDenied(_("Chỉ cơ quan thường trực của cấp đã công nhận mô hình mới được đề nghị lên cấp trên."))
    if movement_model.stage not in RECOGNISED_STAGES:
        raise ValidationError(
            {
                "campaign": _(
                    "Mô hình “%(name)s” chưa được công nhận (giai đoạn: %(stage)s), không thể đề nghị lên cấp trên."
                )
                % {"name": movement_model.name, "stage": movement_model.get_stage_display()}
            }
        )
    lower = movement_model.campaign.organising_unit
    if campaign.organising_unit.path not in _ancestor_paths(lower):
        raise ValidationError(
            {
                "campaign": _("Đợt “%(campaign)s” không thuộc cấp trên của %(unit)s.")
                % {"campaign": campaign, "unit": lower}
            }
        )
    if MovementModel.objects.filter(nominated_from=movement_model, campaign=campaign).exists():
        raise ValidationError(
            {
                "campaign": _("Mô hình “%(name)s” đã được đề nghị vào đợt “%(campaign)s”.")
                % {"name": movement_model.name, "campaign": campaign}
            }
        )


def model_nominate(*, movement_model: MovementModel, campaign: Campaign, nominated_by: User) -> MovementModel:
    """Register the model in the higher `campaign` for the same unit, linked to this one.

    The caller (workflows.services.nomination_submit) starts the new model's process in
    the same transaction. Refusals (see `nomination_check`, and the registration's own:
    campaign closed, quota full) change nothing.
    """
    with transaction.atomic():
        # The source row's lock: two nominations at once cannot both pass the "already nominated" check.
        source = (
            MovementModel.objects.select_for_update()
            .select_related("campaign__organising_unit", "unit")
            .get(pk=movement_model.pk)
        )
        nomination_check(movement_model=source, campaign=campaign, nominated_by=nominated_by)
        data = dossier_data_of(source)
        nominated = model_register(
            submitted_by=nominated_by,
            campaign=campaign,
            data=data,
            unit=source.unit,
            nominated_from=source,
            registered_by_unit=nominated_by.unit,
        )
        # The files are referenced, not copied: same stored file, same SHA-256.
        copies = Attachment.objects.bulk_create(
            [
                Attachment(
                    movement_model=nominated,
                    stage=ModelStage.REGISTERED,
                    file=attachment.file.name,
                    original_name=attachment.original_name,
                    content_type=attachment.content_type,
                    size_bytes=attachment.size_bytes,
                    sha256=attachment.sha256,
                    uploaded_by=attachment.uploaded_by,
                )
                for attachment in source.attachments.all()
            ]
        )
        audit_record(
            action=AuditAction.MODEL_NOMINATED,
            actor=nominated_by,
            movement_model=source,
            payload={"campaign": campaign.pk, "nomination": nominated.pk},
        )
        audit_record(
            action=AuditAction.NOMINATION_RECEIVED,
            actor=nominated_by,
            movement_model=nominated,
            payload={
                "nominated_from": source.pk,
                "source_campaign": source.campaign_id,
                "final_score": str(source.final_score) if source.final_score is not None else None,
                "survey_reports": list(source.survey_reports.values_list("pk", flat=True)),
                "evaluation_results": list(source.evaluation_results.values_list("pk", flat=True)),
                "attachments": attachments_payload(copies),
            },
        )
    return nominated
