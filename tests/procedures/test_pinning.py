"""A process binds to the procedure version in force when it started, and keeps it."""

import pytest
from django.core.exceptions import ValidationError

from procedures.models import ProcedureVersion
from procedures.parsing import spec_from_dict, spec_to_dict
from procedures.selectors import version_in_force
from procedures.services import (
    draft_create,
    draft_update,
    national_version_ensure,
    spec_fingerprint,
    version_publish,
)
from recognition.models import AuditEvent
from tests.recognition.audit_support import register

pytestmark = pytest.mark.django_db


def test_the_first_process_creates_the_national_version_from_the_defaults(world, dossier, settings):
    model = register(world, dossier)
    version = model.process.procedure_version
    assert (version.number, version.status, version.definition.owner_unit) == (1, "published", None)
    spec = spec_from_dict(version.spec)
    assert spec.stages["survey"].sla_working_days == settings.KHEO_STAGE_SLA_WORKING_DAYS["survey"]
    assert spec_to_dict(spec) == version.spec


def test_a_process_keeps_its_version_after_a_new_one_is_published(world, dossier):
    first = register(world, dossier)
    v1 = first.process.procedure_version
    draft = draft_create(definition=v1.definition, author=world.admin)
    draft_update(
        version=draft, spec_data={**draft.spec, "decision_number_format": "{number}/QĐ-UBND"}, author=world.admin
    )
    version_publish(version=draft, actor=world.admin, reason="Hướng dẫn mới.")

    second = register(world, dossier, name="Mô hình thứ hai")
    first.process.refresh_from_db()
    v1.refresh_from_db()
    assert (first.process.procedure_version_id, v1.status) == (v1.pk, "retired")
    assert (
        second.process.procedure_version.number,
        second.process.procedure_version.spec["decision_number_format"],
    ) == (
        2,
        "{number}/QĐ-UBND",
    )


def test_a_unit_uses_its_own_published_definition_before_the_national_one(world):
    national = national_version_ensure()
    assert version_in_force(world.province) == national
    own = national.definition.__class__.objects.create(owner_unit=world.province, name="Quy trình của tỉnh")
    draft = draft_create(definition=own, author=world.admin, based_on=national)
    assert version_in_force(world.province) == national  # a draft is not in force
    version_publish(version=draft, actor=world.admin, reason="Tỉnh bỏ bước khảo sát khi công nhận lại.")
    assert version_in_force(world.province) == draft
    assert version_in_force(world.commune) == draft  # the commune below inherits it


def test_a_published_version_cannot_be_edited_or_published_again(world):
    national = national_version_ensure()
    with pytest.raises(ValidationError, match="Chỉ sửa được bản nháp"):
        draft_update(version=national, spec_data=national.spec, author=world.admin)
    with pytest.raises(ValidationError, match="không phải bản nháp"):
        version_publish(version=national, actor=world.admin, reason="Lại.")
    assert ProcedureVersion.objects.count() == 1


def test_publishing_needs_a_reason(world):
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    with pytest.raises(ValidationError, match="lý do"):
        version_publish(version=draft, actor=world.admin, reason="  ")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_published_record_fingerprints_the_content_so_a_later_edit_shows(world):
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    version_publish(version=draft, actor=world.admin, reason="Hướng dẫn mới.")
    published = AuditEvent.objects.get(action="procedure_published")
    draft.refresh_from_db()
    assert published.payload["spec_sha256"] == spec_fingerprint(draft.spec)
    tampered = {**draft.spec, "min_attachments": 5}
    assert spec_fingerprint(tampered) != published.payload["spec_sha256"]
