"""The certificate (giấy chứng nhận) and the award proposal (tờ trình) as PDF."""

import io

from pypdf import PdfReader

from recognition.documents.award_proposal import award_proposal_pdf
from recognition.documents.certificate import certificate_pdf
from recognition.documents.content import DocumentStyle
from tests.recognition.documents_support import award_proposal, certificate, embedded_fonts, flat, pages_text, runs


def test_certificate_is_one_landscape_page_with_model_unit_classification_decision_and_signer():
    pdf = certificate_pdf(certificate())
    reader = PdfReader(io.BytesIO(pdf))
    [text] = pages_text(pdf)

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert flat(text) == (
        "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” * "
        "ĐẢNG CỘNG SẢN VIỆT NAM "
        "GIẤY CHỨNG NHẬN "
        "Công nhận tập thể đạt danh hiệu mô hình, điển hình “Dân vận khéo” "
        "“Tổ liên gia tự quản đảm bảo an ninh trật tự” "
        "Đơn vị: Công an phường Cái Khế "
        "Lĩnh vực: Quốc phòng - an ninh "
        "Xếp loại: Tiêu biểu "
        "(Theo Quyết định số 12-QĐ/BCĐ ngày 05/03/2026) "
        "Cần Thơ, ngày 05 tháng 3 năm 2026 "
        "T/M BAN CHỈ ĐẠO TRƯỞNG BAN Huỳnh Thanh Sơn"
    )
    fonts = dict((text, font) for font, text in runs(pdf))
    assert fonts["GIẤY CHỨNG NHẬN"] == "NotoSansBold"
    assert fonts["Cần Thơ, ngày 05 tháng 3 năm 2026"] == "NotoSansItalic"
    assert embedded_fonts(pdf) == {"NotoSans": True, "NotoSansBold": True, "NotoSansItalic": True}


def test_state_style_certificate_carries_the_motto_and_the_state_signer():
    text = flat(pages_text(certificate_pdf(certificate(DocumentStyle.STATE)))[0])

    assert text.startswith(
        "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
        "Độc lập - Tự do - Hạnh phúc GIẤY CHỨNG NHẬN"
    )
    assert "(Theo Quyết định số 05/QĐ-UBND ngày 05/03/2026)" in text
    assert text.endswith("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Huỳnh Thanh Sơn")


def test_award_proposal_has_header_addressee_body_list_signer_and_recipients():
    pdf = award_proposal_pdf(award_proposal())
    [text] = pages_text(pdf)

    assert flat(text) == (
        "ĐẢNG BỘ THÀNH PHỐ CẦN THƠ BAN CHỈ ĐẠO PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” * Số 03-TTr/BCĐ "
        "ĐẢNG CỘNG SẢN VIỆT NAM Cần Thơ, ngày 15 tháng 02 năm 2026 "
        "TỜ TRÌNH "
        "về việc đề nghị tặng Bằng khen cho mô hình, điển hình “Dân vận khéo” tiêu biểu "
        "Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Cần Thơ "
        "Ban Chỉ đạo kính đề nghị Chủ tịch Ủy ban nhân dân thành phố tặng Bằng khen cho 2 mô hình. "
        "DANH SÁCH ĐỀ NGHỊ TẶNG BẰNG KHEN "
        "STT Tên mô hình, điển hình Đơn vị Lĩnh vực Tập thể/ Cá nhân Xếp loại "
        "1 Hũ gạo tình thương số 1 Hội Liên hiệp Phụ nữ phường Ninh Kiều Văn hóa - xã hội Tập thể Công nhận "
        "2 Hũ gạo tình thương số 2 Hội Liên hiệp Phụ nữ phường Ninh Kiều Văn hóa - xã hội Cá nhân Công nhận "
        "Nơi nhận: - Như trên, - Lưu VP. "
        "T/M BAN CHỈ ĐẠO PHÓ TRƯỞNG BAN THƯỜNG TRỰC Trần Văn Minh"
    )
    assert embedded_fonts(pdf) == {
        "NotoSans": True,
        "NotoSansBold": True,
        "NotoSansItalic": True,
        "NotoSansBoldItalic": True,
    }


def test_a_long_award_list_repeats_its_heading_on_every_page():
    pages = pages_text(award_proposal_pdf(award_proposal(rows=80)))
    heading = "STT Tên mô hình, điển hình Đơn vị Lĩnh vực Tập thể/ Cá nhân Xếp loại"

    assert len(pages) >= 3
    assert [flat(page).count(heading) for page in pages] == [1] * len(pages)
    assert "80 Hũ gạo tình thương số 80" in flat(pages[-1])
    assert flat(pages[-1]).endswith("T/M BAN CHỈ ĐẠO PHÓ TRƯỞNG BAN THƯỜNG TRỰC Trần Văn Minh")
