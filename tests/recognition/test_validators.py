"""Uploads are checked as what their bytes are: office containers opened and refused when they lie or harm."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from recognition.validators import sniffed_content_type, validate_attachment
from tests.recognition.office_files import ODS, central_directory_patched, office_file, zip_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(name: str, content: bytes) -> tuple[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        validate_attachment(upload(name, content))
    return caught.value.code, caught.value.messages


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("odt", "application/vnd.oasis.opendocument.text"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_real_office_files_are_accepted_and_typed_from_their_content(extension, content_type):
    file = upload(f"bien-ban.{extension}", office_file(extension, **{"word/media/image1.png": b"\x89PNG\r\n"}))
    validate_attachment(file)
    assert sniffed_content_type(file, file.name) == content_type
    assert file.tell() == 0


def test_pdf_claimed_as_html_is_a_pdf():
    file = upload("bao-cao.pdf", PDF, content_type="text/html")
    validate_attachment(file)
    assert sniffed_content_type(file, file.name) == "application/pdf"


def test_any_zip_named_docx_is_refused():
    assert refusal("bien-ban.docx", zip_bytes({"ghi-chu.txt": "không phải Word"})) == (
        "file_not_the_claimed_format",
        ["Tệp bien-ban.docx không phải tệp Word (.docx) thật: thiếu phần [Content_Types].xml."],
    )


def test_a_spreadsheet_renamed_docx_is_refused():
    assert refusal("bien-ban.docx", office_file("xlsx")) == (
        "file_not_the_claimed_format",
        ["Tệp bien-ban.docx không phải tệp Word (.docx) thật: thiếu phần word/document.xml."],
    )


def test_an_odt_declaring_a_spreadsheet_is_refused():
    content = zip_bytes({"mimetype": ODS, "content.xml": "<office:document-content/>"})
    assert refusal("bien-ban.odt", content) == (
        "file_not_the_claimed_format",
        [f"Tệp bien-ban.odt không phải tệp OpenDocument (.odt) thật: khai báo kiểu “{ODS}”."],
    )


@pytest.mark.parametrize(
    ("member", "content"),
    [
        ("word/media/cai-dat.exe", b"MZ\x90\x00"),
        ("word/embeddings/chay.bat", b"@echo off"),
        ("word/embeddings/a.js", b"alert(1)"),
        ("word/embeddings/b.vbs", b"MsgBox 1"),
        ("word/embeddings/c.ps1", b"Get-Item"),
        ("word/embeddings/d.sh", b"#!/bin/sh"),
        ("word/embeddings/e.msi", b"\xd0\xcf"),
        ("word/embeddings/f.jar", b"PK"),
        ("word/embeddings/g.DLL", b"MZ"),
        ("word/media/image2.png", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program under an image's name
        ("word/media/image3.png", b"\x7fELF\x02\x01\x01"),  # a Linux program under an image's name
    ],
)
def test_office_file_holding_a_program_is_refused(member, content):
    assert refusal("bien-ban.docx", office_file("docx", **{member: content})) == (
        "file_has_executable",
        [f"Tệp bien-ban.docx chứa tệp chạy được ({member}); không nhận tệp này."],
    )


def test_office_file_with_macros_is_refused():
    assert refusal("so-lieu.xlsx", office_file("xlsx", **{"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})) == (
        "file_has_macros",
        ["Tệp so-lieu.xlsx chứa macro (xl/vbaProject.bin); hãy lưu lại thành tệp không có macro."],
    )


def test_a_zip_bomb_is_refused():
    bomb = office_file("docx", **{"word/media/image1.png": bytes(30 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    code, messages = refusal("bien-ban.docx", bomb)
    assert code == "zip_bomb"
    assert messages[0].startswith("Tệp bien-ban.docx giải nén ra 30,0\xa0MB, gấp ")
    assert messages[0].endswith(" lần dung lượng nén (giới hạn 200,0\xa0MB và 100 lần); không nhận tệp này.")


def test_a_declared_one_gibibyte_is_refused_before_anything_is_decompressed(monkeypatch):
    import zipfile

    def no_decompression(*args, **kwargs):
        raise AssertionError("decompressed before the sizes were checked")

    lying = central_directory_patched(zip_bytes({"word/media/x.bin": bytes(1024 * 1024)}), declared_size=2**30)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_decompression)
    code, messages = refusal("bien-ban.docx", lying)
    assert code == "zip_bomb"
    assert "giải nén ra 1,0\xa0GB" in messages[0]


def test_a_size_lie_below_the_caps_is_caught_by_the_checksum():
    content = office_file("docx", **{"word/media/x.bin": bytes(200 * 1024)})
    lying = central_directory_patched(content, declared_size=1000)
    assert refusal("bien-ban.docx", lying) == (
        "file_broken",
        ["Tệp bien-ban.docx bị hỏng hoặc không đọc được như một tệp Word (.docx)."],
    )


def test_truncated_and_encrypted_office_files_are_refused():
    content = office_file("docx")
    assert refusal("bien-ban.docx", content[: len(content) // 2])[0] == "file_broken"
    assert refusal("bien-ban.docx", central_directory_patched(content, flag_bits=0x1)) == (
        "zip_encrypted",
        ["Tệp bien-ban.docx được đặt mật khẩu; hãy gửi bản không đặt mật khẩu."],
    )


def test_content_not_matching_its_extension_is_served_as_opaque_bytes():
    assert sniffed_content_type(upload("trang.html", b"<html></html>", "text/html"), "trang.html") == (
        "application/octet-stream"
    )
    assert sniffed_content_type(upload("anh.png", PDF, "image/png"), "anh.png") == "application/octet-stream"
