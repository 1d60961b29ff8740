"""The designer's API: the page's operations with the same scope and permission rules."""

import pytest
from rest_framework.test import APIClient

from procedures.models import ProcedureDefinition, ProcedureVersion
from procedures.services import definition_create, national_version_ensure
from recognition.models import AuditAction, AuditEvent
from recognition.roles import Role
from tests.factories import user_with_role
from tests.workflows.api_support import api_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/procedures"


@pytest.fixture
def province_draft(world):
    national_version_ensure()
    return definition_create(unit=world.province, author=world.admin)


def test_definitions_list_the_scope_with_versions(world, province_draft):
    national = ProcedureVersion.objects.get(definition__owner_unit=None)
    response = api_for(world.admin).get(f"{BASE}/definitions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert (rows[national.definition_id]["can_change"], rows[province_draft.definition_id]["can_change"]) == (
        False,
        True,
    )
    assert [(v["number"], v["status"]) for v in rows[province_draft.definition_id]["versions"]] == [(1, "draft")]
    assert rows[province_draft.definition_id]["owner_unit_name"] == "Thành ủy Cần Thơ"


def test_reading_a_version_gives_its_spec(world, province_draft):
    body = api_for(world.admin).get(f"{BASE}/versions/{province_draft.pk}/").json()
    assert (body["id"], body["number"], body["status"], body["status_label"]) == (
        province_draft.pk,
        1,
        "draft",
        "Bản nháp",
    )
    assert body["spec"] == province_draft.spec


def test_creating_the_own_definition_and_a_draft(world):
    national_version_ensure()
    client = api_for(world.admin)
    response = client.post(f"{BASE}/definitions/own/")
    assert (response.status_code, response.json()["number"], response.json()["status"]) == (201, 1, "draft")
    definition = ProcedureDefinition.objects.get(owner_unit=world.province)
    # A second draft while one is open: refused.
    response = client.post(f"{BASE}/definitions/{definition.pk}/drafts/")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Quy trình này đang có bản nháp (phiên bản 1): sửa bản nháp đó."]
    }
    assert client.post(f"{BASE}/definitions/own/").json()["errors"] == {
        "non_field_errors": ["Đơn vị này đã có quy trình riêng."]
    }


def test_updating_a_draft_and_the_parse_problems_as_a_field_map(world, province_draft):
    client = api_for(world.admin)
    spec = {**province_draft.spec, "min_attachments": 3}
    spec["stages"] = {**spec["stages"], "survey": {**spec["stages"]["survey"], "sla_working_days": 6}}
    response = client.put(f"{BASE}/versions/{province_draft.pk}/spec/", spec, format="json")
    assert response.status_code == 200
    saved = response.json()["spec"]
    assert (saved["min_attachments"], saved["stages"]["survey"]["sla_working_days"]) == (3, 6)
    broken = {**spec, "min_attachments": "ba"}
    broken["evaluation"] = {key: value for key, value in spec["evaluation"].items() if key != "aggregation"}
    response = client.put(f"{BASE}/versions/{province_draft.pk}/spec/", broken, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "errors": {
            "spec": [
                "Thiếu mục “aggregation” ở phần đánh giá.",
                "“min_attachments” ở quy trình phải là số nguyên.",
            ]
        },
    }
    province_draft.refresh_from_db()
    assert province_draft.spec["min_attachments"] == 3


def test_validate_lists_problems_with_where(world, province_draft):
    client = api_for(world.admin)
    assert client.post(f"{BASE}/versions/{province_draft.pk}/validate/").json() == {"valid": True, "problems": []}
    spec = {**province_draft.spec, "evaluation": {**province_draft.spec["evaluation"], "pass_threshold": "95"}}
    client.put(f"{BASE}/versions/{province_draft.pk}/spec/", spec, format="json")
    assert client.post(f"{BASE}/versions/{province_draft.pk}/validate/").json() == {
        "valid": False,
        "problems": [
            {
                "where": "evaluation.pass_threshold",
                "message": "Ngưỡng công nhận (95) không được cao hơn ngưỡng tiêu biểu (90).",
            }
        ],
    }


