"""The BPMN 2.0 export: valid against the OMG schema, every enabled stage a user task, a shape for every node."""

from dataclasses import replace
from importlib.resources import files

import pytest
from lxml import etree

from procedures.bpmn import spec_bpmn
from procedures.defaults import spec_from_settings
from procedures.spec import ApprovalStepSpec, SurveyNotRecommended

pytestmark = pytest.mark.django_db

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
# The OMG schema files as SpiffWorkflow ships them (BPMN20.xsd includes Semantic.xsd and BPMNDI.xsd).
SCHEMA = etree.XMLSchema(file=str(files("SpiffWorkflow.bpmn.parser") / "schema" / "BPMN20.xsd"))
FLOW_NODES = ("startEvent", "endEvent", "userTask", "serviceTask", "exclusiveGateway")


def steps() -> tuple[ApprovalStepSpec, ...]:
    return (
        ApprovalStepSpec(
            key="mat-tran",
            title="Thẩm định của Mặt trận",
            after="survey",
            performer_role="standing_body",
            performer_unit="province",
            sla_working_days=3,
        ),
        ApprovalStepSpec(
            key="phap_che",
            title="Ý kiến pháp chế",
            after="evaluate",
            performer_role="chair",
            performer_unit="organiser",
            sla_working_days=2,
        ),
    )


def parsed(spec) -> etree._Element:
    xml = spec_bpmn(spec, process_name="Quy trình thử", level_names={"province": "Cấp tỉnh"})
    root = etree.fromstring(xml.encode())
    SCHEMA.assertValid(root)
    return root


def names(root, kind: str) -> list[str]:
    return [element.get("name") for element in root.iterfind(f"bpmn:process/bpmn:{kind}", NS)]


def test_the_export_is_valid_bpmn_20(world):
    root = parsed(replace(spec_from_settings(), approval_steps=steps()))
    assert root.tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
    assert root.nsmap == {
        "bpmn": NS["bpmn"],
        "bpmndi": NS["bpmndi"],
        "dc": NS["dc"],
        "di": NS["di"],
    }
    (process,) = root.findall("bpmn:process", NS)
    assert (process.get("id"), process.get("name")) == ("Process_kheo", "Quy trình thử")


def test_every_enabled_stage_and_additional_step_is_a_user_task_in_order(world):
    root = parsed(replace(spec_from_settings(), approval_steps=steps()))
    assert names(root, "userTask") == [
        "Kiểm tra hồ sơ",
        "Bổ sung hồ sơ",
        "Khảo sát thực tế",
        "Thẩm định của Mặt trận",
        "Chấm điểm",
        "Ý kiến pháp chế",
        "Ký quyết định công nhận",
        "Theo dõi nhân rộng",
    ]


def test_a_disabled_stage_is_left_out_and_the_flow_goes_past_it(world):
    spec = spec_from_settings()
    spec = replace(spec, stages={**spec.stages, "survey": replace(spec.stages["survey"], enabled=False)})
    root = parsed(spec)
    assert "Khảo sát thực tế" not in names(root, "userTask")
    flows = {
        (flow.get("sourceRef"), flow.get("targetRef"), flow.get("name"))
        for flow in root.iter(f"{{{NS['bpmn']}}}sequenceFlow")
    }
    assert ("Gateway_dossier_accepted", "Task_evaluate", "Có") in flows


def test_the_gateways_of_the_backbone(world):
    root = parsed(replace(spec_from_settings(), approval_steps=steps()))
    assert names(root, "exclusiveGateway") == [
        None,  # flows come back to the dossier check here
        "Hồ sơ hợp lệ?",
        None,
        "Kết quả “Thẩm định của Mặt trận”?",
        None,
        "Đạt ngưỡng công nhận?",
        "Kết quả “Ý kiến pháp chế”?",
        None,
        "Kết thúc nhân rộng?",
    ]
    assert names(root, "parallelGateway") == []
    (evaluate,) = root.findall("bpmn:process/bpmn:userTask[@id='Task_evaluate']", NS)
    assert evaluate.find("bpmn:multiInstanceLoopCharacteristics", NS).get("isSequential") == "false"
    assert names(root, "startEvent") == ["Đăng ký mô hình"]
    assert names(root, "endEvent") == ["Không công nhận"] * 3 + ["Hoàn thành"]


