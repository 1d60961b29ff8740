"""The decision pages: assemble one decision for many models, read it, correct it by a new one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from recognition.models import AuditEvent, ModelStage, RecognitionDecision
from recognition.roles import Role
from tests.factories import user_with_role
from tests.recognition.audit_support import recognise
from tests.workflows.test_decision_flow import awaiting
from tests.workflows.views_support import open_task, task_url

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def test_the_chair_selects_all_models_of_the_filter_and_issues_one_decision(client, world, dossier):
    first = awaiting(world, dossier, "Hũ gạo tình thương")
    second = awaiting(world, dossier, "Tổ dân vận")
    client.force_login(world.chair)

    page = client.get(f"/decisions/campaigns/{world.campaign.pk}/assemble/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hũ gạo tình thương" in text and "Tổ dân vận" in text
    assert "2 mô hình chờ quyết định theo bộ lọc: 2 công nhận, 0 tiêu biểu." in text

    response = client.post(
        f"/decisions/campaigns/{world.campaign.pk}/assemble/",
        {
            "select_all": "on",
            "signed_on": today(),
            "signer_title": "Trưởng Ban",
            "recipients": "- Thường trực Thành ủy",
        },
    )

    decision = RecognitionDecision.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/decisions/{decision.pk}/"
    assert sorted(decision.entries.values_list("movement_model_id", flat=True)) == sorted([first.pk, second.pk])
    assert decision.recipients == ["Thường trực Thành ủy"]
    detail = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "Quyết định số 1-QĐ/BCĐ" in detail
    assert decision.pdf_sha256 in detail
    pdf = client.get(f"/decisions/{decision.pk}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    certificate = client.get(f"/decisions/{decision.pk}/certificates/{first.pk}/")
    assert (certificate.status_code, certificate["Content-Type"]) == (200, "application/pdf")


def test_the_checked_models_only_are_issued_and_an_empty_choice_is_refused(client, world, dossier):
    first = awaiting(world, dossier, "Hũ gạo tình thương")
    awaiting(world, dossier, "Tổ dân vận")
    client.force_login(world.chair)
    url = f"/decisions/campaigns/{world.campaign.pk}/assemble/"

    refused = client.post(url, {"signed_on": today()})
    assert refused.status_code == 200
    assert "Chưa chọn mô hình nào cho quyết định." in refused.content.decode()
    assert RecognitionDecision.objects.count() == 0

    client.post(url, {"models": [str(first.pk)], "signed_on": today()})
    assert list(RecognitionDecision.objects.get().entries.values_list("movement_model_id", flat=True)) == [first.pk]


def test_the_list_filters_by_kind_and_the_model_page_shows_its_decisions(client, world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()
    client.force_login(world.chair)
    client.post(f"/decisions/{decision.pk}/revoke/", {"signed_on": today(), "reason": "Báo cáo không trung thực."})
    revocation = RecognitionDecision.objects.get(kind="revocation")

    listed = client.get("/decisions/?kind=revocation").content.decode()
    assert revocation.number in listed and f">{decision.number}<" not in listed
    model_page = client.get(f"/models/{model.pk}/").content.decode()
    assert f'href="/decisions/{decision.pk}/"' in model_page
    assert f'href="/decisions/{revocation.pk}/"' in model_page
    detail = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert f'href="/decisions/{revocation.pk}/"' in detail
    model.refresh_from_db()
    assert model.stage == ModelStage.REVOKED


def test_a_revocation_without_reason_is_refused_on_the_page(client, world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()
    client.force_login(world.chair)
    response = client.post(f"/decisions/{decision.pk}/revoke/", {"signed_on": today(), "reason": ""})
    assert response.status_code == 400
    assert RecognitionDecision.objects.count() == 1


def test_the_amend_form_reclassifies_a_model(client, world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()
    client.force_login(world.chair)
    response = client.post(
        f"/decisions/{decision.pk}/amend/",
        {"signed_on": today(), "reason": "Nhầm xếp loại.", f"classification_{model.pk}": "outstanding"},
    )
    amendment = RecognitionDecision.objects.get(kind="amendment")
    assert response["Location"] == f"/decisions/{amendment.pk}/"
    assert list(amendment.entries.values_list("classification", flat=True)) == ["outstanding"]


def test_the_signed_scan_upload_is_hashed_and_audited(client, world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()
    client.force_login(world.chair)
    response = client.post(f"/decisions/{decision.pk}/scan/", {"scan": SimpleUploadedFile("ban-ky.pdf", PDF_BYTES)})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert AuditEvent.objects.get(action="decision_scan_uploaded").payload["scan_sha256"] == decision.signed_scan_sha256
    assert client.get(f"/decisions/{decision.pk}/scan/file/").status_code == 200


def test_a_user_of_another_unit_gets_404_and_a_non_signer_cannot_issue(client, world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()
    client.force_login(world.other_submitter)
    for url in (f"/decisions/{decision.pk}/", f"/decisions/{decision.pk}/pdf/", f"/decisions/{decision.pk}/revoke/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/decisions/{decision.pk}/revoke/", {"reason": "x", "signed_on": today()}).status_code == 404
    assert decision.number not in client.get("/decisions/").content.decode()

    second = awaiting(world, dossier, "Tổ dân vận")
    client.force_login(world.standing_body)
    # The standing body's unit organises the campaign but the version says the chair signs.
    response = client.post(
        f"/decisions/campaigns/{world.campaign.pk}/assemble/", {"models": [str(second.pk)], "signed_on": today()}
    )
    assert response.status_code == 403
    assert RecognitionDecision.objects.count() == 1
    commune_chair = user_with_role(role=Role.CHAIR, unit=world.commune, username="truongban_phuong")
    client.force_login(commune_chair)
    assert client.get(f"/decisions/campaigns/{world.campaign.pk}/assemble/").status_code == 404


def test_the_submitting_unit_sees_the_decision_that_recognised_its_model(client, world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()
    client.force_login(world.submitter)
    assert client.get(f"/decisions/{decision.pk}/").status_code == 200
    assert "Ký quyết định thu hồi" not in client.get(f"/decisions/{decision.pk}/").content.decode()


def test_the_recognise_task_page_asks_no_number_and_links_to_the_assembly_with_the_model(client, world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    task = open_task(model, "recognise")
    client.force_login(world.chair)
    client.post(task_url(task, "assign"))
    page = client.get(task_url(task, "execute")).content.decode()
    assert 'name="decision_number"' not in page
    assert f'href="/decisions/campaigns/{world.campaign.pk}/assemble/?model={model.pk}"' in page
    assembly = client.get(f"/decisions/campaigns/{world.campaign.pk}/assemble/?model={model.pk}").content.decode()
    assert f'value="{model.pk}" aria-label="Hũ gạo tình thương" checked' in assembly


@pytest.mark.parametrize("url", ["/decisions/", "/awards/"])
def test_the_decision_and_award_pages_show_the_sidebar_without_viewflow_s_menu_warning(client, world, url):
    client.force_login(world.chair)
    page = client.get(url).content.decode()
    assert "No viewsets found" not in page
    assert 'href="/decisions/"' in page and 'href="/awards/"' in page
