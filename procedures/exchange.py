"""A procedure version out of this instance (JSON, BPMN 2.0, SVG) and into another (JSON).

The JSON document carries a format name and a schema version, the definition it came
from (name, owner unit by path and name), the version (number, status) and the spec.
Importing is all or nothing: every problem (malformed JSON, an unknown schema version,
a role, level, criterion or dossier field this instance does not have) is listed and
nothing is created; otherwise the spec becomes a new draft of the chosen definition.
"""

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from recognition.models import AuditAction, Level, User
from recognition.services.audit import audit_record

from .bpmn import spec_bpmn
from .context import validation_context
from .diagram import spec_svg
from .models import ProcedureDefinition, ProcedureVersion
from .parsing import spec_from_dict, spec_to_dict
from .selectors import version_spec
from .services import _next_number, _version_payload
from .spec import SCHEMA_VERSION, STANDARD_STAGES, ProcedureSpec, SpecFormatError
from .validation import Problem, reference_problems, stage_label

EXPORT_FORMAT = "kheo-procedure"
IMPORT_ACTOR = "procedures.import"


class ImportRefused(ValueError):
    """The document cannot be imported; `problems` lists every reason, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class ExportRefused(ValueError):
    """The version cannot be drawn as BPMN (a draft that lacks a stage of the backbone)."""


@dataclass(frozen=True)
class ExportedVersion:
    """Where an imported document came from, as it says."""

    definition_name: str
    version_number: int | None


# --- export ---------------------------------------------------------------------------------


def version_document(version: ProcedureVersion) -> dict:
    """The JSON-ready export of a version."""
    definition = version.definition
    owner = definition.owner_unit
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "definition": {
            "name": definition.name,
            "owner_unit": None
            if owner is None
            else {"name": owner.name, "path": owner.path, "level": owner.level.code},
        },
        "version": {
            "number": version.number,
            "status": version.status,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "publish_reason": version.publish_reason,
        },
        "spec": spec_to_dict(version_spec(version)),
    }


def version_json(version: ProcedureVersion) -> str:
    return json.dumps(version_document(version), ensure_ascii=False, indent=2) + "\n"


def version_bpmn(version: ProcedureVersion) -> str:
    spec = version_spec(version)
    missing = [name for name in STANDARD_STAGES if name not in spec.stages]
    if missing:
        raise ExportRefused(
            _("Không vẽ được BPMN của %(version)s: thiếu cấu hình các bước %(stages)s.")
            % {"version": version_title(version), "stages": ", ".join(f"“{stage_label(name)}”" for name in missing)}
        )
    return spec_bpmn(spec, process_name=version_title(version), level_names=level_names())


def version_svg(version: ProcedureVersion) -> str:
    return spec_svg(version_spec(version), level_names=level_names(), title=version_title(version))


def version_title(version: ProcedureVersion) -> str:
    return _("%(name)s — phiên bản %(number)s") % {"name": version.definition.name, "number": version.number}


def level_names() -> dict[str, str]:
    return dict(Level.objects.values_list("code", "name"))


# --- import ---------------------------------------------------------------------------------


def document_read(text: str | bytes) -> tuple[ProcedureSpec, ExportedVersion]:
    """Parse an exported document; raises ImportRefused listing every structural problem."""
    try:
        data = json.loads(text)
    except UnicodeDecodeError as error:
        raise ImportRefused([_("Tệp không đọc được dưới dạng UTF-8: %(error)s.") % {"error": error.reason}]) from error
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                _("Tệp không phải JSON hợp lệ (dòng %(line)s, cột %(column)s): %(error)s.")
                % {"line": error.lineno, "column": error.colno, "error": error.msg}
            ]
        ) from error
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ImportRefused(
            [_("Tệp không phải quy trình xuất từ Khéo (thiếu “format”: “%(format)s”).") % {"format": EXPORT_FORMAT}]
        )
    schema_version = data.get("schema_version")
    if schema_version != SCHEMA_VERSION:
        raise ImportRefused(
            [
                _("Phiên bản lược đồ “%(version)s” của tệp không được hỗ trợ (hỗ trợ: %(supported)s).")
                % {"version": schema_version, "supported": SCHEMA_VERSION}
            ]
        )
    spec_data = data.get("spec")
    if isinstance(spec_data, dict) and "schema_version" not in spec_data:
        spec_data = {**spec_data, "schema_version": schema_version}
    try:
        spec = spec_from_dict(spec_data)
    except SpecFormatError as error:
        raise ImportRefused(error.problems) from error
    definition = data.get("definition") if isinstance(data.get("definition"), dict) else {}
    version = data.get("version") if isinstance(data.get("version"), dict) else {}
    number = version.get("number")
    source = ExportedVersion(
        definition_name=str(definition.get("name") or ""),
        version_number=number if isinstance(number, int) and not isinstance(number, bool) else None,
    )
    return spec, source


def import_problems(spec: ProcedureSpec, definition: ProcedureDefinition) -> list[Problem]:
    """What the spec names that this instance does not have (roles, levels, criteria, dossier fields)."""
    return reference_problems(spec, validation_context(definition))


def draft_import(*, text: str | bytes, definition: ProcedureDefinition, author: User | None = None) -> ProcedureVersion:
    """A new draft of `definition` with the document's spec; refused whole with the list of problems."""
    spec, source = document_read(text)
    problems = import_problems(spec, definition)
    if problems:
        raise ImportRefused([problem.message for problem in problems])
    if source.version_number is None:
        reason = _("Nhập từ tệp “%(name)s”.") % {"name": source.definition_name}
    else:
        reason = _("Nhập từ tệp “%(name)s — phiên bản %(number)s”.") % {
            "name": source.definition_name,
            "number": source.version_number,
        }
    with transaction.atomic():
        ProcedureDefinition.objects.select_for_update().get(pk=definition.pk)
        version = ProcedureVersion.objects.create(
            definition=definition, number=_next_number(definition), spec=spec_to_dict(spec), created_by=author
        )
        audit_record(
            action=AuditAction.PROCEDURE_DRAFT_SAVED,
            actor=author,
            system_actor="" if author is not None else IMPORT_ACTOR,
            reason=reason,
            payload=_version_payload(version),
        )
    return version
