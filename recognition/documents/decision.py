"""The recognition decision as PDF (placeholder layout: the official one replaces it)."""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from recognition.audit.pdf import FONT, _font_path

from .content import DecisionDocument
from .dates import date_line


def decision_pdf(document: DecisionDocument) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", _font_path(400))
    pdf.add_font(FONT, "B", _font_path(700))
    pdf.add_page()
    header = document.header

    def line(text: str, *, bold: bool = False, size: float = 11) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(header.issuing_body, bold=True)
    line(f"Số {header.number}")
    line(date_line(header.place, header.signed_on))
    line("QUYẾT ĐỊNH", bold=True, size=14)
    line(document.summary)
    for basis in document.bases:
        line(basis)
    for index, article in enumerate(document.articles, start=1):
        line(f"Điều {index}. {article}")
    line(document.signer.on_behalf, bold=True)
    line(document.signer.title, bold=True)
    line(document.signer.name, bold=True)
    line(document.annex_title, bold=True)
    for row in document.annex_rows:
        line(f"{row.name} — {row.unit} — {row.field} — {row.collective_kind} — {row.classification}", size=9)
    return bytes(pdf.output())
