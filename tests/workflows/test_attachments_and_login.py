"""Attachments are served only after a scope check; anonymous visitors are sent to log in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recognition.models import Attachment
from tests.workflows.views_support import register_through_page

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def registered_with_attachment(client, world, dossier):
    upload = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")
    movement_model = register_through_page(client, user=world.submitter, data={**dossier, "attachments": [upload]})
    return movement_model, Attachment.objects.get(movement_model=movement_model)


@pytest.mark.django_db
def test_model_page_links_attachment_through_checked_url(client, world, registered_with_attachment):
    movement_model, attachment = registered_with_attachment
    client.force_login(world.standing_body)
    page = client.get(f"/models/{movement_model.pk}/").content.decode()
    assert f'href="/models/attachments/{attachment.pk}/"' in page
    assert "/media/" not in page


@pytest.mark.django_db
def test_user_in_scope_downloads_the_exact_bytes(client, world, registered_with_attachment):
    _, attachment = registered_with_attachment
    client.force_login(world.standing_body)
    response = client.get(f"/models/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'


@pytest.mark.django_db
def test_user_of_another_commune_gets_404(client, world, registered_with_attachment):
    _, attachment = registered_with_attachment
    client.force_login(world.other_submitter)
    assert client.get(f"/models/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.django_db
def test_media_files_are_not_served_publicly(client, world, registered_with_attachment):
    _, attachment = registered_with_attachment
    client.force_login(world.standing_body)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


@pytest.mark.django_db
def test_nginx_accel_redirect_when_configured(client, world, registered_with_attachment, settings):
    settings.KHEO_ATTACHMENT_ACCEL_PREFIX = "/protected-media/"
    _, attachment = registered_with_attachment
    client.force_login(world.standing_body)
    response = client.get(f"/models/attachments/{attachment.pk}/")
    assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
    assert response.content == b""


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/recognition/inbox/", "/models/", "/audit/", "/models/attachments/1/"])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.django_db
def test_anonymous_api_call_answers_401_not_a_login_page(client):
    response = client.get("/api/v1/tasks/inbox/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_language_can_be_switched_before_login(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.cookies["django_language"].value == "en"
