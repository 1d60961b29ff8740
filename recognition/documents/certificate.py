"""One model's certificate of recognition as PDF (placeholder layout: the official one replaces it)."""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from recognition.audit.pdf import FONT, _font_path

from .content import CertificateDocument
from .dates import date_line


def certificate_pdf(document: CertificateDocument) -> bytes:
    pdf = FPDF(format="A4", orientation="L")
    pdf.add_font(FONT, "", _font_path(400))
    pdf.add_font(FONT, "B", _font_path(700))
    pdf.add_page()

    def line(text: str, *, bold: bool = False, size: float = 12) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(0, 8, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    header = document.header
    line(header.issuing_body, bold=True)
    line("GIẤY CHỨNG NHẬN", bold=True, size=20)
    line(f"{document.collective_kind}: {document.model_name}", bold=True, size=16)
    line(document.unit)
    line(f"{document.field} — {document.classification}")
    line(f"Quyết định số {document.decision_number}")
    line(date_line(header.place, header.signed_on))
    line(document.signer.on_behalf, bold=True)
    line(document.signer.title, bold=True)
    line(document.signer.name, bold=True)
    return bytes(pdf.output())
