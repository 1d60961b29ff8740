"""What a draft changes against the published version, row by row, in Vietnamese.

`spec_diff` is pure: each row is (path, label, before, after) where `path` is the dotted
place in the spec (the same paths validation problems use), `label` names it for a
person, and `before`/`after` are the values as shown on the page ("—" when absent).
Approval steps are matched by key and criteria by code, so reordering is not a change.
"""

from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from recognition.models import MovementModel

from .labels import (
    AGGREGATION_LABELS,
    RUBRIC_KIND_LABELS,
    SURVEY_NOT_RECOMMENDED_LABELS,
    anchor_label,
    performer_unit_label,
    role_label,
    stage_title,
    working_days_label,
)
from .spec import STANDARD_STAGES, ApprovalStepSpec, CriterionSpec, EscalationLevel, ProcedureSpec, StageSpec

ABSENT = "—"

DiffRow = tuple[str, str, str, str]


def spec_diff(old: ProcedureSpec, new: ProcedureSpec, *, level_names: dict[str, str] | None = None) -> list[DiffRow]:
    rows: list[DiffRow] = []
    rows += _stages_diff(old, new, level_names)
    rows += _approval_steps_diff(old, new, level_names)
    rows += _value_row(
        "required_dossier_fields",
        _("Trường hồ sơ bắt buộc"),
        _dossier_fields(old.required_dossier_fields),
        _dossier_fields(new.required_dossier_fields),
    )
    rows += _value_row("min_attachments", _("Số tệp đính kèm tối thiểu"), old.min_attachments, new.min_attachments)
    rows += _rubric_diff(old, new)
    rows += _evaluation_diff(old, new)
    rows += _value_row(
        "survey_not_recommended",
        _("Khi tổ khảo sát không đề nghị công nhận"),
        _choice(SURVEY_NOT_RECOMMENDED_LABELS, old.survey_not_recommended),
        _choice(SURVEY_NOT_RECOMMENDED_LABELS, new.survey_not_recommended),
    )
    rows += _value_row(
        "decision_number_format",
        _("Mẫu số quyết định"),
        old.decision_number_format,
        new.decision_number_format,
    )
    return rows


def spec_summary(spec: ProcedureSpec, *, level_names: dict[str, str] | None = None) -> list[tuple[str, list]]:
    """The whole version as sections of (label, value) rows, shown the way the diff shows them."""
    sections = []
    for name in [*STANDARD_STAGES, *(name for name in spec.stages if name not in STANDARD_STAGES)]:
        values = stage_values(spec.stages.get(name), level_names)
        sections.append((stage_title(name), [values[key] for key in values] or [(_("Cấu hình"), ABSENT)]))
    sections.append(
        (
            _("Bước thẩm định bổ sung"),
            [(step.title, approval_step_text(step, level_names)) for step in spec.approval_steps]
            or [(_("Không có"), ABSENT)],
        )
    )
    for kind, criteria in spec.rubric.items():
        label = _("Bộ tiêu chí: %(kind)s") % {"kind": RUBRIC_KIND_LABELS.get(kind, kind)}
        sections.append((label, [(criterion.code, criterion_text(criterion)) for criterion in criteria]))
    evaluation = spec.evaluation
    sections.append(
        (
            _("Hồ sơ, chấm điểm và quyết định"),
            [
                (_("Trường hồ sơ bắt buộc"), show(_dossier_fields(spec.required_dossier_fields))),
                (_("Số tệp đính kèm tối thiểu"), show(spec.min_attachments)),
                (_("Ngưỡng công nhận (điểm)"), show(evaluation.pass_threshold)),
                (_("Ngưỡng tiêu biểu (điểm)"), show(evaluation.outstanding_threshold)),
                (_("Cách tổng hợp điểm"), _choice(AGGREGATION_LABELS, evaluation.aggregation)),
                (_("Số phiếu tối thiểu của hội đồng"), quorum_text(evaluation.quorum)),
                (
                    _("Khi tổ khảo sát không đề nghị công nhận"),
                    _choice(SURVEY_NOT_RECOMMENDED_LABELS, spec.survey_not_recommended),
                ),
                (_("Mẫu số quyết định"), spec.decision_number_format),
            ],
        )
    )
    return sections


