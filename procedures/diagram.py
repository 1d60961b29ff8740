"""A procedure version drawn as an SVG (placeholder: the designer's `spec_svg` replaces this file).

Pure: one box per stage in procedure order (a disabled stage greyed), each additional
approval step after its anchor, with the performer and the working days.
"""

from html import escape

from django.utils.translation import gettext as _

from .spec import STANDARD_STAGES, ProcedureSpec
from .validation import role_label, stage_label

BOX_WIDTH, BOX_HEIGHT, GAP = 180, 64, 24


def spec_svg(spec: ProcedureSpec, *, level_names: dict[str, str] | None = None, title: str = "") -> str:
    boxes = []
    for name in STANDARD_STAGES:
        stage = spec.stages.get(name)
        if stage is None:
            continue
        boxes.append((stage_label(name), role_label(stage.performer_role), stage.sla_working_days, stage.enabled))
        for step in spec.approval_steps_after(name):
            boxes.append((step.title, role_label(step.performer_role), step.sla_working_days, True))
    height = 40 + len(boxes) * (BOX_HEIGHT + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BOX_WIDTH + 40}" height="{height}" role="img">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, role, days, enabled) in enumerate(boxes):
        y = 20 + index * (BOX_HEIGHT + GAP)
        fill = "#ffffff" if enabled else "#e5e5e5"
        days_text = _("%(days)s ngày làm việc") % {"days": days}
        parts.append(
            f'<rect x="20" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" fill="{fill}" stroke="#333"/>'
            f'<text x="30" y="{y + 22}">{escape(label)}</text>'
            f'<text x="30" y="{y + 42}" font-size="11">{escape(role)} · {escape(days_text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
