"""Award proposals (tờ trình đề nghị khen thưởng) and the awards the competent authority decides.

Pure rules (who may be proposed, what a proposal's document says) are apart from the two
writers, `award_propose` and `award_record`, each one transaction with its audit records.
"""

import hashlib
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from sequences import get_next_value

from recognition.documents.award_proposal import award_proposal_pdf
from recognition.documents.content import AnnexRow, AwardProposalDocument, DocumentHeader, DocumentStyle, SignerBlock
from recognition.models import (
    AuditAction,
    Award,
    AwardKind,
    AwardProposal,
    AwardProposalItem,
    AwardProposalStatus,
    Campaign,
    Classification,
    CollectiveKind,
    DecisionEntry,
    ModelStage,
    MovementModel,
    Unit,
    User,
)

from .audit import audit_batch, audit_record

PROPOSE_PERMISSION = "recognition.propose_award"
ISSUING_BODY = "BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”"
# Stages of a model whose recognition stands (replication follows the decision; closed ends its tracking).
RECOGNISED_STAGES = (ModelStage.REPLICATION, ModelStage.CLOSED)
PLACE_PREFIXES = ("Thành ủy ", "Tỉnh ủy ", "Đảng ủy ", "Thành phố ", "thành phố ", "Tỉnh ", "tỉnh ")


# Reads and rules -------------------------------------------------------------------------


def live_entries() -> QuerySet[DecisionEntry]:
    """Each model's live decision entry: the latest entry listing it, from a decision that
    neither revokes another one nor was revoked (DOMAIN.md: corrections are new decisions)."""
    latest = DecisionEntry.objects.filter(movement_model=OuterRef("movement_model")).order_by(
        "-decision__signed_on", "-decision_id", "-pk"
    )
    return DecisionEntry.objects.filter(
        pk=Subquery(latest.values("pk")[:1]),
        decision__revokes__isnull=True,
        decision__revoked_by__isnull=True,
    )


def models_pending_award() -> QuerySet[MovementModel]:
    """Models in a proposal that is still waiting for the authority's decision."""
    return MovementModel.objects.filter(award_proposal_items__proposal__status=AwardProposalStatus.PROPOSED).distinct()


def award_candidates(*, campaign: Campaign) -> QuerySet[MovementModel]:
    """The campaign's recognised tiêu biểu models not already waiting in a proposal."""
    outstanding = live_entries().filter(classification=Classification.OUTSTANDING).values("movement_model_id")
    return (
        MovementModel.objects.filter(campaign=campaign, stage__in=RECOGNISED_STAGES, pk__in=outstanding)
        .exclude(pk__in=models_pending_award().values("pk"))
        .select_related("unit", "field")
        .order_by("name", "pk")
    )


def award_campaigns_for(*, user: User) -> QuerySet[Campaign]:
    """Campaigns whose models the user may propose: those organised by the user's own unit."""
    if user.unit_id is None or not user.has_perm(PROPOSE_PERMISSION):
        return Campaign.objects.none()
    return Campaign.objects.filter(organising_unit_id=user.unit_id).order_by("-year", "name")


def award_proposals_visible_to(*, user: User) -> QuerySet[AwardProposal]:
    """Proposals of the user's unit and the units below it."""
    queryset = AwardProposal.objects.select_related("campaign", "proposing_unit", "proposed_by")
    if user.is_superuser:
        return queryset
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(proposing_unit__path__startswith=user.unit.path)


def document_place(unit: Unit) -> str:
    """The place of the date line: the top unit's name without its prefix ("Thành ủy Cần Thơ" → "Cần Thơ")."""
    root = unit if unit.depth == 1 else unit.get_root()
    for prefix in PLACE_PREFIXES:
        if root.name.startswith(prefix):
            return root.name[len(prefix) :]
    return root.name