def show(value) -> str:
    """A value as the designer shows it."""
    if value is None or value == "":
        return ABSENT
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return ", ".join(show(item) for item in value) if value else ABSENT
    return str(value)


def _value_row(path: str, label: str, before, after) -> list[DiffRow]:
    before, after = show(before), show(after)
    return [] if before == after else [(path, str(label), before, after)]


def _choice(labels: dict, value: str) -> str:
    return str(labels.get(value, value))


def _dossier_fields(names) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(MovementModel._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # shown as written; validation names the unknown field
            labels.append(name)
    return "; ".join(labels)  # the labels hold commas themselves


def escalation_text(level: EscalationLevel) -> str:
    text = _("sau %(days)s → %(role)s") % {
        "days": working_days_label(level.after_working_days),
        "role": role_label(level.supervisor_role),
    }
    return text + (_(" (giao lại việc)") if level.reassign else "")


def stage_values(stage: StageSpec | None, level_names) -> dict[str, tuple[str, str]]:
    if stage is None:
        return {}
    return {
        "enabled": (_("Áp dụng bước này"), show(stage.enabled)),
        "performer_role": (_("Vai trò thực hiện"), role_label(stage.performer_role)),
        "performer_unit": (_("Đơn vị thực hiện"), performer_unit_label(stage.performer_unit, level_names)),
        "sla_working_days": (_("Thời hạn"), working_days_label(stage.sla_working_days)),
        "reminder_offsets": (_("Mốc nhắc việc (ngày làm việc so với hạn)"), show(stage.reminder_offsets)),
        "escalation": (
            _("Chuyển cấp khi quá hạn"),
            "; ".join(escalation_text(level) for level in stage.escalation) or _("Không chuyển cấp"),
        ),
        "clock_paused": (_("Dừng tính thời hạn khi hồ sơ trả về đơn vị"), show(stage.clock_paused)),
    }


def _stages_diff(old: ProcedureSpec, new: ProcedureSpec, level_names) -> list[DiffRow]:
    names = list(STANDARD_STAGES) + sorted((set(old.stages) | set(new.stages)) - set(STANDARD_STAGES))
    rows = []
    for name in names:
        before = stage_values(old.stages.get(name), level_names)
        after = stage_values(new.stages.get(name), level_names)
        for key in after or before:
            label = (after or before)[key][0]
            before_value = before[key][1] if before else ABSENT
            after_value = after[key][1] if after else ABSENT
            if before_value != after_value:
                rows.append((f"stages.{name}.{key}", f"{stage_title(name)} — {label}", before_value, after_value))
    return rows


def approval_step_text(step: ApprovalStepSpec, level_names=None) -> str:
    return _("%(anchor)s; %(role)s, %(unit)s; %(sla)s") % {
        "anchor": anchor_label(step.after),
        "role": role_label(step.performer_role),
        "unit": performer_unit_label(step.performer_unit, level_names),
        "sla": working_days_label(step.sla_working_days),
    }


def _approval_steps_diff(old: ProcedureSpec, new: ProcedureSpec, level_names) -> list[DiffRow]:
    before = {step.key: step for step in old.approval_steps}
    after = {step.key: step for step in new.approval_steps}
    rows = []
    for key in [*before, *(key for key in after if key not in before)]:
        old_step, new_step = before.get(key), after.get(key)
        title = (new_step or old_step).title
        label = _("Bước thẩm định bổ sung “%(title)s”") % {"title": title}
        if old_step is None or new_step is None:
            rows.append(
                (
                    f"approval_steps.{key}",
                    label,
                    approval_step_text(old_step, level_names) if old_step else ABSENT,
                    approval_step_text(new_step, level_names) if new_step else ABSENT,
                )
            )
            continue
        fields = {
            "title": (_("tên bước"), old_step.title, new_step.title),
            "after": (_("vị trí"), anchor_label(old_step.after), anchor_label(new_step.after)),
            "performer_role": (
                _("vai trò thực hiện"),
                role_label(old_step.performer_role),
                role_label(new_step.performer_role),
            ),
            "performer_unit": (
                _("đơn vị thực hiện"),
                performer_unit_label(old_step.performer_unit, level_names),
                performer_unit_label(new_step.performer_unit, level_names),
            ),
            "sla_working_days": (
                _("thời hạn"),
                working_days_label(old_step.sla_working_days),
                working_days_label(new_step.sla_working_days),
            ),
        }
        for field, (field_label, before_value, after_value) in fields.items():
            if before_value != after_value:
                rows.append((f"approval_steps.{key}.{field}", f"{label} — {field_label}", before_value, after_value))
    return rows


def criterion_text(criterion: CriterionSpec) -> str:
    return _("%(name)s (tối đa %(max)s điểm, hệ số %(weight)s)") % {
        "name": criterion.name,
        "max": criterion.max_points,
        "weight": show(criterion.weight),
    }


def _rubric_diff(old: ProcedureSpec, new: ProcedureSpec) -> list[DiffRow]:
    rows = []
    kinds = [*old.rubric, *(kind for kind in new.rubric if kind not in old.rubric)]
    for kind in kinds:
        kind_label = RUBRIC_KIND_LABELS.get(kind, kind)
        before = {criterion.code: criterion for criterion in old.rubric.get(kind, ())}
        after = {criterion.code: criterion for criterion in new.rubric.get(kind, ())}
        for code in [*before, *(code for code in after if code not in before)]:
            old_criterion, new_criterion = before.get(code), after.get(code)
            label = _("Tiêu chí %(kind)s “%(code)s”") % {"kind": kind_label, "code": code}
            path = f"rubric.{kind}.{code}"
            if old_criterion is None or new_criterion is None:
                rows.append(
                    (
                        path,
                        label,
                        criterion_text(old_criterion) if old_criterion else ABSENT,
                        criterion_text(new_criterion) if new_criterion else ABSENT,
                    )
                )
                continue
            fields = {
                "name": _("tên"),
                "max_points": _("điểm tối đa"),
                "weight": _("hệ số"),
            }
            for field, field_label in fields.items():
                rows += _value_row(
                    f"{path}.{field}",
                    f"{label} — {field_label}",
                    getattr(old_criterion, field),
                    getattr(new_criterion, field),
                )
    return rows


def quorum_text(quorum: int) -> str:
    return _("Mọi thành viên") if quorum == 0 else str(quorum)


def _evaluation_diff(old: ProcedureSpec, new: ProcedureSpec) -> list[DiffRow]:
    before, after = old.evaluation, new.evaluation
    return [
        *_value_row(
            "evaluation.pass_threshold", _("Ngưỡng công nhận (điểm)"), before.pass_threshold, after.pass_threshold
        ),
        *_value_row(
            "evaluation.outstanding_threshold",
            _("Ngưỡng tiêu biểu (điểm)"),
            before.outstanding_threshold,
            after.outstanding_threshold,
        ),
        *_value_row(
            "evaluation.aggregation",
            _("Cách tổng hợp điểm"),
            _choice(AGGREGATION_LABELS, before.aggregation),
            _choice(AGGREGATION_LABELS, after.aggregation),
        ),
        *_value_row(
            "evaluation.quorum",
            _("Số phiếu tối thiểu của hội đồng"),
            quorum_text(before.quorum),
            quorum_text(after.quorum),
        ),
    ]
