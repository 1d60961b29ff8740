"""Office files built in the test with zipfile: real, renamed, booby-trapped and broken ones."""

import io
import struct
import zipfile

CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

PARTS = {
    "docx": {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": "<w:document/>"},
    "xlsx": {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>"},
    "pptx": {"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": "<p:presentation/>"},
    "odt": {"mimetype": ODT, "content.xml": "<office:document-content/>"},
    "ods": {"mimetype": ODS, "content.xml": "<office:document-content/>"},
}


def zip_bytes(entries: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            # OpenDocument wants its mimetype first and stored, as office suites write it.
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compress)
    return buffer.getvalue()


def office_file(extension: str, **extra: str | bytes) -> bytes:
    return zip_bytes({**PARTS[extension], **extra})


def central_directory_patched(data: bytes, *, flag_bits: int | None = None, declared_size: int | None = None) -> bytes:
    """The zip with every central-directory record's flags or declared uncompressed size rewritten."""
    data = bytearray(data)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        if flag_bits is not None:
            struct.pack_into("<H", data, position + 8, flag_bits)
        if declared_size is not None:
            struct.pack_into("<I", data, position + 24, declared_size)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)
