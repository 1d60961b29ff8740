"""The chair's recognition decision."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import (
    AuditAction,
    DecisionEntry,
    MovementModel,
    RecognitionDecision,
    User,
)
from recognition.stage_machine import transition_check

from .audit import audit_record
from .stage import stage_move

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
    transition_check(movement_model.stage, "recognise")
    number = (number or "").strip()
    if not DECISION_NUMBER_PATTERN.match(number):
        raise ValidationError({"decision_number": _("Số quyết định phải có dạng 12-QĐ/BCĐ hoặc 12/QĐ-UBND.")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("Ngày ký không được sau ngày hôm nay.")})
    result = movement_model.evaluation_results.order_by("-created_at").first()
    if result is None or not result.is_passed:
        raise ValidationError(_("Mô hình chưa đạt kết quả đánh giá để công nhận."))

    with transaction.atomic():
        decision, created = _decision_locked_or_created(
            movement_model=movement_model, signer=signer, number=number, signed_on=signed_on, summary=summary
        )
        if created:
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
        stage_move(
            movement_model=movement_model,
            transition="recognise",
            action=AuditAction.MODEL_RECOGNISED,
            actor=signer,
            payload={"decision": decision.pk, "number": number, "classification": result.classification},
        )
    return entry


def _decision_locked_or_created(
    *, movement_model: MovementModel, signer: User, number: str, signed_on: date, summary: str
) -> tuple[RecognitionDecision, bool]:
    """The decision of this number (locked until the caller commits), created when it is new.

    Two first signings of one number at the same moment both find no decision; the
    unique constraint lets one insert win and makes the other wait for its commit. The
    loser's insert is undone by its savepoint and it goes on with the winner's decision,
    exactly as if it had come second: it joins it (same signer, same day) or gets the
    refusal in Vietnamese, never an IntegrityError.
    """
    campaign = movement_model.campaign
    same_number = RecognitionDecision.objects.select_for_update().filter(
        issuing_unit_id=campaign.organising_unit_id, year=signed_on.year, number=number
    )
    decision = same_number.first()
    if decision is not None:
        return decision, False
    try:
        with transaction.atomic():
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
    except IntegrityError:
        return same_number.get(), False
    return decision, True
