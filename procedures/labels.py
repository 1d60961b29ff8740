"""Vietnamese names of the parts of a procedure, shared by the designer, the diff and the diagram.

Pure: no database. A level's name comes from the caller (`level_names`) when it has one;
otherwise its code is shown.
"""

from django.utils.translation import gettext_lazy as _

from recognition.audit.labels import NODE_LABELS
from recognition.roles import Role

from .spec import Aggregation, PerformerUnit, SurveyNotRecommended

# The stages' names are the audit trail's names of the same nodes.
STAGE_TITLES = NODE_LABELS

PERFORMER_UNIT_LABELS = {
    PerformerUnit.ORGANISER: _("Đơn vị tổ chức đợt"),
    PerformerUnit.REGISTRANT: _("Đơn vị đăng ký"),
}

AGGREGATION_LABELS = {
    Aggregation.MEAN: _("Trung bình cộng"),
    Aggregation.MEDIAN: _("Trung vị"),
    Aggregation.TRIMMED_MEAN: _("Trung bình bỏ điểm cao nhất và thấp nhất"),
    Aggregation.MAJORITY: _("Đa số thành viên đạt"),
}

SURVEY_NOT_RECOMMENDED_LABELS = {
    SurveyNotRecommended.CONTINUE_FLAGGED: _("Vẫn chuyển hội đồng chấm, có đánh dấu"),
    SurveyNotRecommended.END_CASE: _("Kết thúc hồ sơ (không công nhận) kèm lý do"),
}

RUBRIC_KIND_LABELS = {"collective": _("Tập thể"), "individual": _("Cá nhân")}


def stage_title(name: str) -> str:
    return str(STAGE_TITLES.get(name, name))


def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


def performer_unit_label(value: str, level_names: dict[str, str] | None = None) -> str:
    if value in PERFORMER_UNIT_LABELS:
        return str(PERFORMER_UNIT_LABELS[value])
    return (level_names or {}).get(value) or value


def anchor_label(anchor: str) -> str:
    return str(_("Sau bước “%(stage)s”") % {"stage": stage_title(anchor)})


def working_days_label(days: int) -> str:
    return str(_("%(days)s ngày làm việc") % {"days": days})