def test_a_survey_that_ends_the_case_adds_its_decision(world):
    spec = replace(spec_from_settings(), survey_not_recommended=SurveyNotRecommended.END_CASE)
    root = parsed(spec)
    assert "Khảo sát kiến nghị công nhận?" in names(root, "exclusiveGateway")
    flows = {
        (flow.get("sourceRef"), flow.get("targetRef"), flow.get("name"))
        for flow in root.iter(f"{{{NS['bpmn']}}}sequenceFlow")
    }
    assert ("Gateway_survey_recommended", "EndEvent_Gateway_survey_recommended_no", "Không kiến nghị") in flows


def test_an_additional_step_approves_returns_or_rejects(world):
    root = parsed(replace(spec_from_settings(), approval_steps=steps()))
    outcomes = sorted(
        (flow.get("name"), flow.get("targetRef"))
        for flow in root.iter(f"{{{NS['bpmn']}}}sequenceFlow")
        if flow.get("sourceRef") == "Gateway_step_mat-tran"
    )
    assert outcomes == [
        ("Chấp thuận", "Gateway_evaluate_again"),
        ("Không chấp thuận", "EndEvent_Gateway_step_mat-tran_no"),
        ("Trả lại", "Gateway_survey_again"),
    ]


def test_the_performer_and_the_time_limit_are_documented(world):
    root = parsed(replace(spec_from_settings(), approval_steps=steps()))
    documentation = {
        task.get("name"): task.findtext("bpmn:documentation", namespaces=NS)
        for task in root.iterfind("bpmn:process/bpmn:userTask", NS)
    }
    assert documentation["Khảo sát thực tế"] == (
        "Người thực hiện: Tổ khảo sát, đơn vị tổ chức. Thời hạn: 12 ngày làm việc."
    )
    assert documentation["Thẩm định của Mặt trận"] == (
        "Người thực hiện: Cơ quan thường trực, cấp tỉnh. Thời hạn: 3 ngày làm việc."
    )


def test_every_flow_resolves_and_every_node_and_flow_is_drawn(world):
    root = parsed(replace(spec_from_settings(), approval_steps=steps()))
    process = root.find("bpmn:process", NS)
    nodes = {element.get("id"): element for kind in FLOW_NODES for element in process.iterfind(f"bpmn:{kind}", NS)}
    flows = process.findall("bpmn:sequenceFlow", NS)
    for flow in flows:
        assert flow.get("sourceRef") in nodes and flow.get("targetRef") in nodes
        assert flow.get("id") in [ref.text for ref in nodes[flow.get("sourceRef")].iterfind("bpmn:outgoing", NS)]
        assert flow.get("id") in [ref.text for ref in nodes[flow.get("targetRef")].iterfind("bpmn:incoming", NS)]
    for node_id, node in nodes.items():
        if node.tag.endswith("startEvent"):
            assert node.findall("bpmn:incoming", NS) == []
        else:
            assert node.findall("bpmn:incoming", NS), node_id  # every node is reached
        if not node.tag.endswith("endEvent"):
            assert node.findall("bpmn:outgoing", NS), node_id  # and leads on
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == "Process_kheo"
    shapes = {shape.get("bpmnElement"): shape for shape in plane.iterfind("bpmndi:BPMNShape", NS)}
    edges = {edge.get("bpmnElement"): edge for edge in plane.iterfind("bpmndi:BPMNEdge", NS)}
    assert set(shapes) == set(nodes)
    assert set(edges) == {flow.get("id") for flow in flows}
    for shape in shapes.values():
        bounds = shape.find("dc:Bounds", NS)
        assert int(bounds.get("width")) > 0 and int(bounds.get("height")) > 0
    for edge in edges.values():
        assert len(edge.findall("di:waypoint", NS)) >= 2
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
