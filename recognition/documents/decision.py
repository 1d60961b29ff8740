"""The recognition decision as PDF, in the official layout of DOMAIN.md "The recognition decision".

Page 1 (and on): the header (`layout.header_draw`), "QUYẾT ĐỊNH" and the trích yếu
centred, the grounds, the deciding body, the articles, the signer block bottom right
with "Nơi nhận:" bottom left. The annex starts on a new, landscape page: its title, the line
naming the decision it belongs to, and the table (STT, name, unit, field,
collective/individual, classification) whose heading row repeats on every page.

Party style (Hướng dẫn 36-HD/VPTW): the grounds come right after the trích yếu and the
deciding body closes them, "BAN CHỈ ĐẠO … QUYẾT ĐỊNH:". State style (Nghị định
30/2020/NĐ-CP): the deciding authority stands centred above the grounds (in italics)
and "QUYẾT ĐỊNH:" follows them on its own line.
"""

from .content import DecisionDocument, DocumentStyle
from .layout import OfficialPdf, header_draw, list_table_draw, paragraph_draw, signature_draw

TITLE = "QUYẾT ĐỊNH"
DECIDES = "QUYẾT ĐỊNH:"


def decision_pdf(document: DecisionDocument) -> bytes:
    pdf = OfficialPdf()
    pdf.add_page()
    header = document.header
    header_draw(pdf, header)

    pdf.text_line(TITLE, style="B", size=14, align="C", height=7)
    pdf.text_line(document.summary, style="B", align="C")
    pdf.short_rule()
    party = header.style == DocumentStyle.PARTY
    if not party:
        pdf.text_line(document.deciding_body, style="B", align="C")
        pdf.ln(2)
    for basis in document.bases:
        paragraph_draw(pdf, basis, style="" if party else "I")
    pdf.ln(2)
    pdf.text_line(f"{document.deciding_body} {DECIDES}" if party else DECIDES, style="B", align="C")
    pdf.ln(2)
    for number, article in enumerate(document.articles, start=1):
        paragraph_draw(pdf, article, prefix=f"Điều {number}. ")
    signature_draw(pdf, document.signer, document.recipients)

    if document.annex_rows or document.annex_title:
        # The annex is a landscape table: six columns keep a model to one or two lines.
        pdf.add_page(orientation="L")
        pdf.text_line(document.annex_title, style="B", align="C")
        pdf.text_line(
            f"(Kèm theo Quyết định số {header.number or '……'} ngày {header.signed_on:%d/%m/%Y})",
            style="I",
            size=12,
            align="C",
        )
        pdf.ln(3)
        list_table_draw(pdf, document.annex_rows)
    return bytes(pdf.output())
