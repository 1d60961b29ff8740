"""One model's certificate of recognition (giấy chứng nhận) as PDF: landscape A4.

The official header (as on the decision, without a number of its own), the title, the
model and its unit, field and classification, the decision it rests on, and the signer
block with the place and date above it, inside a double frame.
"""

from .content import CertificateDocument
from .dates import date_line
from .layout import OfficialPdf, header_draw, signature_draw

TITLE = "GIẤY CHỨNG NHẬN"


def certificate_pdf(document: CertificateDocument) -> bytes:
    pdf = OfficialPdf(orientation="landscape")
    pdf.set_margins(25, 18, 25)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    # The frame: a thick line and a thin one inside it.
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
    pdf.set_y(18)
    header = document.header
    header_draw(pdf, header, with_number=False, with_date=False)

    pdf.text_line(TITLE, style="B", size=28, align="C", height=13)
    pdf.text_line(
        f"Công nhận {document.collective_kind.lower()} đạt danh hiệu mô hình, điển hình “Dân vận khéo”",
        style="I",
        size=14,
        align="C",
        height=8,
    )
    pdf.ln(3)
    pdf.text_line(f"“{document.model_name}”", style="B", size=20, align="C", height=10)
    pdf.ln(2)
    pdf.text_line(f"Đơn vị: {document.unit}", size=14, align="C", height=8)
    pdf.text_line(f"Lĩnh vực: {document.field}", size=14, align="C", height=8)
    pdf.text_line(f"Xếp loại: {document.classification}", style="B", size=14, align="C", height=8)
    pdf.text_line(
        f"(Theo Quyết định số {document.decision_number} ngày {header.signed_on:%d/%m/%Y})",
        style="I",
        size=12,
        align="C",
        height=7,
    )
    signature_draw(pdf, document.signer, [], date_text=date_line(header.place, header.signed_on))
    return bytes(pdf.output())
