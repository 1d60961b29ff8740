"""Input checks shared by the forms and the API (which validates through the same forms).

An upload is accepted for what its bytes are, never for what the client claims: the
content is sniffed (`filetype`), must match the extension, and the content type stored
and served is the sniffed one. Office files are zip (OOXML, OpenDocument) or OLE
containers: a zip is opened and checked as the format its name claims (its expected
parts present, nothing executable inside, an expansion capped before anything is
decompressed, every entry's checksum verified).
"""

import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ZIP = "application/zip"
OLE = "application/x-ole-storage"
OCTET_STREAM = "application/octet-stream"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEAD_BYTES = 8192

# A zip may expand to at most this many times its compressed size, and this much in all.
MAX_EXPANSION_RATIO = 100
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
EXECUTABLE_SUFFIXES = (".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".js", ".vbs", ".ps1", ".sh", ".msi", ".jar")
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF")
MACRO_PARTS = ("vbaproject.bin",)


@dataclass(frozen=True)
class FileFormat:
    sniffed: str  # what the content check must find
    content_type: str  # what is stored and served
    label: str
    parts: tuple[str, ...] = ()  # zip entries that must be present
    odf_mimetype: str = ""  # OpenDocument: the content of the `mimetype` entry


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_ODT = "application/vnd.oasis.opendocument.text"
_ODS = "application/vnd.oasis.opendocument.spreadsheet"

FORMATS = {
    "pdf": FileFormat("application/pdf", "application/pdf", "PDF"),
    "jpg": FileFormat("image/jpeg", "image/jpeg", "JPEG"),
    "jpeg": FileFormat("image/jpeg", "image/jpeg", "JPEG"),
    "png": FileFormat("image/png", "image/png", "PNG"),
    "webp": FileFormat("image/webp", "image/webp", "WebP"),
    "heic": FileFormat("image/heic", "image/heic", "HEIC"),
    "docx": FileFormat(ZIP, _DOCX, "Word (.docx)", parts=("[Content_Types].xml", "word/document.xml")),
    "xlsx": FileFormat(ZIP, _XLSX, "Excel (.xlsx)", parts=("[Content_Types].xml", "xl/workbook.xml")),
    "pptx": FileFormat(ZIP, _PPTX, "PowerPoint (.pptx)", parts=("[Content_Types].xml", "ppt/presentation.xml")),
    "odt": FileFormat(ZIP, _ODT, "OpenDocument (.odt)", parts=("mimetype", "content.xml"), odf_mimetype=_ODT),
    "ods": FileFormat(ZIP, _ODS, "OpenDocument (.ods)", parts=("mimetype", "content.xml"), odf_mimetype=_ODS),
    "doc": FileFormat(OLE, "application/msword", "Word 97–2003 (.doc)"),
    "xls": FileFormat(OLE, "application/vnd.ms-excel", "Excel 97–2003 (.xls)"),
}
# filetype names some zip-based formats itself; for the check they are all "a zip".
_ZIP_FAMILY = {ZIP, _DOCX, _XLSX, _PPTX, _ODT, _ODS}


def _sniff(head: bytes) -> str | None:
    if head.startswith(_OLE_MAGIC):
        return OLE
    kind = filetype.guess(head)
    if kind is None:
        return None
    return ZIP if kind.mime in _ZIP_FAMILY else kind.mime


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(fileobj) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(_HEAD_BYTES)
    fileobj.seek(0)
    return head


def sniffed_content_type(fileobj, name: str) -> str:
    """The content type to store and serve: what the bytes are, named precisely by the (checked) extension.

    A file whose content is not the format its name claims is served as an opaque
    `application/octet-stream`, whatever type the client sent.
    """
    file_format = FORMATS.get(_extension(name))
    if file_format is not None and _sniff(_head(fileobj)) == file_format.sniffed:
        return file_format.content_type
    return OCTET_STREAM


def validate_attachment(upload) -> None:
    """Refuse files over the size limit, whose content is not the document or image their name says,
    or (zip containers) that are not the office format they claim or could harm whoever opens them."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Tệp %(name)s có dung lượng %(size)s, vượt quá giới hạn %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    file_format = FORMATS.get(_extension(upload.name))
    if file_format is None or _sniff(_head(upload)) != file_format.sniffed:
        raise ValidationError(
            _(
                "Tệp %(name)s không phải tài liệu hoặc hình ảnh được chấp nhận "
                "(PDF, Word, Excel, OpenDocument, JPEG, PNG, WebP, HEIC)."
            )
            % {"name": upload.name},
            code="file_type_not_allowed",
        )
    if file_format.sniffed == ZIP:
        try:
            _check_zip_container(upload, file_format)
        finally:
            upload.seek(0)


def _refuse(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message % params, code=code)


def _check_zip_container(upload, file_format: FileFormat) -> None:
    name, label = upload.name, file_format.label
    broken = _refuse(
        _("Tệp %(name)s bị hỏng hoặc không đọc được như một tệp %(format)s."), "file_broken", name=name, format=label
    )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise broken from None
    with archive:
        entries = archive.infolist()
        _check_entries(name, entries)
        _check_parts(archive, name, file_format)
        try:
            for entry in entries:
                _check_entry_content(archive, entry, name)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
            raise broken from None


def _check_entries(name: str, entries: list[zipfile.ZipInfo]) -> None:
    """What the central directory declares: count, expansion (a zip bomb is refused before any decompression),
    encryption, executables and macros by name."""
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refuse(
            _("Tệp %(name)s chứa quá nhiều thành phần (%(count)s)."),
            "zip_too_many_entries",
            name=name,
            count=len(entries),
        )
    expanded = sum(entry.file_size for entry in entries)
    compressed = max(sum(entry.compress_size for entry in entries), 1)
    if expanded > MAX_UNCOMPRESSED_BYTES or expanded > MAX_EXPANSION_RATIO * compressed:
        raise _refuse(
            _(
                "Tệp %(name)s giải nén ra %(size)s, gấp %(ratio)s lần dung lượng nén (giới hạn %(limit)s và "
                "%(max_ratio)s lần); không nhận tệp này."
            ),
            "zip_bomb",
            name=name,
            size=filesizeformat(expanded),
            ratio=expanded // compressed,
            limit=filesizeformat(MAX_UNCOMPRESSED_BYTES),
            max_ratio=MAX_EXPANSION_RATIO,
        )
    for entry in entries:
        member = entry.filename
        if entry.flag_bits & 0x1:
            raise _refuse(
                _("Tệp %(name)s được đặt mật khẩu; hãy gửi bản không đặt mật khẩu."), "zip_encrypted", name=name
            )
        if member.lower().endswith(EXECUTABLE_SUFFIXES):
            raise _executable(name, member)
        if member.lower().rsplit("/", 1)[-1] in MACRO_PARTS:
            raise _refuse(
                _("Tệp %(name)s chứa macro (%(member)s); hãy lưu lại thành tệp không có macro."),
                "file_has_macros",
                name=name,
                member=member,
            )


def _executable(name: str, member: str) -> ValidationError:
    return _refuse(
        _("Tệp %(name)s chứa tệp chạy được (%(member)s); không nhận tệp này."),
        "file_has_executable",
        name=name,
        member=member,
    )


def _check_parts(archive: zipfile.ZipFile, name: str, file_format: FileFormat) -> None:
    present = set(archive.namelist())
    for part in file_format.parts:
        if part not in present:
            raise _refuse(
                _("Tệp %(name)s không phải tệp %(format)s thật: thiếu phần %(part)s."),
                "file_not_the_claimed_format",
                name=name,
                format=file_format.label,
                part=part,
            )
    if file_format.odf_mimetype:
        declared = archive.read("mimetype")[:200].decode("ascii", "replace").strip()
        if declared != file_format.odf_mimetype:
            raise _refuse(
                _("Tệp %(name)s không phải tệp %(format)s thật: khai báo kiểu “%(declared)s”."),
                "file_not_the_claimed_format",
                name=name,
                format=file_format.label,
                declared=declared,
            )


def _check_entry_content(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> None:
    """Read the entry through (bounded by the sizes checked above; zipfile verifies its CRC at the end)."""
    with archive.open(entry) as member:
        first = member.read(64 * 1024)
        if first.startswith(EXECUTABLE_MAGIC):
            raise _executable(name, entry.filename)
        while member.read(1024 * 1024):
            pass