def test_publish_needs_a_reason_and_a_valid_draft(world, province_draft):
    client = api_for(world.admin)
    url = f"{BASE}/versions/{province_draft.pk}/publish/"
    response = client.post(url, {"reason": " "}, format="json")
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"reason": ["Phải ghi rõ lý do ban hành phiên bản này."]},
    )
    spec = {**province_draft.spec, "evaluation": {**province_draft.spec["evaluation"], "pass_threshold": "95"}}
    client.put(f"{BASE}/versions/{province_draft.pk}/spec/", spec, format="json")
    response = client.post(url, {"reason": "Theo hướng dẫn mới."}, format="json")
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"evaluation.pass_threshold": ["Ngưỡng công nhận (95) không được cao hơn ngưỡng tiêu biểu (90)."]},
    )
    province_draft.refresh_from_db()
    assert province_draft.status == "draft"

    valid = {**spec, "evaluation": {**spec["evaluation"], "pass_threshold": "70"}}
    client.put(f"{BASE}/versions/{province_draft.pk}/spec/", valid, format="json")
    response = client.post(url, {"reason": "Theo hướng dẫn mới."}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["publish_reason"]) == (
        200,
        "published",
        "Theo hướng dẫn mới.",
    )
    assert AuditEvent.objects.filter(action=AuditAction.PROCEDURE_PUBLISHED, actor=world.admin).count() == 1
    # Published: no more edits.
    response = client.put(f"{BASE}/versions/{province_draft.pk}/spec/", spec, format="json")
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"non_field_errors": ["Chỉ sửa được bản nháp; phiên bản đã ban hành không thay đổi."]},
    )


def test_diff_against_the_published_version(world, province_draft):
    client = api_for(world.admin)
    spec = {**province_draft.spec, "min_attachments": 2}
    client.put(f"{BASE}/versions/{province_draft.pk}/spec/", spec, format="json")
    body = client.get(f"{BASE}/versions/{province_draft.pk}/diff/").json()
    national = ProcedureVersion.objects.get(definition__owner_unit=None)
    assert (body["base"]["id"], body["base"]["status"]) == (national.pk, "published")
    assert body["changes"] == [
        {"path": "min_attachments", "label": "Số tệp đính kèm tối thiểu", "before": "0", "after": "2"}
    ]


def test_users_without_the_permission_get_403_everywhere(world, province_draft):
    client = api_for(world.standing_body)
    calls = [
        ("get", f"{BASE}/definitions/"),
        ("post", f"{BASE}/definitions/own/"),
        ("post", f"{BASE}/definitions/{province_draft.definition_id}/drafts/"),
        ("get", f"{BASE}/versions/{province_draft.pk}/"),
        ("put", f"{BASE}/versions/{province_draft.pk}/spec/"),
        ("post", f"{BASE}/versions/{province_draft.pk}/validate/"),
        ("post", f"{BASE}/versions/{province_draft.pk}/publish/"),
        ("get", f"{BASE}/versions/{province_draft.pk}/diff/"),
    ]
    for method, url in calls:
        response = getattr(client, method)(url, {"reason": "x"} if method != "get" else None, format="json")
        assert (response.status_code, response.json()["detail"]) == (
            403,
            "Chỉ quản trị quy trình được thiết kế quy trình.",
        ), url
    province_draft.refresh_from_db()
    assert (province_draft.status, ProcedureVersion.objects.count()) == ("draft", 2)


