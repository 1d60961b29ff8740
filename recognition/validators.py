"""Input checks shared by the forms and the API (which validates through the same forms)."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Documents and images. Office files are recognised by extension after the content
# check says "zip" (docx, xlsx, odt, ods) or "ole" (doc, xls).
ALLOWED_EXTENSIONS = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "webp": {"image/webp"},
    "heic": {"image/heic"},
    "docx": {"application/zip"},
    "xlsx": {"application/zip"},
    "pptx": {"application/zip"},
    "odt": {"application/zip"},
    "ods": {"application/zip"},
    "doc": {"application/x-ole-storage"},
    "xls": {"application/x-ole-storage"},
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff_mime(head: bytes) -> str | None:
    if head.startswith(_OLE_MAGIC):
        return "application/x-ole-storage"
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime in {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
    }:
        return "application/zip"
    return kind.mime


def validate_attachment(upload) -> None:
    """Refuse files over the size limit or whose content is not a document or image."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Tệp %(name)s có dung lượng %(size)s, vượt quá giới hạn %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    allowed_mimes = ALLOWED_EXTENSIONS.get(extension)
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if allowed_mimes is None or _sniff_mime(head) not in allowed_mimes:
        raise ValidationError(
            _(
                "Tệp %(name)s không phải tài liệu hoặc hình ảnh được chấp nhận "
                "(PDF, Word, Excel, OpenDocument, JPEG, PNG, WebP, HEIC)."
            )
            % {"name": upload.name},
            code="file_type_not_allowed",
        )
