"""Storing uploaded evidence with its SHA-256."""

import hashlib
from collections.abc import Iterable

from recognition.models import Attachment, MovementModel, User


def _sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attachments_store(
    *, movement_model: MovementModel, stage: str, files: Iterable, uploaded_by: User
) -> list[Attachment]:
    """Save validated uploads (see `recognition.validators.validate_attachment`)."""
    stored = []
    for upload in files:
        stored.append(
            Attachment.objects.create(
                movement_model=movement_model,
                stage=stage,
                file=upload,
                original_name=upload.name[:255],
                content_type=getattr(upload, "content_type", "") or "application/octet-stream",
                size_bytes=upload.size,
                sha256=_sha256_of(upload),
                uploaded_by=uploaded_by,
            )
        )
    return stored


def attachments_payload(attachments: Iterable[Attachment]) -> list[dict]:
    """How attachments appear in an audit payload: enough to prove a file did not change."""
    return [{"id": a.pk, "name": a.original_name, "size": a.size_bytes, "sha256": a.sha256} for a in attachments]
