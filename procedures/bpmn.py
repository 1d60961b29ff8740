"""A procedure version as BPMN 2.0 XML that bpmn.io and Camunda Modeler open as it is.

Pure: `spec_bpmn(spec, ...)` builds the document from the spec alone. Every enabled
stage and every additional approval step is a `userTask` whose `documentation` says who
performs it and in how many working days; the decisions of the backbone
(`RecognitionFlow`) are exclusive gateways. The council's fan-out and join (viewflow's
`evaluation_split` / `evaluation_join`) are a parallel multi-instance task: one sheet per
seat, the tally waits for all. Where flows come back to a stage (the dossier returned,
an additional step returning, the next round of replication) an exclusive gateway joins
them first, so bpmnlint's recommended rules find nothing to warn about. A disabled stage
is left out (the flow goes straight past it). The diagram (shapes and edges) lays the
nodes out left to right; each "no" that ends the case has its own end event below it.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .spec import ProcedureSpec, SurveyNotRecommended
from .validation import performer_unit_label, role_label, stage_label

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NAMESPACES = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI}
TARGET_NAMESPACE = "https://kheo.vn/bpmn/procedure"
EXPORTER = "Khéo"

SIZES = {"startEvent": (36, 36), "endEvent": (36, 36), "exclusiveGateway": (50, 50)}
TASK_SIZE = (120, 80)
COLUMN = 170  # horizontal distance between the centres of two nodes on the main line
MAIN_Y = 200  # centre line of the main path
LOOP_Y = 60  # back loops (return, next round of replication) run above the main line
SIDE_Y = 340  # side nodes (the unit revises its dossier, a case ends not recognised) sit below their gateway

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


@dataclass
class Node:
    id: str
    kind: str  # BPMN element name: userTask, serviceTask, exclusiveGateway, ...
    name: str
    documentation: str = ""
    multi_instance: bool = False
    x: int = 0  # centre
    y: int = 0
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        return SIZES.get(self.kind, TASK_SIZE)

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        width, height = self.size
        return self.x - width // 2, self.y - height // 2, width, height


@dataclass
class Flow:
    id: str
    source: Node
    target: Node
    name: str = ""
    route: str = "straight"  # straight, loop (over the top), down (to a side node), back (from it)


class _Graph:
    def __init__(self):
        self.nodes: list[Node] = []
        self.flows: list[Flow] = []
        self.column = 0
        self.pending_name = ""  # the label of the next flow out of the last gateway ("Có", "Đạt")

    def main(self, node_id: str, kind: str, name: str, **extra) -> Node:
        """A node on the main line, one column to the right of the previous one."""
        node = Node(node_id, kind, name, x=80 + self.column * COLUMN, y=MAIN_Y, **extra)
        self.column += 1
        self.nodes.append(node)
        return node

    def side(self, below: Node, node_id: str, kind: str, name: str, **extra) -> Node:
        node = Node(node_id, kind, name, x=below.x, y=SIDE_Y, **extra)
        self.nodes.append(node)
        return node

    def connect(self, source: Node, target: Node, name: str = "", route: str = "straight") -> Flow:
        flow = Flow(f"Flow_{len(self.flows) + 1}", source, target, name, route)
        source.outgoing.append(flow.id)
        target.incoming.append(flow.id)
        self.flows.append(flow)
        return flow

    def follow(self, previous: Node, target: Node) -> Flow:
        """The main line goes on from `previous` (a gateway's "yes" when one is pending)."""
        flow = self.connect(previous, target, self.pending_name)
        self.pending_name = ""
        return flow


def spec_bpmn(spec: ProcedureSpec, *, process_name: str, level_names: dict[str, str] | None = None) -> str:
    """The BPMN 2.0 XML of a spec (a UTF-8 string with its XML declaration)."""
    graph = _process_graph(spec, level_names or {})
    root = ET.Element(
        _q(BPMN, "definitions"),
        {
            "id": "Definitions_kheo",
            "targetNamespace": TARGET_NAMESPACE,
            "exporter": EXPORTER,
            "exporterVersion": "1",
        },
    )
    process_attributes = {"id": "Process_kheo", "name": process_name, "isExecutable": "false"}
    process = ET.SubElement(root, _q(BPMN, "process"), process_attributes)
    for node in graph.nodes:
        _node_element(process, node)
    for flow in graph.flows:
        attributes = {"id": flow.id, "sourceRef": flow.source.id, "targetRef": flow.target.id}
        if flow.name:
            attributes["name"] = flow.name
        ET.SubElement(process, _q(BPMN, "sequenceFlow"), attributes)
    _diagram(root, graph)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _node_element(process: ET.Element, node: Node) -> None:
    element = ET.SubElement(process, _q(BPMN, node.kind), {"id": node.id, **({"name": node.name} if node.name else {})})
    if node.documentation:
        ET.SubElement(element, _q(BPMN, "documentation")).text = node.documentation
    for flow_id in node.incoming:
        ET.SubElement(element, _q(BPMN, "incoming")).text = flow_id
    for flow_id in node.outgoing:
        ET.SubElement(element, _q(BPMN, "outgoing")).text = flow_id
    if node.multi_instance:
        ET.SubElement(element, _q(BPMN, "multiInstanceLoopCharacteristics"), {"isSequential": "false"})


# --- the process ---------------------------------------------------------------------------


def _performer_text(role: str, unit: str, days: int, level_names: dict) -> str:
    unit_text = performer_unit_label(unit, level_names)
    return _("Người thực hiện: %(role)s, %(unit)s. Thời hạn: %(days)s ngày làm việc.") % {
        "role": role_label(role),
        "unit": unit_text,
        "days": days,
    }


def _stage_task(graph: _Graph, spec: ProcedureSpec, name: str, previous: Node, level_names: dict, **extra) -> Node:
    stage = spec.stages[name]
    documentation = _performer_text(stage.performer_role, stage.performer_unit, stage.sla_working_days, level_names)
    task = graph.main(f"Task_{name}", "userTask", stage_label(name), documentation=documentation, **extra)
    graph.follow(previous, task)
    return task


def _merge(graph: _Graph, name: str, previous: Node) -> Node:
    """The point flows come back to before a stage (BPMN joins alternatives with a gateway, not on a task)."""
    merge = graph.main(f"Gateway_{name}_again", "exclusiveGateway", "")
    graph.follow(previous, merge)
    return merge


def _reject(graph: _Graph, gateway: Node, label: str) -> None:
    """A "no" of a decision ends the case, not recognised, below the gateway."""
    end = graph.side(gateway, f"EndEvent_{gateway.id}_no", "endEvent", _("Không công nhận"))
    graph.connect(gateway, end, label, route="down")


def _node_id(prefix: str, key: str, used: set) -> str:
    candidate = f"{prefix}_{re.sub(r'[^A-Za-z0-9_.-]', '_', key)}"
    while candidate in used:
        candidate += "_"
    used.add(candidate)
    return candidate


def _approval_steps(
    graph: _Graph, spec: ProcedureSpec, anchor: str, previous: Node, back_to: Node, level_names, used
) -> Node:
    """The additional steps after `anchor`: each approves (on), returns (to the anchor again) or rejects."""
    for step in spec.approval_steps_after(anchor):
        documentation = _performer_text(step.performer_role, step.performer_unit, step.sla_working_days, level_names)
        task = graph.main(_node_id("Step", step.key, used), "userTask", step.title, documentation=documentation)
        graph.follow(previous, task)
        gateway = graph.main(
            _node_id("Gateway_step", step.key, used),
            "exclusiveGateway",
            _("Kết quả “%(title)s”?") % {"title": step.title},
        )
        graph.connect(task, gateway)
        graph.connect(gateway, back_to, _("Trả lại"), route="loop")
        _reject(graph, gateway, _("Không chấp thuận"))
        previous = gateway
        graph.pending_name = _("Chấp thuận")
    return previous


def _process_graph(spec: ProcedureSpec, level_names: dict) -> _Graph:
    graph = _Graph()
    used: set[str] = set()

    start = graph.main("StartEvent_register", "startEvent", _("Đăng ký mô hình"))
    check_again = _merge(graph, "check_dossier", start)
    check = _stage_task(graph, spec, "check_dossier", check_again, level_names)
    accepted = graph.main("Gateway_dossier_accepted", "exclusiveGateway", _("Hồ sơ hợp lệ?"))
    graph.connect(check, accepted)
    revise_stage = spec.stages["revise"]
    revise = graph.side(
        accepted,
        "Task_revise",
        "userTask",
        stage_label("revise"),
        documentation=_performer_text(
            revise_stage.performer_role, revise_stage.performer_unit, revise_stage.sla_working_days, level_names
        ),
    )
    graph.connect(accepted, revise, _("Không, trả lại"), route="down")
    graph.connect(revise, check_again, route="back")
    graph.pending_name = _("Có")
    previous = _approval_steps(graph, spec, "check_dossier", accepted, check_again, level_names, used)

    if spec.is_enabled("survey"):
        if spec.approval_steps_after("survey"):
            previous = _merge(graph, "survey", previous)
        survey_entry = previous
        survey = _stage_task(graph, spec, "survey", previous, level_names)
        previous = survey
        if spec.survey_not_recommended == SurveyNotRecommended.END_CASE:
            question = _("Khảo sát kiến nghị công nhận?")
            recommended = graph.main("Gateway_survey_recommended", "exclusiveGateway", question)
            graph.connect(survey, recommended)
            _reject(graph, recommended, _("Không kiến nghị"))
            previous = recommended
            graph.pending_name = _("Có")
        previous = _approval_steps(graph, spec, "survey", previous, survey_entry, level_names, used)

    # One scoring task per council seat, all at once; the tally waits for every sheet.
    if spec.approval_steps_after("evaluate"):
        previous = _merge(graph, "evaluate", previous)
    evaluate_entry = previous
    evaluate = _stage_task(graph, spec, "evaluate", previous, level_names, multi_instance=True)
    tally = graph.main("Task_tally", "serviceTask", _("Tổng hợp điểm"))
    graph.connect(evaluate, tally)
    passed = graph.main("Gateway_evaluation_passed", "exclusiveGateway", _("Đạt ngưỡng công nhận?"))
    graph.connect(tally, passed)
    _reject(graph, passed, _("Không đạt"))
    graph.pending_name = _("Đạt")
    previous = _approval_steps(graph, spec, "evaluate", passed, evaluate_entry, level_names, used)

    recognise = _stage_task(graph, spec, "recognise", previous, level_names)
    replicate_again = _merge(graph, "replicate", recognise)
    replicate = _stage_task(graph, spec, "replicate", replicate_again, level_names)
    closed = graph.main("Gateway_replication_closed", "exclusiveGateway", _("Kết thúc nhân rộng?"))
    graph.connect(replicate, closed)
    graph.connect(closed, replicate_again, _("Chưa, theo dõi tiếp"), route="loop")
    end = graph.main("EndEvent_done", "endEvent", _("Hoàn thành"))
    graph.connect(closed, end, _("Có"))
    return graph


# --- the diagram ---------------------------------------------------------------------------


def _diagram(root: ET.Element, graph: _Graph) -> None:
    diagram = ET.SubElement(root, _q(BPMNDI, "BPMNDiagram"), {"id": "BPMNDiagram_kheo"})
    plane = ET.SubElement(diagram, _q(BPMNDI, "BPMNPlane"), {"id": "BPMNPlane_kheo", "bpmnElement": "Process_kheo"})
    for node in graph.nodes:
        attributes = {"id": f"{node.id}_di", "bpmnElement": node.id}
        if node.kind == "exclusiveGateway":
            attributes["isMarkerVisible"] = "true"
        shape = ET.SubElement(plane, _q(BPMNDI, "BPMNShape"), attributes)
        x, y, width, height = node.bounds
        ET.SubElement(shape, _q(DC, "Bounds"), {"x": str(x), "y": str(y), "width": str(width), "height": str(height)})
    for loop_index, flow in enumerate(graph.flows):
        edge = ET.SubElement(plane, _q(BPMNDI, "BPMNEdge"), {"id": f"{flow.id}_di", "bpmnElement": flow.id})
        for x, y in _waypoints(flow, loop_index):
            ET.SubElement(edge, _q(DI, "waypoint"), {"x": str(x), "y": str(y)})


def _waypoints(flow: Flow, index: int) -> list[tuple[int, int]]:
    source, target = flow.source, flow.target
    source_width, source_height = source.size
    target_width, target_height = target.size
    if flow.route == "loop":
        top = LOOP_Y - (index % 4) * 10  # loops that overlap are told apart by their height
        return [
            (source.x, source.y - source_height // 2),
            (source.x, top),
            (target.x, top),
            (target.x, target.y - target_height // 2),
        ]
    if flow.route == "down":
        return [(source.x, source.y + source_height // 2), (target.x, target.y - target_height // 2)]
    if flow.route == "back":
        return [
            (source.x - source_width // 2, source.y),
            (target.x, source.y),
            (target.x, target.y + target_height // 2),
        ]
    return [(source.x + source_width // 2, source.y), (target.x - target_width // 2, target.y)]
