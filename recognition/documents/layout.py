"""Drawing blocks shared by the official documents: the two-column header, the signer and
recipients block, and the list table whose heading row repeats on every page.

Measurements follow Nghị định 30/2020/NĐ-CP (appendix I) and Hướng dẫn 36-HD/VPTW:
A4, margins left 30 mm, right 15 mm, top and bottom 20 mm, body text 13–14 pt (here
13 pt), the header's left column about half the width, centred under the bodies' names.
"""

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .content import AnnexRow, DocumentHeader, DocumentStyle, SignerBlock
from .dates import date_line
from .fonts import FONT, fonts_add

PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_LABEL = "Nơi nhận:"

BODY_SIZE = 13
HEADER_SIZE = 12
LINE = 6.5  # mm per body line at 13 pt
SIGNATURE_SPACE = 24  # mm left blank for the signature and the seal

TABLE_HEADINGS = ("STT", "Tên mô hình, điển hình", "Đơn vị", "Lĩnh vực", "Tập thể/ Cá nhân", "Xếp loại")
# Shares of the printable width (sum 100), on a portrait and on a landscape page.
TABLE_SHARES = {"P": (7, 33, 25, 15, 10, 10), "L": (5, 38, 27, 13, 8, 9)}


class OfficialPdf(FPDF):
    """A4 with the official margins, Noto Sans registered, and page numbers from page 2."""

    def __init__(self, *, orientation: str = "portrait"):
        super().__init__(orientation=orientation, format="A4")
        fonts_add(self)
        self.set_margins(30, 20, 15)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title("")
        self.set_creator("Khéo")

    def header(self):
        # Official documents number their pages from the second, centred at the top.
        if self.page_no() > 1:
            self.set_y(8)
            self.set_font(FONT, "", 11)
            self.cell(0, 5, str(self.page_no()), align="C")
            self.set_y(self.t_margin)

    def text_line(self, text: str, *, style: str = "", size: float = BODY_SIZE, align: str = "L", height=LINE):
        self.set_font(FONT, style, size)
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def short_rule(self, width: float = 30, *, center_x: float | None = None):
        """The short horizontal line under a title (a "-----" drawn, not typed)."""
        center_x = center_x if center_x is not None else self.l_margin + self.epw / 2
        y = self.get_y() + 1
        self.set_line_width(0.3)
        self.line(center_x - width / 2, y, center_x + width / 2, y)
        self.set_y(y + 3)


def header_draw(pdf: OfficialPdf, header: DocumentHeader, *, with_number: bool = True, with_date: bool = True):
    """The two columns at the top; the cursor ends below the taller one.

    Party style: superior body, issuing body (bold), "*", "Số 12-QĐ/BCĐ" on the left;
    "ĐẢNG CỘNG SẢN VIỆT NAM" underlined on the right with the italic date line below.
    State style: issuing body (bold) over a short rule and "Số: 05/QĐ-UBND" on the left;
    the national name and the underlined motto on the right, then the italic date line.
    """
    top = pdf.get_y()
    left_x, left_width = pdf.l_margin, pdf.epw * 0.45
    right_x, right_width = pdf.l_margin + left_width, pdf.epw - left_width
    # Left column
    pdf.set_xy(left_x, top)

    def left(text: str, style: str = ""):
        pdf.set_x(left_x)
        pdf.set_font(FONT, style, HEADER_SIZE)
        pdf.multi_cell(left_width, 5.5, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)

    number = header.number or "……"
    if header.style == DocumentStyle.PARTY:
        if header.superior_body:
            left(header.superior_body)
        left(header.issuing_body, "B")
        left("*")
        if with_number:
            left(f"Số {number}")
    else:
        if header.superior_body:
            left(header.superior_body)
        left(header.issuing_body, "B")
        pdf.short_rule(20, center_x=left_x + left_width / 2)
        if with_number:
            left(f"Số: {number}")
    left_bottom = pdf.get_y()
    # Right column
    pdf.set_xy(right_x, top)

    def right(text: str, style: str = "", size: float = HEADER_SIZE):
        pdf.set_x(right_x)
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(right_width, 5.5, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)

    if header.style == DocumentStyle.PARTY:
        right(PARTY_NAME, "BU")
    else:
        right(NATIONAL_NAME, "B")
        right(NATIONAL_MOTTO, "BU", HEADER_SIZE + 1)
    if with_date:
        pdf.ln(2)
        right(date_line(header.place, header.signed_on), "I")
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()) + 6)


