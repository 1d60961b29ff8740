"""A procedure version drawn as an SVG: the designer's picture and `flow_export --format svg`.

Pure: `spec_svg(spec)` returns the markup, nothing is read from the database or fetched.
The stages follow the backbone's order from top to bottom; a switched-off stage stays in
its place, greyed and marked "Không áp dụng"; additional approval steps sit after the
stage they follow; each task shows its performer and "N ngày làm việc"; the three
decisions of the backbone are diamonds with their "no" branch to the right.
"""

from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _

from .labels import performer_unit_label, role_label, stage_title, working_days_label
from .spec import ProcedureSpec

WIDTH = 720
CENTRE_X = 240
SIDE_X = 560
BOX_WIDTH = 300
BOX_HEIGHT = 66
SIDE_BOX_WIDTH = 240
GATEWAY_SIZE = 46
EVENT_RADIUS = 18
GAP = 34

COLOURS = {
    "stage": ("#e3f2fd", "#1565c0", "#0d2a4a"),
    "disabled": ("#eeeeee", "#9e9e9e", "#757575"),
    "approval": ("#fff8e1", "#f9a825", "#4e3b00"),
    "gateway": ("#ffffff", "#6d4c41", "#3e2723"),
    "event": ("#ffffff", "#2e7d32", "#1b3d1d"),
    "end_rejected": ("#ffffff", "#c62828", "#4a0f0f"),
}


@dataclass(frozen=True)
class DiagramNode:
    """One shape of the picture: kind is stage, approval, gateway, start or end."""

    key: str
    kind: str
    title: str
    enabled: bool = True
    detail: str = ""
    sla: str = ""


def diagram_nodes(spec: ProcedureSpec, *, level_names: dict[str, str] | None = None) -> list[DiagramNode]:
    """The main column from start to end, in procedure order (revise and the rejection end are side shapes)."""
    nodes = [DiagramNode("start", "start", _("Đăng ký mô hình"))]
    nodes.append(_stage_node(spec, "check_dossier", level_names))
    nodes.append(DiagramNode("dossier_accepted", "gateway", _("Hồ sơ hợp lệ?")))
    nodes += _approval_nodes(spec, "check_dossier", level_names)
    nodes.append(_stage_node(spec, "survey", level_names))
    nodes += _approval_nodes(spec, "survey", level_names)
    nodes.append(_stage_node(spec, "evaluate", level_names))
    nodes += _approval_nodes(spec, "evaluate", level_names)
    nodes.append(DiagramNode("evaluation_passed", "gateway", _("Đạt ngưỡng công nhận?")))
    nodes.append(_stage_node(spec, "recognise", level_names))
    nodes.append(_stage_node(spec, "replicate", level_names))
    nodes.append(DiagramNode("replication_closed", "gateway", _("Kết thúc nhân rộng?")))
    nodes.append(DiagramNode("end", "end", _("Hoàn thành")))
    return nodes


def _performer(role: str, unit: str, level_names) -> str:
    return f"{role_label(role)} — {performer_unit_label(unit, level_names)}"


def _stage_node(spec: ProcedureSpec, name: str, level_names) -> DiagramNode:
    stage = spec.stage(name)
    if stage is None:
        return DiagramNode(name, "stage", stage_title(name), enabled=False, detail=_("Chưa cấu hình"))
    return DiagramNode(
        name,
        "stage",
        stage_title(name),
        enabled=stage.enabled,
        detail=_performer(stage.performer_role, stage.performer_unit, level_names),
        sla=working_days_label(stage.sla_working_days),
    )


def _approval_nodes(spec: ProcedureSpec, anchor: str, level_names) -> list[DiagramNode]:
    return [
        DiagramNode(
            f"approval_{step.key}",
            "approval",
            step.title,
            detail=_performer(step.performer_role, step.performer_unit, level_names),
            sla=working_days_label(step.sla_working_days),
        )
        for step in spec.approval_steps_after(anchor)
    ]


def _height(node: DiagramNode) -> int:
    if node.kind in ("start", "end"):
        return EVENT_RADIUS * 2
    if node.kind == "gateway":
        return GATEWAY_SIZE
    return BOX_HEIGHT


