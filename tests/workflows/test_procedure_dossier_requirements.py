"""The version in force decides which dossier fields and how many attachments a registration needs."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from procedures.services import draft_create, draft_update, national_version_ensure, version_publish
from recognition.models import MovementModel
from tests.recognition.audit_support import check, register, revise
from tests.workflows.api_support import api_for
from tests.workflows.views_support import REGISTER_URL

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NEEDS = {
    "budget_vnd": "Quy trình đang áp dụng yêu cầu điền mục này.",
    "attachments": "Quy trình đang áp dụng yêu cầu ít nhất 1 tệp đính kèm (hiện có 0).",
}


def require_budget_and_one_file(world):
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    spec = copy.deepcopy(draft.spec)
    spec["required_dossier_fields"] = ["budget_vnd"]
    spec["min_attachments"] = 1
    draft_update(version=draft, spec_data=spec, author=world.admin)
    return version_publish(version=draft, actor=world.admin, reason="Hồ sơ phải có kinh phí và biên bản.")


def test_the_default_version_requires_nothing_more(world, dossier):
    assert register(world, dossier).process.procedure_version.spec["required_dossier_fields"] == []


def test_a_registration_missing_what_the_version_requires_is_refused_and_nothing_is_created(world, dossier):
    require_budget_and_one_file(world)
    with pytest.raises(ValidationError) as error:
        register(world, dossier)
    assert error.value.message_dict == {key: [message] for key, message in NEEDS.items()}
    assert MovementModel.objects.count() == 0


def test_the_registration_page_shows_each_requirement_beside_its_field(client, world, dossier):
    require_budget_and_one_file(world)
    client.force_login(world.submitter)
    response = client.post(REGISTER_URL, dossier)
    assert response.status_code == 200
    assert response.context["form"].errors == {key: [message] for key, message in NEEDS.items()}
    complete = {**dossier, "budget_vnd": "5000000", "attachments": SimpleUploadedFile("bb.pdf", PDF, "application/pdf")}
    assert client.post(REGISTER_URL, complete).status_code == 302
    assert MovementModel.objects.get().budget_vnd == 5000000


def test_the_api_refuses_with_the_same_field_map(world, dossier):
    require_budget_and_one_file(world)
    response = api_for(world.submitter).post("/api/v1/registrations/", dossier, format="multipart")
    assert response.status_code == 400
    assert {key: response.json()["errors"][key] for key in NEEDS} == {key: [message] for key, message in NEEDS.items()}


def test_a_revision_must_also_meet_the_pinned_versions_requirements(world, dossier):
    model = register(world, dossier)  # under the national version: nothing more required
    check(world, model, accept=False, reason="Bổ sung kinh phí.")
    draft = draft_create(definition=model.process.procedure_version.definition, author=world.admin)
    spec = copy.deepcopy(draft.spec)
    spec["required_dossier_fields"] = ["budget_vnd"]
    draft_update(version=draft, spec_data=spec, author=world.admin)
    version_publish(version=draft, actor=world.admin, reason="Hồ sơ phải có kinh phí.")
    revise(world, model, dossier, scope="Phường Ninh Kiều, 120 hộ.")  # pinned to v1: accepted without a budget
    model.refresh_from_db()
    assert model.stage == "registered"

    pinned = register(world, dossier, name="Mô hình theo phiên bản 2", budget_vnd="3000000")
    check(world, pinned, accept=False, reason="Bổ sung.")
    with pytest.raises(ValidationError) as error:
        revise(world, pinned, dossier, name="Mô hình theo phiên bản 2", budget_vnd="")
    assert error.value.message_dict == {"budget_vnd": [NEEDS["budget_vnd"]]}
