"""What a decision's document says, built from its records (the drawing is recognition.documents.decision)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from recognition.documents.content import (
    AnnexRow,
    CertificateDocument,
    DecisionDocument,
    DocumentHeader,
    DocumentStyle,
    SignerBlock,
)
from recognition.models import (
    Classification,
    CollectiveKind,
    DecisionKind,
    MovementModel,
    RecognitionDecision,
    Unit,
)

ISSUING_BODY = "BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”"
PLACE_PREFIXES = ("Thành ủy ", "Tỉnh ủy ", "Thành phố ", "thành phố ", "Tỉnh ", "tỉnh ", "Phường ", "Xã ", "Đặc khu ")


def document_style(number: str) -> DocumentStyle:
    """State style for "05/QĐ-UBND" numbers, Party style otherwise ("12-QĐ/BCĐ")."""
    return DocumentStyle.STATE if "/QĐ-" in number else DocumentStyle.PARTY


def default_place(unit: Unit) -> str:
    """The place of the date line: the province (top unit of the tree) without its prefix, e.g. "Cần Thơ"."""
    root = unit if unit.depth == 1 else unit.get_root()
    name = root.name
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def decision_document(*, decision: RecognitionDecision, rows: Iterable[tuple[MovementModel, str]]) -> DecisionDocument:
    """The document of a decision (saved or about to be) and its annex rows (model, classification).

    Precondition: each model has its unit and field loaded (one query for the whole annex).
    """
    rows = list(rows)
    issuing_unit = decision.issuing_unit
    parent = issuing_unit.get_parent() if issuing_unit.depth > 1 else None
    style = document_style(decision.number)
    header = DocumentHeader(
        style=style,
        superior_body=(parent.name if parent is not None else issuing_unit.name).upper(),
        issuing_body=ISSUING_BODY if style == DocumentStyle.PARTY else issuing_unit.name.upper(),
        number=decision.number,
        place=decision.place or default_place(issuing_unit),
        signed_on=decision.signed_on,
    )
    deciding_body = ISSUING_BODY if style == DocumentStyle.PARTY else issuing_unit.name.upper()
    on_behalf = "T/M BAN CHỈ ĐẠO" if style == DocumentStyle.PARTY else f"TM. {issuing_unit.name.upper()}"
    return DecisionDocument(
        header=header,
        summary=decision.summary,
        bases=list(decision.bases)
        or [
            _("Căn cứ Quy chế dân vận của hệ thống chính trị;"),
            _("Căn cứ kết quả đánh giá của Hội đồng xét công nhận mô hình, điển hình “Dân vận khéo”;"),
        ],
        deciding_body=deciding_body,
        articles=_articles(decision, count=len(rows)),
        signer=SignerBlock(
            on_behalf=on_behalf,
            title=(decision.signer_title or _("Trưởng Ban")).upper(),
            name=decision.signer_name,
        ),
        recipients=[*decision.recipients, _("Lưu VP.")],
        annex_title=_("DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” (kèm theo Quyết định số %(number)s)")
        % {"number": decision.number},
        annex_rows=[
            AnnexRow(
                name=model.name,
                unit=model.unit.name,
                field=model.field.name,
                collective_kind=str(CollectiveKind(model.collective_kind).label),
                classification=str(Classification(classification).label),
            )
            for model, classification in rows
        ],
    )


def _articles(decision: RecognitionDecision, *, count: int) -> list[str]:
    closing = _("Các cơ quan, đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")
    if decision.kind == DecisionKind.REVOCATION:
        first = _(
            "Thu hồi Quyết định số %(number)s đối với %(count)s mô hình, điển hình có tên trong danh sách kèm theo. "
            "Lý do: %(reason)s"
        ) % {"number": decision.revokes.number, "count": count, "reason": decision.reason}
    elif decision.kind == DecisionKind.AMENDMENT:
        first = _(
            "Sửa đổi xếp loại của %(count)s mô hình, điển hình tại Quyết định số %(number)s theo danh sách kèm theo. "
            "Lý do: %(reason)s"
        ) % {"number": decision.amends.number, "count": count, "reason": decision.reason}
    else:
        first = _("Công nhận %(count)s mô hình, điển hình “Dân vận khéo” (có danh sách kèm theo).") % {"count": count}
    return [first, _("Quyết định có hiệu lực kể từ ngày ký."), closing]


def certificate_document(*, decision: RecognitionDecision, entry) -> CertificateDocument:
    """The certificate of one annex row (its model with unit and field loaded)."""
    document = decision_document(decision=decision, rows=[])
    model = entry.movement_model
    return CertificateDocument(
        header=document.header,
        model_name=model.name,
        unit=model.unit.name,
        field=model.field.name,
        collective_kind=str(CollectiveKind(model.collective_kind).label),
        classification=str(Classification(entry.classification).label),
        decision_number=decision.number,
        signer=document.signer,
    )
