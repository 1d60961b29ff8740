"""Uploaded evidence is stored with its size, type and SHA-256, and appears so in audit payloads."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recognition.services.attachments import attachments_payload, attachments_store
from tests.factories import MovementModelFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_uploads_are_stored_with_their_digest_and_listed_in_the_payload():
    model = MovementModelFactory()
    uploader = UserFactory()
    body = b"%PDF-1.4 bien ban" * 5000  # several chunks
    pdf = SimpleUploadedFile("biên bản.pdf", body, content_type="application/pdf")
    pdf.read(10)  # a validator may have read part of it already
    blob = SimpleUploadedFile("x" * 300 + ".bin", b"\x00\x01", content_type="")
    stored = attachments_store(movement_model=model, stage="survey", files=[pdf, blob], uploaded_by=uploader)
    first, second = stored
    assert (first.original_name, first.content_type, first.size_bytes, first.stage, first.uploaded_by) == (
        "biên bản.pdf",
        "application/pdf",
        len(body),
        "survey",
        uploader,
    )
    assert first.sha256 == hashlib.sha256(body).hexdigest()
    first.file.open("rb")
    assert first.file.read() == body
    assert second.original_name == "x" * 251 + ".bin"  # Django's upload keeps 255 characters and the extension
    assert second.content_type == "application/octet-stream"
    assert second.sha256 == hashlib.sha256(b"\x00\x01").hexdigest()
    assert attachments_payload(stored) == [
        {"id": first.pk, "name": "biên bản.pdf", "size": len(body), "sha256": hashlib.sha256(body).hexdigest()},
        {"id": second.pk, "name": second.original_name, "size": 2, "sha256": second.sha256},
    ]


def test_no_files_store_nothing():
    assert (
        attachments_store(movement_model=MovementModelFactory(), stage="registered", files=(), uploaded_by=None) == []
    )
    assert attachments_payload([]) == []


def test_a_file_without_a_claimed_type_is_stored_as_octet_stream():
    from django.core.files.base import ContentFile

    [stored] = attachments_store(
        movement_model=MovementModelFactory(),
        stage="registered",
        files=[ContentFile(b"abc", name="ghi-chu.txt")],
        uploaded_by=UserFactory(),
    )
    assert (stored.original_name, stored.content_type, stored.size_bytes) == (
        "ghi-chu.txt",
        "application/octet-stream",
        3,
    )