def award_proposal_document(
    *, proposal: AwardProposal, items: Sequence[tuple[MovementModel, str]], signer: User
) -> AwardProposalDocument:
    """What the tờ trình says. Precondition: each model has its unit and field loaded."""
    unit = proposal.proposing_unit
    parent = unit.get_parent() if unit.depth > 1 else None
    kind = str(AwardKind(proposal.award_kind).label)
    year = proposal.campaign.year
    return AwardProposalDocument(
        header=DocumentHeader(
            style=DocumentStyle.PARTY,
            superior_body=(parent or unit).name.upper(),
            issuing_body=ISSUING_BODY,
            number=proposal.number,
            place=document_place(unit),
            signed_on=proposal.proposed_on,
        ),
        addressee=_("Kính gửi: %(authority)s") % {"authority": proposal.authority},
        summary=_("về việc đề nghị tặng %(kind)s cho mô hình, điển hình “Dân vận khéo” tiêu biểu năm %(year)s")
        % {"kind": kind, "year": year},
        body=[
            _(
                "Căn cứ kết quả xét công nhận mô hình, điển hình “Dân vận khéo” năm %(year)s, Ban Chỉ đạo kính đề nghị "
                "%(authority)s xem xét, tặng %(kind)s cho %(count)s mô hình, điển hình tiêu biểu có tên trong danh "
                "sách dưới đây."
            )
            % {"year": year, "authority": proposal.authority, "kind": kind, "count": len(items)},
        ],
        award_kind=kind,
        rows=[
            AnnexRow(
                name=model.name,
                unit=model.unit.name,
                field=model.field.name,
                collective_kind=str(CollectiveKind(model.collective_kind).label),
                classification=str(Classification(classification).label),
            )
            for model, classification in items
        ],
        signer=SignerBlock(
            on_behalf=_("T/M BAN CHỈ ĐẠO"),
            title=(signer.position or _("Phó Trưởng Ban Thường trực")).upper(),
            name=signer.get_full_name() or signer.get_username(),
        ),
        recipients=[_("Như trên,"), _("Lưu VP.")],
    )


def proposal_number_format(sequence_number: int) -> str:
    return f"{sequence_number:02d}-TTr/BCĐ"


# Writers ---------------------------------------------------------------------------------


def award_propose(
    *,
    proposed_by: User,
    campaign: Campaign,
    award_kind: str,
    authority: str,
    movement_models: Sequence[MovementModel],
) -> AwardProposal:
    """Propose tiêu biểu models of `campaign` for an award; the tờ trình PDF is stored with its SHA-256.

    Refused, with nothing written: a user who is not the campaign's standing body, no
    model, a model that is not a recognised tiêu biểu model of this campaign, or one
    already waiting in another proposal. The models are locked until commit, so two
    proposals sent at once cannot both take the same model.
    """
    if not proposed_by.has_perm(PROPOSE_PERMISSION) or proposed_by.unit_id != campaign.organising_unit_id:
        raise PermissionDenied(_("Chỉ cơ quan thường trực của đơn vị tổ chức đợt mới được đề nghị khen thưởng."))
    authority = (authority or "").strip()
    errors: dict[str, list[str]] = {}
    if award_kind not in AwardKind.values:
        errors["award_kind"] = [_("Chọn hình thức khen thưởng: Giấy khen hoặc Bằng khen.")]
    if not authority:
        errors["authority"] = [_("Ghi rõ cấp có thẩm quyền khen thưởng.")]
    model_ids = sorted({model.pk for model in movement_models})
    if not model_ids:
        errors["movement_models"] = [_("Chọn ít nhất một mô hình, điển hình tiêu biểu để đề nghị.")]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        locked = list(MovementModel.objects.select_for_update().filter(pk__in=model_ids).order_by("pk"))
        eligible = {model.pk: model for model in award_candidates(campaign=campaign).filter(pk__in=model_ids)}
        refused = [model for model in locked if model.pk not in eligible]
        if refused or len(locked) != len(model_ids):
            pending = set(models_pending_award().filter(pk__in=model_ids).values_list("pk", flat=True))
            messages = [
                (
                    _("“%(name)s” đang chờ quyết định khen thưởng của một tờ trình khác.")
                    if model.pk in pending
                    else _("“%(name)s” không phải mô hình, điển hình tiêu biểu đã được công nhận trong đợt này.")
                )
                % {"name": model.name}
                for model in refused
            ] or [_("Có mô hình không tồn tại.")]
            raise ValidationError({"movement_models": messages})
        classifications = dict(
            live_entries().filter(movement_model_id__in=model_ids).values_list("movement_model_id", "classification")
        )
        today = timezone.localdate()
        unit = campaign.organising_unit
        sequence_number = get_next_value(f"award_proposal:{unit.pk}:{today.year}")
        proposal = AwardProposal(
            campaign=campaign,
            proposing_unit=unit,
            sequence_number=sequence_number,
            number=proposal_number_format(sequence_number),
            year=today.year,
            proposed_on=today,
            award_kind=award_kind,
            authority=authority,
            proposed_by=proposed_by,
        )
        ordered = sorted(eligible.values(), key=lambda model: (model.name, model.pk))
        items = [(model, classifications[model.pk]) for model in ordered]
        content = award_proposal_pdf(award_proposal_document(proposal=proposal, items=items, signer=proposed_by))
        proposal.pdf_sha256 = hashlib.sha256(content).hexdigest()
        proposal.pdf.save(f"to-trinh-{unit.pk}-{today.year}-{sequence_number}.pdf", ContentFile(content), save=False)
        proposal.save()
        AwardProposalItem.objects.bulk_create(
            [
                AwardProposalItem(proposal=proposal, movement_model=model, classification=classification)
                for model, classification in items
            ]
        )
        with audit_batch():
            for model, _classification in items:
                audit_record(
                    action=AuditAction.AWARD_PROPOSED,
                    actor=proposed_by,
                    movement_model=model,
                    payload={
                        "award_proposal": proposal.pk,
                        "proposal_number": proposal.number,
                        "award_kind": award_kind,
                        "authority": authority,
                        "pdf_sha256": proposal.pdf_sha256,
                    },
                )
    return proposal