def paragraph_draw(pdf: OfficialPdf, text: str, *, prefix: str = "", style: str = "") -> None:
    """A body paragraph, first line indented 10 mm; `prefix` ("Điều 1. ") in bold."""
    pdf.set_x(pdf.l_margin + 10)
    if prefix:
        pdf.set_font(FONT, "B", BODY_SIZE)
        pdf.write(LINE, prefix)
    pdf.set_font(FONT, style, BODY_SIZE)
    pdf.write(LINE, text)
    pdf.set_xy(pdf.l_margin, pdf.get_y() + LINE)


def signature_draw(pdf: OfficialPdf, signer: SignerBlock, recipients: Sequence[str], *, date_text: str = ""):
    """The signer block bottom right and "Nơi nhận:" bottom left, kept together on one page."""
    right_width = pdf.epw * 0.5
    right_x = pdf.l_margin + pdf.epw - right_width
    needed = 5.5 * (len(recipients) + 1) + 2
    needed = max(needed, LINE * (3 + bool(date_text)) + SIGNATURE_SPACE) + 4
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    # Left: recipients, smaller, "Nơi nhận:" bold italic (a certificate has none).
    if recipients:
        pdf.set_x(pdf.l_margin)
        pdf.set_font(FONT, "BI", 12)
        pdf.cell(pdf.epw - right_width, 5.5, RECIPIENTS_LABEL, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 11)
        for recipient in recipients:
            pdf.multi_cell(
                pdf.epw - right_width - 4, 5.5, f"- {recipient}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
    left_bottom = pdf.get_y()
    # Right: signer.
    pdf.set_xy(right_x, top)

    def right(text: str, style: str = "B"):
        pdf.set_x(right_x)
        pdf.set_font(FONT, style, BODY_SIZE)
        pdf.multi_cell(right_width, LINE, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)

    if date_text:
        right(date_text, "I")
    right(signer.on_behalf)
    right(signer.title)
    pdf.set_y(pdf.get_y() + SIGNATURE_SPACE)
    right(signer.name)
    pdf.set_xy(pdf.l_margin, max(left_bottom, pdf.get_y()))


def list_table_draw(pdf: OfficialPdf, rows: Sequence[AnnexRow]) -> None:
    """The list of models, heading row repeated at the top of every page it runs onto.

    Drawn with `text()` and grid lines, measuring words from a per-character width
    cache: fpdf2's `table()` measures every cell through its full line breaker and took
    46 s for a 2,500-row annex; this takes about 2 s (bench/documents.py).
    """
    widths = [pdf.epw * share / 100 for share in TABLE_SHARES[pdf.cur_orientation.value]]
    centred = (True, False, False, False, True, True)
    table = _TableDrawer(pdf, widths=widths, centred=centred)
    table.heading(TABLE_HEADINGS)
    for index, row in enumerate(rows, start=1):
        table.row((str(index), row.name, row.unit, row.field, row.collective_kind, row.classification))
    table.finish()
    pdf.set_xy(pdf.l_margin, table.y)


class _TableDrawer:
    """Rows drawn top to bottom; the grid of each page's part of the table is drawn once that part ends
    (one horizontal line per row, one vertical line per column edge), not as a rectangle per cell."""

    SIZE = 10
    LINE_HEIGHT = 4.8
    PADDING = 1.0
    RULE = 0.2

    def __init__(self, pdf: OfficialPdf, *, widths: Sequence[float], centred: Sequence[bool]):
        self.pdf = pdf
        self.widths = list(widths)
        self.centred = list(centred)
        self.left = pdf.l_margin
        self.right = pdf.l_margin + sum(self.widths)
        self.y = pdf.get_y()
        self.segment_top = self.y
        self.orientation = pdf.cur_orientation
        self.headings: Sequence[str] = ()
        self._characters: dict[str, dict[str, float]] = {}
        self._words: dict[str, dict[str, float]] = {}

    def _width(self, style: str, text: str) -> float:
        """Width of `text` in the current font (whose style is `style`): the sum of its characters',
        as fpdf2 itself measures text drawn without shaping."""
        words = self._words.setdefault(style, {})
        width = words.get(text)
        if width is None:
            characters = self._characters.setdefault(style, {})
            width = 0.0
            for character in text:
                character_width = characters.get(character)
                if character_width is None:
                    character_width = characters[character] = self.pdf.get_string_width(character)
                width += character_width
            words[text] = width
        return width

    def _wrap(self, style: str, text: str, width: float) -> list[str]:
        """Greedy word wrap; a word wider than the cell is cut between characters."""
        space = self._width(style, " ")
        lines: list[str] = []
        current, current_width = "", 0.0
        for word in text.split():
            word_width = self._width(style, word)
            if word_width > width:
                if current:
                    lines.append(current)
                piece, piece_width = "", 0.0
                for character in word:
                    character_width = self._width(style, character)
                    if piece and piece_width + character_width > width:
                        lines.append(piece)
                        piece, piece_width = "", 0.0
                    piece, piece_width = piece + character, piece_width + character_width
                current, current_width = piece, piece_width
            elif not current:
                current, current_width = word, word_width
            elif current_width + space + word_width <= width:
                current, current_width = f"{current} {word}", current_width + space + word_width
            else:
                lines.append(current)
                current, current_width = word, word_width
        if current or not lines:
            lines.append(current)
        return lines

    def heading(self, headings: Sequence[str]) -> None:
        self.headings = headings
        self._draw(headings, style="B", heading=True)

    def row(self, cells: Sequence[str]) -> None:
        self._draw(cells, style="", heading=False)

    def finish(self) -> None:
        """The vertical lines of the table's part on the current page."""
        pdf = self.pdf
        pdf.set_line_width(self.RULE)
        x = self.left
        for width in [0.0, *self.widths]:
            x += width
            pdf.line(x, self.segment_top, x, self.y)

    def _draw(self, cells: Sequence[str], *, style: str, heading: bool) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, style, self.SIZE)
        inner = [width - 2 * self.PADDING for width in self.widths]
        lines = [self._wrap(style, text, width) for text, width in zip(cells, inner, strict=True)]
        height = max(len(cell_lines) for cell_lines in lines) * self.LINE_HEIGHT + 2 * self.PADDING
        if self.y + height > pdf.page_break_trigger and not heading:
            self.finish()
            pdf.add_page(orientation=self.orientation)
            self.y = self.segment_top = pdf.t_margin
            self._draw(self.headings, style="B", heading=True)
            pdf.set_font(FONT, style, self.SIZE)
        pdf.set_line_width(self.RULE)
        if heading:
            pdf.set_fill_color(235, 235, 235)
            pdf.rect(self.left, self.y, self.right - self.left, height, style="DF")
        x = self.left
        half_line = self.LINE_HEIGHT / 2 + 0.3 * pdf.font_size
        for cell_lines, width, centred in zip(lines, self.widths, self.centred, strict=True):
            top = self.y + (height - len(cell_lines) * self.LINE_HEIGHT) / 2 + half_line
            for number, text in enumerate(cell_lines):
                if text:
                    text_x = x + (width - self._width(style, text)) / 2 if centred or heading else x + self.PADDING
                    pdf.text(text_x, top + number * self.LINE_HEIGHT, text)
            x += width
        self.y += height
        pdf.line(self.left, self.y, self.right, self.y)
