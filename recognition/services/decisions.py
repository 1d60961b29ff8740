"""Recognition decisions: issue one decision for many models, revoke or amend it by a new one.

Who may sign and the number format come from the procedure version the models' processes
are pinned to; this domain layer does not read versions, the caller passes them in
(`workflows.decision_flow`). The number is allocated at issue from a gap-free sequence per
issuing body and year (django-sequences: a row locked until the issuing transaction
commits, so concurrent issues queue and a failed issue gives its number back).
"""

import hashlib
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sequences import get_next_value

from recognition.documents.decision import decision_pdf
from recognition.models import (
    AuditAction,
    Campaign,
    Classification,
    DecisionEntry,
    DecisionKind,
    EvaluationResult,
    ModelStage,
    MovementModel,
    RecognitionDecision,
    User,
)

from .attachments import _removed_unless_committed
from .audit import audit_batch, audit_record
from .decision_documents import decision_document
from .stage import stage_move_many

RECOGNISED_CLASSIFICATIONS = (Classification.RECOGNISED, Classification.OUTSTANDING)


@dataclass(frozen=True)
class DecisionSetup:
    """What the pinned procedure version and the signing body say about the document."""

    number_format: str = "{number}-QĐ/BCĐ"
    signer_title: str = ""
    place: str = ""
    bases: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    summary: str = ""


# Reads ----------------------------------------------------------------------------------------


def live_entries(model_ids: Iterable[int]) -> dict[int, DecisionEntry]:
    """For each model the entry of its live decision (the latest one listing it, unless it revokes it).

    Models with no decision, or whose recognition was revoked, are absent.
    """
    latest: dict[int, DecisionEntry] = {}
    entries = (
        DecisionEntry.objects.filter(movement_model_id__in=list(model_ids))
        .select_related("decision")
        .order_by("movement_model_id", "-decision_id")
    )
    for entry in entries:
        latest.setdefault(entry.movement_model_id, entry)
    return {model_id: entry for model_id, entry in latest.items() if entry.decision.kind != DecisionKind.REVOCATION}


def decision_number_format(number_format: str, *, number: int, year: int) -> str:
    """The version's format (`str.format` fields {number} and {year}, as procedures.validation checks)."""
    names = {name for _text, name, _spec, _conversion in string.Formatter().parse(number_format) if name}
    if "number" not in names or not names <= {"number", "year"}:
        raise ValueError(f"decision number format {number_format!r} is not valid")
    return number_format.format(number=number, year=year)


def decision_sequence_name(*, issuing_unit_id: int, year: int) -> str:
    return f"recognition-decision:{issuing_unit_id}:{year}"


# Writes ---------------------------------------------------------------------------------------


def decision_issue(
    *,
    campaign: Campaign,
    model_ids: Iterable[int],
    signer: User,
    signed_on: date,
    setup: DecisionSetup | None = None,
) -> RecognitionDecision:
    """Issue one recognition decision listing every given model, in one transaction.

    Each model must belong to the campaign, await recognition (stage RECOGNITION with a
    passing council result) and have no live decision. On any refusal (a Vietnamese
    ValidationError naming the models) nothing is written and no number is used. Each
    model moves on (`recognise`, MODEL_RECOGNISED); one DECISION_ISSUED record carries
    the number, the count and the PDF's SHA-256.
    """
    setup = setup or DecisionSetup()
    ids = _ids_clean(model_ids)
    _signed_on_check(signed_on)
    with transaction.atomic(), audit_batch():
        models = _models_locked(ids)
        _models_check(models, ids=ids, campaign=campaign)
        not_waiting = [m for m in models if m.stage != ModelStage.RECOGNITION]
        if not_waiting:
            raise ValidationError(
                {
                    "models": _("Mô hình chưa ở giai đoạn chờ quyết định công nhận: %(names)s.")
                    % {"names": _names(not_waiting)}
                }
            )
        results = _latest_results(ids)
        not_passed = [m for m in models if m.pk not in results or not results[m.pk].is_passed]
        if not_passed:
            raise ValidationError(
                {
                    "models": _("Mô hình chưa đạt kết quả đánh giá để công nhận: %(names)s.")
                    % {"names": _names(not_passed)}
                }
            )
        live = live_entries(ids)
        if live:
            listed = [m for m in models if m.pk in live]
            raise ValidationError(
                {
                    "models": _("Mô hình đã có trong quyết định công nhận đang có hiệu lực: %(names)s.")
                    % {
                        "names": "; ".join(
                            f"{m.name} ({_('quyết định số %(number)s') % {'number': live[m.pk].decision.number}})"
                            for m in listed
                        )
                    }
                }
            )
        classifications = {m.pk: results[m.pk].classification for m in models}
        summary = setup.summary.strip() or _("Về việc công nhận mô hình, điển hình “Dân vận khéo” năm %(year)s") % {
            "year": campaign.year
        }
        decision = _decision_create(
            campaign=campaign,
            kind=DecisionKind.RECOGNITION,
            signer=signer,
            signed_on=signed_on,
            setup=setup,
            summary=summary,
            models=models,
            classifications=classifications,
        )
        stage_move_many(
            movement_models=models,
            transition="recognise",
            action=AuditAction.MODEL_RECOGNISED,
            actor=signer,
            payload_for=lambda movement_model: {
                "decision": decision.pk,
                "number": decision.number,
                "classification": classifications[movement_model.pk],
            },
        )
        _issued_record(decision, actor=signer, count=len(models))
    return decision


