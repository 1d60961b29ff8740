"""The standing body's proposal for a giấy khen / bằng khen as PDF: a tờ trình with its list.

Header as on a decision ("Số 03-TTr/BCĐ" or "Số: 03/TTr-UBND"), "TỜ TRÌNH" and the trích
yếu centred, "Kính gửi: …", the body paragraphs, the list of proposed models (heading row
repeated on every page), then the signer block with "Nơi nhận:".
"""

from .content import AwardProposalDocument
from .layout import OfficialPdf, header_draw, list_table_draw, paragraph_draw, signature_draw

TITLE = "TỜ TRÌNH"


def award_proposal_pdf(document: AwardProposalDocument) -> bytes:
    pdf = OfficialPdf()
    pdf.add_page()
    header_draw(pdf, document.header)
    pdf.text_line(TITLE, style="B", size=14, align="C", height=7)
    pdf.text_line(document.summary, style="B", align="C")
    pdf.short_rule()
    pdf.text_line(document.addressee, align="C")
    pdf.ln(3)
    for text in document.body:
        paragraph_draw(pdf, text)
    pdf.ln(2)
    pdf.text_line(f"DANH SÁCH ĐỀ NGHỊ TẶNG {document.award_kind.upper()}", style="B", align="C")
    pdf.ln(2)
    list_table_draw(pdf, document.rows)
    signature_draw(pdf, document.signer, document.recipients)
    return bytes(pdf.output())
