"""The recognition decision's PDF: every block of the official layout, both styles, the annex."""

import io
import re
import time
from datetime import date

import pytest
from pypdf import PdfReader

from recognition.documents.content import DocumentStyle
from recognition.documents.dates import date_line
from recognition.documents.decision import decision_pdf
from tests.recognition.documents_support import decision, embedded_fonts, flat, pages_text, runs


def _in_order(text: str, parts: list[str]) -> None:
    """Each part appears, after the previous one."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position} in {text!r}"
        position = found + len(part)


def test_party_style_decision_has_every_block_in_order():
    pdf = decision_pdf(decision(DocumentStyle.PARTY))
    first = pages_text(pdf)[0]
    lines = first.splitlines()

    assert lines[0] == "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ"
    assert "*" in lines
    assert "Số 12-QĐ/BCĐ" in lines
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in lines
    assert "Cần Thơ, ngày 05 tháng 01 năm 2026" in lines
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in first
    _in_order(
        flat(first),
        [
            "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ",
            "BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO”",
            "*",
            "Số 12-QĐ/BCĐ",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Cần Thơ, ngày 05 tháng 01 năm 2026",
            "QUYẾT ĐỊNH",
            "về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025",
            "- Căn cứ Quy chế dân vận của hệ thống chính trị;",
            "- Xét đề nghị của Ban Dân vận Thành ủy,",
            "BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” QUYẾT ĐỊNH:",
            "Điều 1. Công nhận 3 mô hình, điển hình “Dân vận khéo” (có danh sách kèm theo).",
            "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
            "Điều 3. Các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
            "Nơi nhận:",
            "- Ban Thường vụ Thành ủy (để b/c),",
            "- Các đơn vị có tên tại Điều 1,",
            "- Lưu VP.",
            "T/M BAN CHỈ ĐẠO",
            "TRƯỞNG BAN",
            "Huỳnh Thanh Sơn",
        ],
    )


def test_party_header_fonts_underline_the_party_and_italicise_the_date():
    pdf = decision_pdf(decision(DocumentStyle.PARTY))
    fonts = dict((text, font) for font, text in runs(pdf))

    assert fonts["ĐẢNG CỘNG SẢN VIỆT NAM"] == "NotoSansBold"
    assert fonts["Cần Thơ, ngày 05 tháng 01 năm 2026"] == "NotoSansItalic"
    assert fonts["QUYẾT ĐỊNH"] == "NotoSansBold"
    assert fonts["Nơi nhận:"] == "NotoSansBoldItalic"
    assert fonts["Huỳnh Thanh Sơn"] == "NotoSansBold"
    # The underline is a filled rectangle under the party's name, in the right column: the only one on the page.
    assert _underlines(pdf) == [("342.23", "163.81")]


def _underlines(pdf: bytes) -> list[tuple[str, str]]:
    """(x, width) in points of each underline fpdf2 drew on the first page."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    return re.findall(r"([\d.]+) [\d.]+ ([\d.]+) -[\d.]+ re f", content)


def test_state_style_decision_has_motto_number_and_signer():
    pdf = decision_pdf(decision(DocumentStyle.STATE))
    first = pages_text(pdf)[0]
    lines = first.splitlines()

    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in first
    assert "*" not in lines
    assert "Số: 05/QĐ-UBND" in lines
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    _in_order(
        flat(first),
        [
            "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU",
            "Số: 05/QĐ-UBND",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Cần Thơ, ngày 05 tháng 01 năm 2026",
            "QUYẾT ĐỊNH",
            "về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU",
            "- Căn cứ Quy chế dân vận của hệ thống chính trị;",
            "QUYẾT ĐỊNH:",
            "Điều 1. Công nhận 3 mô hình",
            "Nơi nhận:",
            "- Lưu VP.",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
            "Huỳnh Thanh Sơn",
        ],
    )
    fonts = dict((text, font) for font, text in runs(pdf))
    assert fonts["Độc lập - Tự do - Hạnh phúc"] == "NotoSansBold"
    assert fonts["- Căn cứ Quy chế dân vận của hệ thống chính trị;"] == "NotoSansItalic"
    # The motto is underlined (and the party's name absent): one underline, in the right column.
    assert _underlines(pdf) == [("335.96", "176.34")]


@pytest.mark.parametrize(
    ("signed_on", "expected"),
    [
        (date(2026, 1, 5), "Cần Thơ, ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 15), "Cần Thơ, ngày 15 tháng 02 năm 2026"),
        (date(2026, 3, 5), "Cần Thơ, ngày 05 tháng 3 năm 2026"),
        (date(2026, 11, 24), "Cần Thơ, ngày 24 tháng 11 năm 2026"),
    ],
)
def test_date_line_zero_pads_days_below_ten_and_january_february(signed_on, expected):
    assert date_line("Cần Thơ", signed_on) == expected
    pdf = decision_pdf(decision(DocumentStyle.PARTY, signed_on=signed_on, rows=1))
    assert expected in pages_text(pdf)[0].splitlines()


def test_annex_starts_on_a_new_page_with_every_row_and_the_heading_on_each_page():
    pdf = decision_pdf(decision(DocumentStyle.PARTY, rows=60))
    pages = pages_text(pdf)
    annex = pages[1:]

    assert "Hũ gạo tình thương" not in pages[0]
    assert len(annex) == 3
    first = flat(annex[0])
    assert first.startswith(
        "2 DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” (Kèm theo Quyết định số 12-QĐ/BCĐ ngày 05/01/2026)"
    )
    heading = "STT Tên mô hình, điển hình Đơn vị Lĩnh vực Tập thể/ Cá nhân Xếp loại"
    for page in annex:
        assert flat(page).count(heading) == 1
    every_row = flat(" ".join(annex))
    for index in range(1, 61):
        kind = "Tập thể" if index % 2 else "Cá nhân"
        classification = "Tiêu biểu" if index % 3 == 0 else "Công nhận"
        assert (
            f"{index} Hũ gạo tình thương số {index} Hội Liên hiệp Phụ nữ phường Ninh Kiều Văn hóa - xã hội "
            f"{kind} {classification}"
        ) in every_row
    # Rows continue across the page break in order, none repeated.
    assert every_row.count("Hũ gạo tình thương số 31 ") == 1


def test_fonts_are_embedded_in_every_style_used():
    pdf = decision_pdf(decision(DocumentStyle.PARTY))
    assert embedded_fonts(pdf) == {
        "NotoSans": True,
        "NotoSansBold": True,
        "NotoSansItalic": True,
        "NotoSansBoldItalic": True,
    }


def test_a_decision_of_2500_models_renders_in_well_under_five_seconds():
    """CPU time of this process: wall time also counts the other jobs sharing the machine's cores."""
    document = decision(DocumentStyle.PARTY, rows=2500)
    decision_pdf(decision(DocumentStyle.PARTY, rows=1))  # fonts built and cached once per machine
    started = time.process_time()
    pdf = decision_pdf(document)
    elapsed = time.process_time() - started

    assert elapsed < 5, f"{elapsed:.2f} s"
    assert "2500 Hũ gạo tình thương số 2500" in flat(pages_text(pdf)[-1])
