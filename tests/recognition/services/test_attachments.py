"""Stored and served content types come from the bytes; files of a rolled-back transaction do not stay on disk."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from recognition.forms import DossierForm
from recognition.models import Attachment, ModelStage
from recognition.services import registration
from recognition.services.attachments import attachments_store
from tests.recognition.audit_support import register
from tests.recognition.office_files import office_file
from tests.workflows.views_support import register_through_page
from workflows.services import registration_submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def pdf(name="bien-ban.pdf", claimed="text/html"):
    return SimpleUploadedFile(name, PDF, content_type=claimed)


@pytest.mark.django_db
def test_pdf_claimed_as_html_is_stored_and_served_as_pdf(client, world, dossier):
    docx = SimpleUploadedFile("ke-hoach.docx", office_file("docx"), content_type="text/html")
    model = register_through_page(client, user=world.submitter, data={**dossier, "attachments": [pdf(), docx]})

    attachments = list(Attachment.objects.filter(movement_model=model).order_by("original_name"))
    assert [(a.original_name, a.content_type) for a in attachments] == [
        ("bien-ban.pdf", "application/pdf"),
        ("ke-hoach.docx", DOCX),
    ]
    client.force_login(world.standing_body)
    response = client.get(f"/models/attachments/{attachments[0].pk}/")
    assert (response["Content-Type"], response["X-Content-Type-Options"], response["Content-Disposition"]) == (
        "application/pdf",
        "nosniff",
        'attachment; filename="bien-ban.pdf"',
    )
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_a_row_holding_the_clients_claim_is_still_served_as_what_the_bytes_are(client, world, dossier):
    model = register_through_page(client, user=world.submitter, data={**dossier, "attachments": [pdf()]})
    attachment = Attachment.objects.get(movement_model=model)
    Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")  # as stored before the fix
    client.force_login(world.standing_body)
    response = client.get(f"/models/attachments/{attachment.pk}/")
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")


@pytest.mark.django_db
def test_upload_refused_by_the_page_names_the_file_and_stores_nothing(client, world, dossier, media_root):
    bomb = SimpleUploadedFile("bien-ban.docx", office_file("docx", **{"word/x.bin": bytes(30 * 1024 * 1024)}))
    client.force_login(world.submitter)
    response = client.post("/models/register/", {**dossier, "attachments": [pdf(), bomb]})
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert len(errors) == 1 and errors[0].startswith("Tệp bien-ban.docx giải nén ra 30,0\xa0MB")
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_files_of_a_registration_that_rolls_back_are_removed(world, dossier, media_root, monkeypatch):
    def audit_down(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(registration, "audit_record", audit_down)
    form = DossierForm(data=dossier, user=world.submitter)
    assert form.is_valid(), form.errors
    with pytest.raises(RuntimeError):
        registration_submit(
            submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data(), files=[pdf(), pdf("b.pdf")]
        )
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_a_rolled_back_savepoint_removes_its_files_only(world, dossier, media_root):
    model = register(world, dossier)
    with transaction.atomic():
        kept = attachments_store(
            movement_model=model, stage=ModelStage.REGISTERED, files=[pdf("giu.pdf")], uploaded_by=world.submitter
        )
        try:
            with transaction.atomic():
                dropped = attachments_store(
                    movement_model=model,
                    stage=ModelStage.REGISTERED,
                    files=[pdf("bo.pdf")],
                    uploaded_by=world.submitter,
                )
                assert default_storage.exists(dropped[0].file.name)
                raise ValueError("bước sau lỗi")
        except ValueError:
            pass
        assert not default_storage.exists(dropped[0].file.name)
        assert default_storage.exists(kept[0].file.name)
    assert list(Attachment.objects.filter(movement_model=model).values_list("original_name", flat=True)) == ["giu.pdf"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committed_files_stay(world, dossier, media_root):
    import gc

    model = register(world, dossier)
    with transaction.atomic():
        stored = attachments_store(
            movement_model=model, stage=ModelStage.REGISTERED, files=[pdf("giu.pdf")], uploaded_by=world.submitter
        )
    gc.collect()
    assert default_storage.exists(stored[0].file.name)
    assert default_storage.open(stored[0].file.name).read() == PDF
