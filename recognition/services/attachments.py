"""Storing uploaded evidence with its SHA-256 and its sniffed content type.

A file is written to storage as its row is inserted, inside the caller's transaction.
Storage is not transactional, so each stored file is removed again unless that
transaction commits: see `_removed_unless_committed`.
"""

import hashlib
import logging
import weakref
from collections.abc import Iterable

from django.db import transaction

from recognition.models import Attachment, MovementModel, User
from recognition.validators import sniffed_content_type

logger = logging.getLogger(__name__)


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
    """Save validated uploads (see `recognition.validators.validate_attachment`).

    Precondition: inside the transaction of the change the files belong to. The content
    type stored (and served) is the one sniffed from the bytes, never the client's.
    """
    stored = []
    for upload in files:
        attachment = Attachment(
            movement_model=movement_model,
            stage=stage,
            original_name=upload.name[:255],
            content_type=sniffed_content_type(upload, upload.name),
            size_bytes=upload.size,
            sha256=_sha256_of(upload),
            uploaded_by=uploaded_by,
        )
        attachment.file.save(upload.name, upload, save=False)
        # Registered before the insert: a failing insert rolls back and takes the file with it.
        _removed_unless_committed(storage=attachment.file.storage, name=attachment.file.name)
        attachment.save()
        stored.append(attachment)
    return stored


def _removed_unless_committed(*, storage, name: str) -> None:
    """Delete the stored file `name` unless the current transaction commits.

    Django has commit hooks but no rollback hook. The hook registered here only notes
    that the commit happened. Django drops a transaction's hooks when it rolls back, and
    a savepoint's hooks when that savepoint rolls back (an exception caught inside the
    transaction); a hook is also dropped once it has run. Whichever comes first, the
    hook object is released, and its finaliser (run at once by CPython's reference
    counting) deletes the file if the commit was not noted. Outside a transaction the
    hook runs at once and the file is kept.
    """
    state = {"committed": False}

    def committed() -> None:
        state["committed"] = True

    weakref.finalize(committed, _discard_uncommitted, storage, name, state)
    transaction.on_commit(committed, robust=True)


def _discard_uncommitted(storage, name: str, state: dict) -> None:
    if state["committed"]:
        return
    try:
        storage.delete(name)
    except Exception:  # noqa: BLE001 - a finaliser must not raise; an orphan file is only disk space
        logger.warning("Could not remove the uploaded file %s of a rolled-back transaction", name, exc_info=True)


def attachments_payload(attachments: Iterable[Attachment]) -> list[dict]:
    """How attachments appear in an audit payload: enough to prove a file did not change."""
    return [{"id": a.pk, "name": a.original_name, "size": a.size_bytes, "sha256": a.sha256} for a in attachments]