def decision_revoke(
    *,
    decision: RecognitionDecision,
    signer: User,
    signed_on: date,
    reason: str,
    model_ids: Iterable[int] | None = None,
    setup: DecisionSetup | None = None,
) -> RecognitionDecision:
    """Issue a decision revoking `decision` for the given models (all it still speaks for by default).

    The models' recognition ends (stage REVOKED, RECOGNITION_REVOKED with the reason);
    DECISION_REVOKED names the revoked decision and the new one.
    """
    setup = setup or DecisionSetup()
    reason = _reason_clean(reason)
    _signed_on_check(signed_on)
    with transaction.atomic(), audit_batch():
        target = _target_locked(decision)
        models = _live_models_of(target, model_ids)
        current = live_entries([m.pk for m in models])
        classifications = {m.pk: current[m.pk].classification for m in models}
        summary = setup.summary.strip() or _("Về việc thu hồi Quyết định số %(number)s") % {"number": target.number}
        revocation = _decision_create(
            campaign=target.campaign,
            kind=DecisionKind.REVOCATION,
            signer=signer,
            signed_on=signed_on,
            setup=setup,
            summary=summary,
            models=models,
            classifications=classifications,
            reason=reason,
            revokes=target,
        )
        stage_move_many(
            movement_models=models,
            transition="revoke",
            action=AuditAction.RECOGNITION_REVOKED,
            actor=signer,
            reason=reason,
            payload_for=lambda movement_model: {
                "decision": revocation.pk,
                "number": revocation.number,
                "revokes": target.pk,
            },
        )
        _issued_record(revocation, actor=signer, count=len(models))
        audit_record(
            action=AuditAction.DECISION_REVOKED,
            actor=signer,
            reason=reason,
            payload={"decision": target.pk, "number": target.number, "revoked_by": revocation.pk},
        )
    return revocation