class _Canvas:
    def __init__(self):
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text(self, x, y, content: str, *, size=13, colour="#000", weight="normal", anchor="middle"):
        self.add(
            f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
            f'fill="{colour}">{escape(content)}</text>'
        )

    def arrow(self, points: list[tuple[float, float]], *, label: str = "", dashed: bool = False):
        path = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        self.add(
            f'<polyline class="kheo-flow-edge" points="{path}" fill="none" stroke="#546e7a" stroke-width="1.5"'
            f'{dash} marker-end="url(#kheo-arrow)"/>'
        )
        if label:
            (x1, y1), (x2, _bottom) = points[0], points[1]
            self.text(x1 + 6, y1 + 14 if x1 == x2 else y1 - 6, label, size=11, colour="#37474f", anchor="start")

    def box(self, node: DiagramNode, x: float, y: float, width: float):
        kind = "disabled" if not node.enabled else node.kind
        fill, stroke, ink = COLOURS[kind]
        dash = ' stroke-dasharray="6 4"' if not node.enabled or node.kind == "approval" else ""
        state = "disabled" if not node.enabled else "enabled"
        self.add(
            f'<g class="kheo-flow-node kheo-flow-{node.kind}" data-node="{escape(node.key)}" data-state="{state}">'
        )
        self.add(
            f'<rect x="{x - width / 2:.0f}" y="{y:.0f}" width="{width:.0f}" height="{BOX_HEIGHT}" rx="8" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
        )
        title = node.title if node.enabled else _("%(title)s (không áp dụng)") % {"title": node.title}
        self.text(x, y + 20, title, colour=ink, weight="bold")
        if node.detail:
            self.text(x, y + 38, node.detail, size=11, colour=ink)
        if node.sla:
            self.text(x, y + 56, node.sla, size=11, colour=ink)
        self.add("</g>")

    def gateway(self, node: DiagramNode, x: float, y: float):
        fill, stroke, ink = COLOURS["gateway"]
        half = GATEWAY_SIZE / 2
        corners = [(x, y), (x + half, y + half), (x, y + GATEWAY_SIZE), (x - half, y + half)]
        points = " ".join(f"{cx:.0f},{cy:.0f}" for cx, cy in corners)
        self.add(f'<g class="kheo-flow-node kheo-flow-gateway" data-node="{escape(node.key)}">')
        self.add(f'<polygon points="{points}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>')
        self.text(x - half - 8, y + half + 4, node.title, size=12, colour=ink, anchor="end")
        self.add("</g>")

    def event(self, node: DiagramNode, x: float, y: float, colours: str):
        fill, stroke, ink = COLOURS[colours]
        width = 3 if node.kind == "end" else 1.5
        self.add(f'<g class="kheo-flow-node kheo-flow-{node.kind}" data-node="{escape(node.key)}">')
        self.add(
            f'<circle cx="{x:.0f}" cy="{y + EVENT_RADIUS:.0f}" r="{EVENT_RADIUS}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{width}"/>'
        )
        self.text(x + EVENT_RADIUS + 8, y + EVENT_RADIUS + 4, node.title, size=12, colour=ink, anchor="start")
        self.add("</g>")


def spec_svg(spec: ProcedureSpec, *, level_names: dict[str, str] | None = None, title: str = "") -> str:
    """The version as an SVG document (no external reference: inline it or write it to a file)."""
    nodes = diagram_nodes(spec, level_names=level_names)
    tops, y = {}, 16
    for node in nodes:
        tops[node.key] = y
        y += _height(node) + GAP
    height = y
    canvas = _Canvas()
    for index, node in enumerate(nodes):
        top = tops[node.key]
        if node.kind in ("stage", "approval"):
            canvas.box(node, CENTRE_X, top, BOX_WIDTH)
        elif node.kind == "gateway":
            canvas.gateway(node, CENTRE_X, top)
        else:
            canvas.event(node, CENTRE_X, top, "event")
        if index + 1 < len(nodes):
            following = nodes[index + 1]
            yes = _("Có") if node.kind == "gateway" else ""
            dashed = not node.enabled or not following.enabled
            canvas.arrow(
                [(CENTRE_X, top + _height(node)), (CENTRE_X, tops[following.key] - 2)], label=yes, dashed=dashed
            )
    _side_branches(canvas, spec, tops, level_names)
    label = escape(title or _("Sơ đồ quy trình"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kheo-flow-diagram" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}" font-family="Roboto, Arial, sans-serif">'
        f"<title>{label}</title>"
        '<defs><marker id="kheo-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#546e7a"/></marker></defs>'
        + "".join(canvas.parts)
        + "</svg>"
    )


def _side_branches(canvas: _Canvas, spec: ProcedureSpec, tops: dict, level_names) -> None:
    half = GATEWAY_SIZE / 2
    # Dossier not valid → the unit revises it → checked again.
    gateway_y = tops["dossier_accepted"] + half
    revise = _stage_node(spec, "revise", level_names)
    revise_top = gateway_y - BOX_HEIGHT / 2
    canvas.box(revise, SIDE_X, revise_top, SIDE_BOX_WIDTH)
    canvas.arrow([(CENTRE_X + half, gateway_y), (SIDE_X - SIDE_BOX_WIDTH / 2 - 2, gateway_y)], label=_("Không"))
    check_y = tops["check_dossier"] + BOX_HEIGHT / 2
    canvas.arrow([(SIDE_X, revise_top), (SIDE_X, check_y), (CENTRE_X + BOX_WIDTH / 2 + 2, check_y)])
    # Below the pass threshold → the case ends, not recognised.
    gateway_y = tops["evaluation_passed"] + half
    rejected = DiagramNode("rejected", "end", _("Không công nhận"))
    canvas.event(rejected, SIDE_X - 60, gateway_y - EVENT_RADIUS, "end_rejected")
    canvas.arrow([(CENTRE_X + half, gateway_y), (SIDE_X - 60 - EVENT_RADIUS - 2, gateway_y)], label=_("Không"))
    # Replication not closed → tracked again.
    gateway_y = tops["replication_closed"] + half
    replicate_y = tops["replicate"] + BOX_HEIGHT / 2
    loop_x = CENTRE_X + BOX_WIDTH / 2 + 30
    canvas.arrow(
        [
            (CENTRE_X + half, gateway_y),
            (loop_x, gateway_y),
            (loop_x, replicate_y),
            (CENTRE_X + BOX_WIDTH / 2 + 2, replicate_y),
        ],
        label=_("Chưa"),
    )
