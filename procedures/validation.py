"""Whether a version's content makes sense: pure rules over the spec and a context.

Each rule returns problems as (where, message) pairs in Vietnamese, so the designer
page shows each message beside the field it is about and the API returns them as a
field map. Publishing is refused while any problem remains.

No rule queries the database: `context.validation_context(definition)` reads the
world once (roles, levels, who holds which role where, the council's size).
"""

import re
import string
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from recognition.audit.labels import NODE_LABELS
from recognition.roles import Role

from .spec import (
    APPROVAL_ANCHORS,
    SKIPPABLE_STAGES,
    STANDARD_STAGES,
    Aggregation,
    ApprovalStepSpec,
    PerformerUnit,
    ProcedureSpec,
    StageSpec,
    SurveyNotRecommended,
)

# Scores and thresholds are out of 100 (each council sheet is normalised to 100).
SCORE_MAXIMUM = Decimal(100)
# What a decision number format may contain besides literal text.
DECISION_NUMBER_PLACEHOLDERS = ("number", "year")
ROLE_LABELS = dict(Role.choices)
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class Problem:
    where: str  # a path into the spec, e.g. "stages.survey.performer_role", "evaluation.quorum"
    message: str
    # Names something this instance does not have (a role, level, criterion, dossier field, stage):
    # an imported document with such a problem is refused (see `reference_problems`).
    reference: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class ValidationContext:
    """What the rules need to know about the world, read once by the caller (no queries here)."""

    roles: frozenset[str] = frozenset()
    level_codes: frozenset[str] = frozenset()
    level_names: dict[str, str] = field(default_factory=dict)  # code → name, for the messages
    # (role, performer_unit) pairs that have at least one active holder in the owner's scope
    staffed: frozenset[tuple[str, str]] = frozenset()
    criterion_codes: frozenset[str] = frozenset()
    dossier_fields: frozenset[str] = frozenset()
    council_size: int | None = None  # None: unknown (the national definition), the quorum rule is skipped
    rubric_kinds: frozenset[str] = frozenset({"collective", "individual"})
    extra: dict = field(default_factory=dict)


def spec_problems(spec: ProcedureSpec, context: ValidationContext) -> list[Problem]:
    """Every problem of the spec, in the order of the designer's form."""
    problems = []
    problems += stage_set_problems(spec)
    for name, stage in spec.stages.items():
        problems += stage_problems(name, stage, context)
    problems += approval_step_problems(spec, context)
    problems += rubric_problems(spec, context)
    problems += evaluation_problems(spec, context)
    problems += dossier_problems(spec, context)
    problems += decision_number_problems(spec.decision_number_format)
    return problems


def reference_problems(spec: ProcedureSpec, context: ValidationContext) -> list[Problem]:
    """Only the problems that name what does not exist here (what an import must refuse)."""
    return [problem for problem in spec_problems(spec, context) if problem.reference]


def stage_label(name: str) -> str:
    return str(NODE_LABELS.get(name, name))


# --- stages ---------------------------------------------------------------------------------


def stage_set_problems(spec: ProcedureSpec) -> list[Problem]:
    problems = []
    for name in STANDARD_STAGES:
        if name not in spec.stages:
            message = _("Thiếu cấu hình cho bước chuẩn “%(stage)s”.") % {"stage": name}
            problems.append(Problem(f"stages.{name}", message, reference=True))
    for name, stage in spec.stages.items():
        if name not in STANDARD_STAGES:
            message = _(
                "Bước “%(stage)s” không có trong quy trình chuẩn (các bước: %(stages)s); "
                "muốn thêm bước, hãy dùng bước thẩm định bổ sung."
            ) % {"stage": name, "stages": ", ".join(STANDARD_STAGES)}
            problems.append(Problem(f"stages.{name}", message, reference=True))
        elif not stage.enabled and name not in SKIPPABLE_STAGES:
            message = _("Không được bỏ bước “%(stage)s”: chỉ có thể bỏ bước %(skippable)s.") % {
                "stage": stage_label(name),
                "skippable": ", ".join(f"“{stage_label(skippable)}”" for skippable in sorted(SKIPPABLE_STAGES)),
            }
            problems.append(Problem(f"stages.{name}.enabled", message))
    return problems


def stage_problems(name: str, stage: StageSpec, context: ValidationContext) -> list[Problem]:
    where = f"stages.{name}"
    label = _("bước “%(stage)s”") % {"stage": stage_label(name)}
    problems = performer_problems(where, label, stage.performer_role, stage.performer_unit, stage.enabled, context)
    problems += sla_problems(where, label, stage.sla_working_days)
    for index, offset in enumerate(stage.reminder_offsets):
        if offset > 0:
            message = _(
                "Mốc nhắc việc %(offset)s ở %(label)s nằm sau hạn xử lý: mốc nhắc phải là 0 (đúng hạn) "
                "hoặc số âm (số ngày làm việc trước hạn)."
            ) % {"offset": offset, "label": label}
            problems.append(Problem(f"{where}.reminder_offsets.{index}", message))
    problems += escalation_problems(where, label, stage, context)
    return problems