def decision_amend(
    *,
    decision: RecognitionDecision,
    signer: User,
    signed_on: date,
    reason: str,
    classifications: Mapping[int, str],
    setup: DecisionSetup | None = None,
) -> RecognitionDecision:
    """Issue a decision amending `decision`: the listed models' classification is replaced.

    `classifications` maps model id → new classification (recognised / outstanding);
    each model must be one `decision` still speaks for. DECISION_AMENDED per model.
    """
    setup = setup or DecisionSetup()
    reason = _reason_clean(reason)
    _signed_on_check(signed_on)
    changes = {int(model_id): value for model_id, value in (classifications or {}).items()}
    if not changes:
        raise ValidationError({"models": _("Chưa chọn mô hình nào để sửa đổi.")})
    wrong = sorted(value for value in changes.values() if value not in RECOGNISED_CLASSIFICATIONS)
    if wrong:
        raise ValidationError({"classification": _("Xếp loại sửa đổi chỉ được là “Công nhận” hoặc “Tiêu biểu”.")})
    with transaction.atomic(), audit_batch():
        target = _target_locked(decision)
        models = _live_models_of(target, changes)
        current = live_entries(changes)
        unchanged = [m for m in models if current[m.pk].classification == changes[m.pk]]
        if unchanged:
            raise ValidationError(
                {"classification": _("Xếp loại mới trùng xếp loại hiện có: %(names)s.") % {"names": _names(unchanged)}}
            )
        summary = setup.summary.strip() or _("Về việc sửa đổi Quyết định số %(number)s") % {"number": target.number}
        amendment = _decision_create(
            campaign=target.campaign,
            kind=DecisionKind.AMENDMENT,
            signer=signer,
            signed_on=signed_on,
            setup=setup,
            summary=summary,
            models=models,
            classifications=changes,
            reason=reason,
            amends=target,
        )
        for movement_model in models:
            audit_record(
                action=AuditAction.DECISION_AMENDED,
                actor=signer,
                movement_model=movement_model,
                reason=reason,
                payload={
                    "decision": amendment.pk,
                    "number": amendment.number,
                    "amends": target.pk,
                    "classification": changes[movement_model.pk],
                },
            )
        _issued_record(amendment, actor=signer, count=len(models))
    return amendment


def decision_scan_upload(*, decision: RecognitionDecision, upload, uploaded_by: User) -> RecognitionDecision:
    """Attach the signed and sealed scan (PDF or image, validated by the caller); its hash is audited.

    A scan already uploaded is not replaced: the decision stays as it was signed.
    """
    with transaction.atomic(), audit_batch():
        locked = RecognitionDecision.objects.select_for_update().get(pk=decision.pk)
        if locked.signed_scan:
            raise ValidationError({"scan": _("Quyết định đã có bản quét; không thay bản quét đã tải lên.")})
        content = upload.read()
        locked.signed_scan_sha256 = hashlib.sha256(content).hexdigest()
        locked.signed_scan.save(upload.name, ContentFile(content), save=False)
        _removed_unless_committed(storage=locked.signed_scan.storage, name=locked.signed_scan.name)
        locked.scan_uploaded_at = timezone.now()
        locked.save(update_fields=["signed_scan", "signed_scan_sha256", "scan_uploaded_at"])
        audit_record(
            action=AuditAction.DECISION_SCAN_UPLOADED,
            actor=uploaded_by,
            payload={"decision": locked.pk, "number": locked.number, "scan_sha256": locked.signed_scan_sha256},
        )
    return locked


# Helpers --------------------------------------------------------------------------------------


def _ids_clean(model_ids: Iterable[int] | None) -> list[int]:
    ids = list(dict.fromkeys(int(model_id) for model_id in (model_ids or ())))
    if not ids:
        raise ValidationError({"models": _("Chưa chọn mô hình nào cho quyết định.")})
    return ids


def _signed_on_check(signed_on: date) -> None:
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("Ngày ký không được sau ngày hôm nay.")})


