"""A procedure version to and from its JSON form (stored, exported, imported).

`spec_from_dict` checks structure only (keys, types, the schema version) and lists every
problem it finds in Vietnamese; whether the content makes sense is `validation`'s job.
"""

from dataclasses import asdict
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .spec import (
    SCHEMA_VERSION,
    ApprovalStepSpec,
    CriterionSpec,
    EscalationLevel,
    EvaluationSpec,
    ProcedureSpec,
    SpecFormatError,
    StageSpec,
)


def spec_to_dict(spec: ProcedureSpec) -> dict:
    """JSON-ready: decimals as strings, tuples as lists."""
    return _jsonable(asdict(spec))


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def require(self, data, key: str, kind, where: str):
        if not isinstance(data, dict) or key not in data:
            self.problems.append(_("Thiếu mục “%(key)s” ở %(where)s.") % {"key": key, "where": where})
            return None
        value = data[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.problems.append(_("“%(key)s” ở %(where)s phải là số nguyên.") % {"key": key, "where": where})
            return None
        if kind is Decimal:
            try:
                return Decimal(str(value))
            except InvalidOperation:
                self.problems.append(_("“%(key)s” ở %(where)s phải là số.") % {"key": key, "where": where})
                return None
        if kind in (str, bool, list, dict) and not isinstance(value, kind):
            self.problems.append(_("“%(key)s” ở %(where)s có kiểu dữ liệu không đúng.") % {"key": key, "where": where})
            return None
        return value

    def optional(self, data, key: str, kind, where: str, default):
        if not isinstance(data, dict) or key not in data:
            return default
        value = self.require(data, key, kind, where)
        return default if value is None else value


def spec_from_dict(data) -> ProcedureSpec:
    """Parse the JSON form; raises SpecFormatError listing every structural problem."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise SpecFormatError([_("Nội dung quy trình phải là một đối tượng JSON.")])
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SpecFormatError(
            [
                _("Phiên bản lược đồ “%(version)s” không được hỗ trợ (hỗ trợ: %(supported)s).")
                % {"version": version, "supported": SCHEMA_VERSION}
            ]
        )
    stages = {}
    for name, stage in (reader.require(data, "stages", dict, _("quy trình")) or {}).items():
        where = _("bước “%(stage)s”") % {"stage": name}
        escalation = []
        for index, level in enumerate(reader.optional(stage, "escalation", list, where, [])):
            level_where = _("cấp chuyển %(index)s của %(where)s") % {"index": index + 1, "where": where}
            escalation.append(
                EscalationLevel(
                    after_working_days=reader.require(level, "after_working_days", int, level_where),
                    supervisor_role=reader.require(level, "supervisor_role", str, level_where),
                    reassign=reader.optional(level, "reassign", bool, level_where, False),
                )
            )
        offsets = reader.optional(stage, "reminder_offsets", list, where, [-2, 0])
        if any(isinstance(offset, bool) or not isinstance(offset, int) for offset in offsets):
            reader.problems.append(_("Mốc nhắc việc ở %(where)s phải là số nguyên.") % {"where": where})
        stages[name] = StageSpec(
            enabled=reader.require(stage, "enabled", bool, where),
            performer_role=reader.require(stage, "performer_role", str, where),
            performer_unit=reader.require(stage, "performer_unit", str, where),
            sla_working_days=reader.require(stage, "sla_working_days", int, where),
            reminder_offsets=tuple(offsets),
            escalation=tuple(escalation),
            clock_paused=reader.optional(stage, "clock_paused", bool, where, False),
        )
    rubric = {}
    for kind, criteria in (reader.require(data, "rubric", dict, _("quy trình")) or {}).items():
        parsed = []
        for index, criterion in enumerate(criteria if isinstance(criteria, list) else []):
            where = _("tiêu chí %(index)s (%(kind)s)") % {"index": index + 1, "kind": kind}
            parsed.append(
                CriterionSpec(
                    code=reader.require(criterion, "code", str, where),
                    name=reader.require(criterion, "name", str, where),
                    max_points=reader.require(criterion, "max_points", int, where),
                    weight=reader.optional(criterion, "weight", Decimal, where, Decimal(1)),
                )
            )
        rubric[kind] = tuple(parsed)
    evaluation = reader.require(data, "evaluation", dict, _("quy trình")) or {}
    where = _("phần đánh giá")
    evaluation_spec = EvaluationSpec(
        pass_threshold=reader.require(evaluation, "pass_threshold", Decimal, where),
        outstanding_threshold=reader.require(evaluation, "outstanding_threshold", Decimal, where),
        aggregation=reader.require(evaluation, "aggregation", str, where),
        quorum=reader.optional(evaluation, "quorum", int, where, 0),
    )
    steps = []
    for index, step in enumerate(reader.optional(data, "approval_steps", list, _("quy trình"), [])):
        where = _("bước thẩm định bổ sung %(index)s") % {"index": index + 1}
        steps.append(
            ApprovalStepSpec(
                key=reader.require(step, "key", str, where),
                title=reader.require(step, "title", str, where),
                after=reader.require(step, "after", str, where),
                performer_role=reader.require(step, "performer_role", str, where),
                performer_unit=reader.require(step, "performer_unit", str, where),
                sla_working_days=reader.require(step, "sla_working_days", int, where),
            )
        )
    where = _("quy trình")
    spec = ProcedureSpec(
        stages=stages,
        rubric=rubric,
        evaluation=evaluation_spec,
        approval_steps=tuple(steps),
        required_dossier_fields=tuple(reader.optional(data, "required_dossier_fields", list, where, [])),
        min_attachments=reader.optional(data, "min_attachments", int, where, 0),
        survey_not_recommended=reader.optional(data, "survey_not_recommended", str, where, "continue_flagged"),
        decision_number_format=reader.optional(data, "decision_number_format", str, where, "{number}-QĐ/BCĐ"),
    )
    if reader.problems:
        raise SpecFormatError(reader.problems)
    return spec
