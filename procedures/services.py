"""What admins do with procedure versions: draft, save, publish (retiring the previous one).

Every change is audited in its own transaction. A published or retired version never
changes; editing starts from a new draft copied from it.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from recognition.models import AuditAction, Unit, User
from recognition.services.audit import audit_record

from .context import validation_context
from .defaults import spec_from_settings
from .models import ProcedureDefinition, ProcedureVersion
from .parsing import spec_from_dict, spec_to_dict
from .selectors import version_in_force
from .spec import SpecFormatError
from .validation import spec_problems

NATIONAL_DEFINITION_NAME = "Quy trình công nhận mô hình “Dân vận khéo”"


def national_version_ensure() -> ProcedureVersion:
    """The published national version, created from the settings' defaults the first time it is needed.

    Seeded like the reference data (levels, fields, criteria), not audited: nobody decided
    it, the settings did, and the row says so (`publish_reason`, no `published_by`). Every
    later version is a person's draft and publication, and those are audited.
    """
    with transaction.atomic():
        definition, _created = ProcedureDefinition.objects.get_or_create(owner_unit=None, name=NATIONAL_DEFINITION_NAME)
        published = definition.versions.filter(status=ProcedureVersion.Status.PUBLISHED).first()
        if published is not None:
            return published
        version = ProcedureVersion.objects.create(
            definition=definition,
            number=_next_number(definition),
            status=ProcedureVersion.Status.PUBLISHED,
            spec=spec_to_dict(spec_from_settings()),
            published_at=timezone.now(),
            publish_reason=_("Phiên bản đầu tiên, lấy từ cấu hình mặc định."),
        )
    return version


def draft_create(
    *, definition: ProcedureDefinition, author: User, based_on: ProcedureVersion | None = None
) -> ProcedureVersion:
    """A new draft, a copy of `based_on` (default: the published version, else the national defaults)."""
    if based_on is None:
        based_on = definition.versions.filter(status=ProcedureVersion.Status.PUBLISHED).first()
    spec = based_on.spec if based_on is not None else spec_to_dict(spec_from_settings())
    with transaction.atomic():
        ProcedureDefinition.objects.select_for_update().get(pk=definition.pk)
        version = ProcedureVersion.objects.create(
            definition=definition, number=_next_number(definition), spec=spec, based_on=based_on, created_by=author
        )
        audit_record(action=AuditAction.PROCEDURE_DRAFT_SAVED, actor=author, payload=_version_payload(version))
    return version


def definition_create(*, unit: Unit, author: User) -> ProcedureVersion:
    """The unit's own definition, with a first draft copied from the version in force for it.

    Until that draft is published the unit keeps following the version in force above it.
    Refused when the unit already has a definition (a unit owns at most one).
    """
    if ProcedureDefinition.objects.filter(owner_unit=unit).exists():
        raise ValidationError(_("Đơn vị này đã có quy trình riêng."))
    based_on = version_in_force(unit) or national_version_ensure()
    with transaction.atomic():
        definition = ProcedureDefinition.objects.create(
            owner_unit=unit, name=_("Quy trình của %(unit)s") % {"unit": unit.name}
        )
        version = ProcedureVersion.objects.create(
            definition=definition, number=1, spec=based_on.spec, based_on=based_on, created_by=author
        )
        audit_record(action=AuditAction.PROCEDURE_DRAFT_SAVED, actor=author, payload=_version_payload(version))
    return version


def draft_update(*, version: ProcedureVersion, spec_data: dict, author: User) -> ProcedureVersion:
    """Replace a draft's content; the JSON must parse (content problems are shown, not refused)."""
    if not version.is_editable:
        raise ValidationError(_("Chỉ sửa được bản nháp; phiên bản đã ban hành không thay đổi."))
    try:
        spec = spec_from_dict(spec_data)
    except SpecFormatError as error:
        raise ValidationError({"spec": error.problems}) from error
    with transaction.atomic():
        version.spec = spec_to_dict(spec)
        version.save(update_fields=["spec", "updated_at"])
        audit_record(action=AuditAction.PROCEDURE_DRAFT_SAVED, actor=author, payload=_version_payload(version))
    return version


def version_publish(*, version: ProcedureVersion, actor: User, reason: str) -> ProcedureVersion:
    """Publish a valid draft with a reason; the version published before it is retired."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi rõ lý do ban hành phiên bản này.")})
    if not version.is_editable:
        raise ValidationError(_("Phiên bản này không phải bản nháp nên không ban hành lại được."))
    problems = spec_problems(spec_from_dict(version.spec), validation_context(version.definition))
    if problems:
        raise ValidationError({"spec": [problem.message for problem in problems]})
    with transaction.atomic():
        ProcedureDefinition.objects.select_for_update().get(pk=version.definition_id)
        now = timezone.now()
        for previous in version.definition.versions.filter(status=ProcedureVersion.Status.PUBLISHED):
            previous.status = ProcedureVersion.Status.RETIRED
            previous.retired_at = now
            previous.save(update_fields=["status", "retired_at", "updated_at"])
            audit_record(
                action=AuditAction.PROCEDURE_RETIRED,
                actor=actor,
                reason=reason,
                payload={**_version_payload(previous), "replaced_by": version.pk},
            )
        version.status = ProcedureVersion.Status.PUBLISHED
        version.published_at = now
        version.published_by = actor
        version.publish_reason = reason
        version.save(update_fields=["status", "published_at", "published_by", "publish_reason", "updated_at"])
        audit_record(
            action=AuditAction.PROCEDURE_PUBLISHED, actor=actor, reason=reason, payload=_version_payload(version)
        )
    return version


def _next_number(definition: ProcedureDefinition) -> int:
    return (definition.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _version_payload(version: ProcedureVersion) -> dict:
    """The version's identity and a fingerprint of its content, so an auditor can tell it never changed."""
    return {
        "definition": version.definition_id,
        "version": version.pk,
        "version_number": version.number,
        "status": version.status,
        "spec_sha256": spec_fingerprint(version.spec),
    }


def spec_fingerprint(spec_data: dict) -> str:
    """SHA-256 of the spec's canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(spec_data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