def award_record(
    *,
    recorded_by: User,
    proposal: AwardProposal,
    number: str,
    decided_on: date,
    authority: str,
    kind: str,
    movement_models: Sequence[MovementModel] | None = None,
) -> list[Award]:
    """Record the authority's award decision for a proposal: one `Award` per granted model.

    `movement_models` are the proposed models the decision names (all of them when None).
    Refused, with nothing written: a proposal already decided, no number or authority,
    a decision dated after today or before the proposal, a model not in the proposal.
    """
    if not recorded_by.has_perm(PROPOSE_PERMISSION) or recorded_by.unit_id != proposal.proposing_unit_id:
        raise PermissionDenied(
            _("Chỉ cơ quan thường trực của đơn vị đề nghị mới được ghi nhận quyết định khen thưởng.")
        )
    number, authority = (number or "").strip(), (authority or "").strip()
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = [_("Ghi số quyết định khen thưởng.")]
    if not authority:
        errors["authority"] = [_("Ghi cấp đã quyết định khen thưởng.")]
    if kind not in AwardKind.values:
        errors["kind"] = [_("Chọn hình thức khen thưởng: Giấy khen hoặc Bằng khen.")]
    if decided_on > timezone.localdate():
        errors["decided_on"] = [_("Ngày quyết định không được sau ngày hôm nay.")]
    elif decided_on < proposal.proposed_on:
        errors["decided_on"] = [
            _("Ngày quyết định không được trước ngày đề nghị (%(day)s).")
            % {"day": proposal.proposed_on.strftime("%d/%m/%Y")}
        ]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        proposal = AwardProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != AwardProposalStatus.PROPOSED:
            raise ValidationError(_("Tờ trình %(number)s đã có quyết định khen thưởng.") % {"number": proposal.number})
        items = list(proposal.items.select_related("movement_model").order_by("pk"))
        if movement_models is not None:
            wanted = {model.pk for model in movement_models}
            outside = wanted - {item.movement_model_id for item in items}
            if not wanted or outside:
                raise ValidationError({"movement_models": [_("Chọn các mô hình có trong tờ trình được khen thưởng.")]})
            items = [item for item in items if item.movement_model_id in wanted]
        awards = Award.objects.bulk_create(
            [
                Award(
                    item=item,
                    movement_model=item.movement_model,
                    number=number,
                    decided_on=decided_on,
                    authority=authority,
                    kind=kind,
                    recorded_by=recorded_by,
                )
                for item in items
            ]
        )
        proposal.status = AwardProposalStatus.DECIDED
        proposal.save(update_fields=["status"])
        with audit_batch():
            for item in items:
                audit_record(
                    action=AuditAction.AWARD_RECORDED,
                    actor=recorded_by,
                    movement_model=item.movement_model,
                    payload={
                        "award_proposal": proposal.pk,
                        "proposal_number": proposal.number,
                        "award_number": number,
                        "decided_on": decided_on.isoformat(),
                        "authority": authority,
                        "award_kind": kind,
                        "pdf_sha256": proposal.pdf_sha256,
                    },
                )
    return awards