def escalation_problems(where: str, label: str, stage: StageSpec, context: ValidationContext) -> list[Problem]:
    """Delays, roles and loops of a stage's escalation chain.

    As in the engine (workflows.deadlines.escalation), each level climbs the unit tree:
    the same role twice in a row is the next unit up. A role that comes back after the
    chain moved on to another role (the performer's own role included) is a loop.
    """
    problems = []
    used = {stage.performer_role}
    previous = stage.performer_role
    for index, level in enumerate(stage.escalation):
        level_where = f"{where}.escalation.{index}"
        level_label = _("cấp chuyển %(index)s của %(label)s") % {"index": index + 1, "label": label}
        role = level.supervisor_role
        if level.after_working_days <= 0:
            message = _(
                "Thời gian chờ trước khi chuyển ở %(label)s là %(days)s ngày: phải lớn hơn 0 ngày làm việc."
            ) % {"label": level_label, "days": level.after_working_days}
            problems.append(Problem(f"{level_where}.after_working_days", message))
        if role not in context.roles:
            message = _("Vai trò “%(role)s” ở %(label)s không tồn tại trong hệ thống.") % {
                "role": role,
                "label": level_label,
            }
            problems.append(Problem(f"{level_where}.supervisor_role", message, reference=True))
        elif role != previous and role == stage.performer_role:
            message = _(
                "%(label)s chuyển ngược về chính vai trò đang thực hiện bước (“%(role)s”): việc quá hạn quay "
                "lại người đang giữ nó, chuỗi chuyển cấp bị vòng lặp."
            ) % {"label": first_upper(level_label), "role": role_label(role)}
            problems.append(Problem(f"{level_where}.supervisor_role", message))
        elif role != previous and role in used:
            message = _(
                "%(label)s chuyển lại cho vai trò “%(role)s” đã có ở cấp trước: chuỗi chuyển cấp bị vòng lặp."
            ) % {"label": first_upper(level_label), "role": role_label(role)}
            problems.append(Problem(f"{level_where}.supervisor_role", message))
        used.add(role)
        previous = role
    return problems


def performer_problems(
    where: str, label: str, role: str, unit: str, enabled: bool, context: ValidationContext
) -> list[Problem]:
    problems = []
    if role not in context.roles:
        message = _("Vai trò thực hiện “%(role)s” ở %(label)s không tồn tại trong hệ thống.") % {
            "role": role,
            "label": label,
        }
        problems.append(Problem(f"{where}.performer_role", message, reference=True))
    if unit not in (PerformerUnit.ORGANISER, PerformerUnit.REGISTRANT) and unit not in context.level_codes:
        message = _(
            "Đơn vị thực hiện “%(unit)s” ở %(label)s không hợp lệ: chọn đơn vị tổ chức, đơn vị đăng ký "
            "hoặc một cấp có trong hệ thống (%(levels)s)."
        ) % {"unit": unit, "label": label, "levels": ", ".join(sorted(context.level_codes))}
        problems.append(Problem(f"{where}.performer_unit", message, reference=True))
    if problems or not enabled:
        return problems
    if (role, unit) not in context.staffed:
        message = _(
            "Không ai thực hiện được %(label)s: trong phạm vi của quy trình không có người dùng đang hoạt động "
            "nào giữ vai trò “%(role)s” ở %(unit)s."
        ) % {"label": label, "role": role_label(role), "unit": performer_unit_label(unit, context.level_names)}
        problems.append(Problem(f"{where}.performer_role", message))
    return problems


def sla_problems(where: str, label: str, days: int) -> list[Problem]:
    if days > 0:
        return []
    message = _("Thời hạn xử lý %(label)s là %(days)s ngày: phải lớn hơn 0 ngày làm việc.") % {
        "label": label,
        "days": days,
    }
    return [Problem(f"{where}.sla_working_days", message)]


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def role_label(role: str) -> str:
    from_roles = ROLE_LABELS.get(role)
    return str(from_roles) if from_roles else role


def performer_unit_label(unit: str, level_names: dict[str, str] | None = None) -> str:
    if unit == PerformerUnit.ORGANISER:
        return _("đơn vị tổ chức")
    if unit == PerformerUnit.REGISTRANT:
        return _("đơn vị đăng ký")
    name = (level_names or {}).get(unit)
    if name:
        return name[:1].lower() + name[1:]  # "Cấp xã" → "cấp xã"
    return _("cấp “%(level)s”") % {"level": unit}