def test_scope_read_only_above_and_403_outside(world, province_draft):
    national = ProcedureVersion.objects.get(definition__owner_unit=None)
    commune_admin = user_with_role(role=Role.ADMIN, unit=world.commune, username="quantri_phuong")
    sibling_admin = user_with_role(role=Role.ADMIN, unit=world.other_commune, username="quantri_xa")
    commune_draft = definition_create(unit=world.commune, author=commune_admin)

    province = api_for(world.admin)
    assert province.post(f"{BASE}/definitions/{national.definition_id}/drafts/").status_code == 403
    assert province.post(f"{BASE}/versions/{commune_draft.pk}/validate/").status_code == 200  # a unit below

    commune = api_for(commune_admin)
    assert commune.get(f"{BASE}/versions/{province_draft.pk}/").status_code == 200  # above: read
    response = commune.put(f"{BASE}/versions/{province_draft.pk}/spec/", province_draft.spec, format="json")
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Bạn chỉ được xem quy trình này: chỉ đơn vị sở hữu (hoặc đơn vị cấp trên) được sửa và ban hành.",
    )
    response = commune.post(f"{BASE}/versions/{province_draft.pk}/publish/", {"reason": "x"}, format="json")
    assert response.status_code == 403

    sibling = api_for(sibling_admin)
    response = sibling.get(f"{BASE}/versions/{commune_draft.pk}/")
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "Quy trình này không thuộc phạm vi đơn vị của bạn.",
    )
    listed = {row["id"] for row in sibling.get(f"{BASE}/definitions/").json()["results"]}
    assert listed == {national.definition_id, province_draft.definition_id}
    assert sibling.get(f"{BASE}/versions/999999/").status_code == 404


def test_anonymous_gets_401(world, province_draft):
    assert APIClient().get(f"{BASE}/definitions/").status_code == 401


def test_export_in_each_format_and_import_into_another_definition(world, province_draft):
    client = api_for(world.admin)
    national = ProcedureVersion.objects.get(definition__owner_unit=None)
    response = client.get(f"{BASE}/versions/{national.pk}/export/json/")
    assert (response.status_code, response["Content-Type"]) == (200, "application/json; charset=utf-8")
    assert response["Content-Disposition"] == (
        f'attachment; filename="quy-trinh-{national.definition_id}-phien-ban-1.json"'
    )
    document = response.json()
    assert document["spec"] == national.spec
    bpmn = client.get(f"{BASE}/versions/{national.pk}/export/bpmn/")
    assert (bpmn.status_code, bpmn["Content-Type"]) == (200, "application/xml; charset=utf-8")
    assert bpmn.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions ')
    svg = client.get(f"{BASE}/versions/{national.pk}/export/svg/")
    assert (svg.status_code, svg["Content-Type"]) == (200, "image/svg+xml; charset=utf-8")
    assert svg.content.decode().startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert client.get(f"{BASE}/versions/{national.pk}/export/pdf/").status_code == 404

    # Imported into the province's definition: a new draft with the same spec.
    response = client.post(f"{BASE}/definitions/{province_draft.definition_id}/import/", document, format="json")
    assert (response.status_code, response.json()["number"], response.json()["spec"]) == (201, 2, national.spec)


def test_an_import_naming_what_does_not_exist_is_refused_whole(world, province_draft):
    client = api_for(world.admin)
    national = ProcedureVersion.objects.get(definition__owner_unit=None)
    document = client.get(f"{BASE}/versions/{national.pk}/export/json/").json()
    document["spec"]["stages"]["survey"]["performer_role"] = "khong_co"
    response = client.post(f"{BASE}/definitions/{province_draft.definition_id}/import/", document, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["document"] == [
        "Vai trò thực hiện “khong_co” ở bước “Khảo sát thực tế” không tồn tại trong hệ thống."
    ]
    assert province_draft.definition.versions.count() == 1
    # Importing into the national definition is not the province admin's to do.
    response = client.post(f"{BASE}/definitions/{national.definition_id}/import/", document, format="json")
    assert response.status_code == 403
    assert api_for(world.standing_body).get(f"{BASE}/versions/{national.pk}/export/json/").status_code == 403