def _reason_clean(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do thu hồi hoặc sửa đổi quyết định.")})
    return reason


def _names(models: Iterable[MovementModel]) -> str:
    return "; ".join(m.name for m in models)


def _models_locked(ids: list[int]) -> list[MovementModel]:
    """The models, locked until commit (two issues of one model queue), in id order."""
    return list(
        MovementModel.objects.select_for_update(of=("self",))
        .select_related("unit", "field")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _models_check(models: list[MovementModel], *, ids: list[int], campaign: Campaign) -> None:
    if len(models) != len(ids):
        missing = sorted(set(ids) - {m.pk for m in models})
        raise ValidationError(
            {"models": _("Không tìm thấy mô hình: %(ids)s.") % {"ids": ", ".join(f"#{pk}" for pk in missing)}}
        )
    other = [m for m in models if m.campaign_id != campaign.pk]
    if other:
        raise ValidationError(
            {
                "models": _("Mô hình không thuộc đợt “%(campaign)s”: %(names)s.")
                % {"campaign": campaign.name, "names": _names(other)}
            }
        )


def _latest_results(ids: list[int]) -> dict[int, EvaluationResult]:
    latest: dict[int, EvaluationResult] = {}
    for result in EvaluationResult.objects.filter(movement_model_id__in=ids).order_by(
        "movement_model_id", "-created_at", "-pk"
    ):
        latest.setdefault(result.movement_model_id, result)
    return latest


def _target_locked(decision: RecognitionDecision) -> RecognitionDecision:
    target = RecognitionDecision.objects.select_for_update().select_related("campaign").get(pk=decision.pk)
    if target.kind == DecisionKind.REVOCATION:
        raise ValidationError(_("Không thu hồi hoặc sửa đổi một quyết định thu hồi."))
    return target


def _live_models_of(target: RecognitionDecision, model_ids) -> list[MovementModel]:
    """The models `target` still speaks for (all of them when `model_ids` is None), locked."""
    listed = list(target.entries.values_list("movement_model_id", flat=True))
    live = {pk for pk, entry in live_entries(listed).items() if entry.decision_id == target.pk}
    if model_ids is None:
        ids = sorted(live)
        if not ids:
            raise ValidationError(
                _("Quyết định số %(number)s không còn hiệu lực với mô hình nào.") % {"number": target.number}
            )
    else:
        ids = _ids_clean(model_ids)
    models = _models_locked(ids)
    outside = [m for m in models if m.pk not in live]
    if outside or len(models) != len(ids):
        names = _names(outside) or ", ".join(f"#{pk}" for pk in sorted(set(ids) - {m.pk for m in models}))
        raise ValidationError(
            {
                "models": _("Mô hình không thuộc Quyết định số %(number)s đang có hiệu lực: %(names)s.")
                % {"number": target.number, "names": names}
            }
        )
    return models


def _decision_create(
    *,
    campaign: Campaign,
    kind: str,
    signer: User,
    signed_on: date,
    setup: DecisionSetup,
    summary: str,
    models: list[MovementModel],
    classifications: Mapping[int, str],
    reason: str = "",
    revokes: RecognitionDecision | None = None,
    amends: RecognitionDecision | None = None,
) -> RecognitionDecision:
    """Allocate the number, draw the PDF from the records, insert the decision and its annex."""
    issuing_unit = campaign.organising_unit
    sequence_number = get_next_value(
        decision_sequence_name(issuing_unit_id=issuing_unit.pk, year=signed_on.year), initial_value=1
    )
    decision = RecognitionDecision(
        campaign=campaign,
        issuing_unit=issuing_unit,
        kind=kind,
        sequence_number=sequence_number,
        number=decision_number_format(setup.number_format, number=sequence_number, year=signed_on.year),
        year=signed_on.year,
        signed_on=signed_on,
        place=setup.place,
        signer=signer,
        signer_name=signer.get_full_name() or signer.get_username(),
        signer_title=setup.signer_title,
        summary=summary[:500],
        reason=reason,
        bases=list(setup.bases),
        recipients=list(setup.recipients),
        revokes=revokes,
        amends=amends,
    )
    rows = [(m, classifications[m.pk]) for m in models]
    content = decision_pdf(decision_document(decision=decision, rows=rows))
    decision.pdf_sha256 = hashlib.sha256(content).hexdigest()
    decision.pdf.save(f"{_file_stem(decision)}.pdf", ContentFile(content), save=False)
    # Registered before the insert: a failing issue rolls back and takes the file with it.
    _removed_unless_committed(storage=decision.pdf.storage, name=decision.pdf.name)
    decision.save()
    DecisionEntry.objects.bulk_create(
        [DecisionEntry(decision=decision, movement_model=m, classification=value) for m, value in rows],
        batch_size=1000,
    )
    return decision


def _file_stem(decision: RecognitionDecision) -> str:
    return f"quyet-dinh-{decision.issuing_unit_id}-{decision.year}-{decision.sequence_number}"


def _issued_record(decision: RecognitionDecision, *, actor: User, count: int) -> None:
    audit_record(
        action=AuditAction.DECISION_ISSUED,
        actor=actor,
        payload={
            "decision": decision.pk,
            "number": decision.number,
            "decision_kind": decision.kind,
            "models_count": count,
            "pdf_sha256": decision.pdf_sha256,
        },
    )