# --- additional approval steps -------------------------------------------------------------


def approval_step_problems(spec: ProcedureSpec, context: ValidationContext) -> list[Problem]:
    problems = []
    seen = set()
    for index, step in enumerate(spec.approval_steps):
        problems += _approval_step_problems(index, step, spec, context, seen)
        seen.add(step.key)
    return problems


def _approval_step_problems(
    index: int, step: ApprovalStepSpec, spec: ProcedureSpec, context: ValidationContext, seen: set
) -> list[Problem]:
    where = f"approval_steps.{index}"
    label = _("bước thẩm định bổ sung “%(title)s”") % {"title": step.title.strip() or step.key}
    problems = []
    if not SLUG_PATTERN.match(step.key):
        message = _("Mã “%(key)s” của %(label)s không hợp lệ: chỉ dùng chữ thường không dấu, chữ số, “-” hoặc “_”.") % {
            "key": step.key,
            "label": label,
        }
        problems.append(Problem(f"{where}.key", message))
    elif step.key in seen:
        message = _("Mã “%(key)s” đã dùng cho một bước thẩm định bổ sung khác: mỗi bước cần một mã riêng.") % {
            "key": step.key
        }
        problems.append(Problem(f"{where}.key", message))
    if not step.title.strip():
        message = _("Bước thẩm định bổ sung thứ %(index)s chưa có tên.") % {"index": index + 1}
        problems.append(Problem(f"{where}.title", message))
    if step.after not in APPROVAL_ANCHORS:
        message = _(
            "%(label)s đặt sau “%(after)s”, không phải chỗ được phép (sau %(anchors)s): hồ sơ sẽ không có "
            "đường đi tiếp hoặc quay lại."
        ) % {
            "label": first_upper(label),
            "after": step.after,
            "anchors": ", ".join(f"“{stage_label(anchor)}”" for anchor in APPROVAL_ANCHORS),
        }
        problems.append(Problem(f"{where}.after", message))
    elif not spec.is_enabled(step.after):
        message = _(
            "%(label)s đặt sau bước “%(after)s” đang bị bỏ qua: bước này sẽ không bao giờ đến lượt và "
            "không có đường quay lại."
        ) % {"label": first_upper(label), "after": stage_label(step.after)}
        problems.append(Problem(f"{where}.after", message))
    problems += performer_problems(where, label, step.performer_role, step.performer_unit, True, context)
    problems += sla_problems(where, label, step.sla_working_days)
    return problems


# --- rubric and evaluation -----------------------------------------------------------------


def rubric_problems(spec: ProcedureSpec, context: ValidationContext) -> list[Problem]:
    problems = []
    for kind in sorted(context.rubric_kinds):
        if not spec.rubric.get(kind):
            message = _("Bộ tiêu chí cho đối tượng “%(kind)s” chưa có tiêu chí nào: hội đồng không chấm được.") % {
                "kind": kind
            }
            problems.append(Problem(f"rubric.{kind}", message))
    for kind, criteria in spec.rubric.items():
        if kind not in context.rubric_kinds:
            message = _("Đối tượng chấm điểm “%(kind)s” không tồn tại (chỉ có: %(kinds)s).") % {
                "kind": kind,
                "kinds": ", ".join(sorted(context.rubric_kinds)),
            }
            problems.append(Problem(f"rubric.{kind}", message, reference=True))
        seen = set()
        for index, criterion in enumerate(criteria):
            where = f"rubric.{kind}.{index}"
            if criterion.code not in context.criterion_codes:
                message = _("Tiêu chí “%(code)s” không có trong danh mục tiêu chí của hệ thống.") % {
                    "code": criterion.code
                }
                problems.append(Problem(f"{where}.code", message, reference=True))
            elif criterion.code in seen:
                message = _("Tiêu chí “%(code)s” xuất hiện hai lần trong bộ tiêu chí “%(kind)s”.") % {
                    "code": criterion.code,
                    "kind": kind,
                }
                problems.append(Problem(f"{where}.code", message))
            seen.add(criterion.code)
            if criterion.max_points <= 0:
                message = _("Điểm tối đa của tiêu chí “%(code)s” là %(points)s: phải lớn hơn 0.") % {
                    "code": criterion.code,
                    "points": criterion.max_points,
                }
                problems.append(Problem(f"{where}.max_points", message))
            if criterion.weight <= 0:
                message = _("Trọng số của tiêu chí “%(code)s” là %(weight)s: phải lớn hơn 0.") % {
                    "code": criterion.code,
                    "weight": criterion.weight,
                }
                problems.append(Problem(f"{where}.weight", message))
    return problems


