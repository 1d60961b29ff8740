"""The chair's recognition decision."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import (
    AuditAction,
    DecisionEntry,
    ModelStage,
    MovementModel,
    RecognitionDecision,
    User,
)

from .audit import audit_record
from .review import require_stage

# Party style "12-QĐ/BCĐ" and State style "12/QĐ-UBND".
DECISION_NUMBER_PATTERN = re.compile(r"^\d{1,5}(-QĐ/[A-ZĐ]{2,10}|/QĐ-[A-ZĐ]{2,10})$")


def model_recognise(
    *, movement_model: MovementModel, signer: User, number: str, signed_on: date, summary: str = ""
) -> DecisionEntry:
    """List the model in a recognition decision, creating the decision if it is new.

    One decision covers many models: a number already used this year by the same unit
    is reused when the same signer signs on the same day (the annex is assembled in one
    signing session). Any other reuse is refused, because an issued decision is never
    edited: corrections are new decisions.
    """
    require_stage(movement_model, ModelStage.RECOGNITION)
    number = (number or "").strip()
    if not DECISION_NUMBER_PATTERN.match(number):
        raise ValidationError({"decision_number": _("Số quyết định phải có dạng 12-QĐ/BCĐ hoặc 12/QĐ-UBND.")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("Ngày ký không được sau ngày hôm nay.")})
    result = movement_model.evaluation_results.order_by("-created_at").first()
    if result is None or not result.is_passed:
        raise ValidationError(_("Mô hình chưa đạt kết quả đánh giá để công nhận."))

    campaign = movement_model.campaign
    with transaction.atomic():
        decision = (
            RecognitionDecision.objects.select_for_update()
            .filter(issuing_unit_id=campaign.organising_unit_id, year=signed_on.year, number=number)
            .first()
        )
        if decision is None:
            decision = RecognitionDecision.objects.create(
                campaign=campaign,
                issuing_unit_id=campaign.organising_unit_id,
                number=number,
                year=signed_on.year,
                signed_on=signed_on,
                signer=signer,
                summary=summary.strip()
                or _("Về việc công nhận mô hình, điển hình “Dân vận khéo” năm %(year)s") % {"year": campaign.year},
            )
            audit_record(
                action=AuditAction.DECISION_ISSUED,
                actor=signer,
                movement_model=movement_model,
                payload={"decision": decision.pk, "number": number, "signed_on": signed_on.isoformat()},
            )
        elif decision.signed_on != signed_on or decision.signer_id != signer.pk:
            raise ValidationError(
                {
                    "decision_number": _(
                        "Quyết định số %(number)s đã ban hành ngày %(day)s; không bổ sung vào quyết định đã ban hành. "
                        "Hãy dùng số quyết định mới."
                    )
                    % {"number": number, "day": decision.signed_on.strftime("%d/%m/%Y")}
                }
            )
        entry = DecisionEntry.objects.create(
            decision=decision, movement_model=movement_model, classification=result.classification
        )
        movement_model.stage = ModelStage.REPLICATION
        movement_model.save(update_fields=["stage", "updated_at"])
        audit_record(
            action=AuditAction.MODEL_RECOGNISED,
            actor=signer,
            movement_model=movement_model,
            payload={"decision": decision.pk, "number": number, "classification": result.classification},
        )
    return entry
