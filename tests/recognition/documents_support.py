"""Reading generated PDFs back in tests: text per page, the font of each text run, embedded fonts."""

import io
from datetime import date

from pypdf import PdfReader

from recognition.documents.content import (
    AnnexRow,
    AwardProposalDocument,
    CertificateDocument,
    DecisionDocument,
    DocumentHeader,
    DocumentStyle,
    SignerBlock,
)

ISSUING_BODY = "BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”"


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text with every run of white space (line breaks of wrapped cells) as one space."""
    return " ".join(text.split())


def runs(pdf: bytes, page: int = 0) -> list[tuple[str, str]]:
    """(font name without subset prefix, text) of each text run of a page."""
    found: list[tuple[str, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            found.append((str(font["/BaseFont"]).split("+", 1)[-1], text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Every font of every page: name → whether its file is embedded (FontFile2)."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"]).split("+", 1)[-1]] = "/FontFile2" in descriptor
    return fonts


def header(style: DocumentStyle, *, signed_on: date = date(2026, 1, 5), number: str = "") -> DocumentHeader:
    if style == DocumentStyle.PARTY:
        return DocumentHeader(
            style=style,
            superior_body="ĐẢNG BỘ THÀNH PHỐ CẦN THƠ",
            issuing_body=ISSUING_BODY,
            number=number or "12-QĐ/BCĐ",
            place="Cần Thơ",
            signed_on=signed_on,
        )
    return DocumentHeader(
        style=style,
        superior_body="",
        issuing_body="ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU",
        number=number or "05/QĐ-UBND",
        place="Cần Thơ",
        signed_on=signed_on,
    )


def annex_rows(count: int) -> list[AnnexRow]:
    return [
        AnnexRow(
            name=f"Hũ gạo tình thương số {index}",
            unit="Hội Liên hiệp Phụ nữ phường Ninh Kiều",
            field="Văn hóa - xã hội",
            collective_kind="Tập thể" if index % 2 else "Cá nhân",
            classification="Tiêu biểu" if index % 3 == 0 else "Công nhận",
        )
        for index in range(1, count + 1)
    ]


def decision(style: DocumentStyle, *, rows: int = 3, signed_on: date = date(2026, 1, 5)) -> DecisionDocument:
    party = style == DocumentStyle.PARTY
    return DecisionDocument(
        header=header(style, signed_on=signed_on),
        summary="về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025",
        bases=["- Căn cứ Quy chế dân vận của hệ thống chính trị;", "- Xét đề nghị của Ban Dân vận Thành ủy,"],
        deciding_body=ISSUING_BODY if party else "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU",
        articles=[
            "Công nhận 3 mô hình, điển hình “Dân vận khéo” (có danh sách kèm theo).",
            "Quyết định có hiệu lực kể từ ngày ký.",
            "Các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ],
        signer=SignerBlock(
            on_behalf="T/M BAN CHỈ ĐẠO" if party else "TM. ỦY BAN NHÂN DÂN",
            title="TRƯỞNG BAN" if party else "CHỦ TỊCH",
            name="Huỳnh Thanh Sơn",
        ),
        recipients=["Ban Thường vụ Thành ủy (để b/c),", "Các đơn vị có tên tại Điều 1,", "Lưu VP."],
        annex_title="DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”",
        annex_rows=annex_rows(rows),
    )


def certificate(style: DocumentStyle = DocumentStyle.PARTY) -> CertificateDocument:
    party = style == DocumentStyle.PARTY
    return CertificateDocument(
        header=header(style, signed_on=date(2026, 3, 5)),
        model_name="Tổ liên gia tự quản đảm bảo an ninh trật tự",
        unit="Công an phường Cái Khế",
        field="Quốc phòng - an ninh",
        collective_kind="Tập thể",
        classification="Tiêu biểu",
        decision_number="12-QĐ/BCĐ" if party else "05/QĐ-UBND",
        signer=SignerBlock(
            on_behalf="T/M BAN CHỈ ĐẠO" if party else "TM. ỦY BAN NHÂN DÂN",
            title="TRƯỞNG BAN" if party else "CHỦ TỊCH",
            name="Huỳnh Thanh Sơn",
        ),
    )


def award_proposal(rows: int = 2) -> AwardProposalDocument:
    return AwardProposalDocument(
        header=header(DocumentStyle.PARTY, signed_on=date(2026, 2, 15), number="03-TTr/BCĐ"),
        addressee="Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Cần Thơ",
        summary="về việc đề nghị tặng Bằng khen cho mô hình, điển hình “Dân vận khéo” tiêu biểu",
        body=["Ban Chỉ đạo kính đề nghị Chủ tịch Ủy ban nhân dân thành phố tặng Bằng khen cho 2 mô hình."],
        award_kind="Bằng khen",
        rows=annex_rows(rows),
        signer=SignerBlock(on_behalf="T/M BAN CHỈ ĐẠO", title="PHÓ TRƯỞNG BAN THƯỜNG TRỰC", name="Trần Văn Minh"),
        recipients=["Như trên,", "Lưu VP."],
    )