def evaluation_problems(spec: ProcedureSpec, context: ValidationContext) -> list[Problem]:
    evaluation = spec.evaluation
    problems = []
    thresholds = (
        ("pass_threshold", _("Ngưỡng công nhận"), evaluation.pass_threshold),
        ("outstanding_threshold", _("Ngưỡng tiêu biểu"), evaluation.outstanding_threshold),
    )
    for key, label, value in thresholds:
        if value < 0:
            message = _("%(label)s là %(value)s: không được âm.") % {"label": label, "value": value}
            problems.append(Problem(f"evaluation.{key}", message))
        elif value > SCORE_MAXIMUM:
            message = _("%(label)s là %(value)s, cao hơn điểm tối đa %(maximum)s: không hồ sơ nào đạt được.") % {
                "label": label,
                "value": value,
                "maximum": SCORE_MAXIMUM,
            }
            problems.append(Problem(f"evaluation.{key}", message))
    if evaluation.pass_threshold > evaluation.outstanding_threshold:
        problems.append(
            Problem(
                "evaluation.pass_threshold",
                _("Ngưỡng công nhận (%(pass)s) không được cao hơn ngưỡng tiêu biểu (%(outstanding)s).")
                % {"pass": evaluation.pass_threshold, "outstanding": evaluation.outstanding_threshold},
            )
        )
    if evaluation.aggregation not in Aggregation.ALL:
        message = _("Cách tổng hợp điểm “%(rule)s” không được hỗ trợ (chọn một trong: %(rules)s).") % {
            "rule": evaluation.aggregation,
            "rules": ", ".join(Aggregation.ALL),
        }
        problems.append(Problem("evaluation.aggregation", message))
    if evaluation.quorum < 0:
        message = _("Số thành viên tối thiểu phải chấm (%(quorum)s) không được âm.") % {"quorum": evaluation.quorum}
        problems.append(Problem("evaluation.quorum", message))
    elif context.council_size is not None and evaluation.quorum > context.council_size:
        message = _(
            "Số thành viên tối thiểu phải chấm (%(quorum)s) lớn hơn số thành viên hội đồng (%(size)s): "
            "hội đồng không bao giờ đủ số để kết luận."
        ) % {"quorum": evaluation.quorum, "size": context.council_size}
        problems.append(Problem("evaluation.quorum", message))
    if spec.survey_not_recommended not in SurveyNotRecommended.ALL:
        message = _(
            "Cách xử lý khi khảo sát không kiến nghị công nhận “%(rule)s” không được hỗ trợ "
            "(chọn một trong: %(rules)s)."
        ) % {"rule": spec.survey_not_recommended, "rules": ", ".join(SurveyNotRecommended.ALL)}
        problems.append(Problem("survey_not_recommended", message))
    return problems


# --- dossier and decision --------------------------------------------------------------------


def dossier_problems(spec: ProcedureSpec, context: ValidationContext) -> list[Problem]:
    problems = []
    for index, name in enumerate(spec.required_dossier_fields):
        if name not in context.dossier_fields:
            message = _("Trường hồ sơ “%(field)s” không có trong mẫu hồ sơ đăng ký.") % {"field": name}
            problems.append(Problem(f"required_dossier_fields.{index}", message, reference=True))
    if spec.min_attachments < 0:
        message = _("Số tệp đính kèm tối thiểu (%(count)s) không được âm.") % {"count": spec.min_attachments}
        problems.append(Problem("min_attachments", message))
    return problems


def decision_number_problems(number_format: str) -> list[Problem]:
    where = "decision_number_format"
    try:
        parts = list(string.Formatter().parse(number_format))
    except ValueError:
        message = _("Mẫu số quyết định “%(format)s” có dấu ngoặc nhọn không khớp.") % {"format": number_format}
        return [Problem(where, message)]
    names = [name for _text, name, _format_spec, _conversion in parts if name is not None]
    problems = []
    if "number" not in names:
        message = _("Mẫu số quyết định “%(format)s” thiếu chỗ cho số thứ tự {number}.") % {"format": number_format}
        problems.append(Problem(where, message))
    for name in names:
        if name not in DECISION_NUMBER_PLACEHOLDERS:
            message = _("Mẫu số quyết định có chỗ điền “{%(name)s}” không được hỗ trợ (chỉ dùng: %(names)s).") % {
                "name": name,
                "names": ", ".join(f"{{{placeholder}}}" for placeholder in DECISION_NUMBER_PLACEHOLDERS),
            }
            problems.append(Problem(where, message))
    return problems
