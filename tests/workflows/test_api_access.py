"""Who may see and act on what through the API: scoped by unit, refused without a trace."""

import pytest

from recognition.models import AuditEvent, MovementModel, UnitKind
from recognition.roles import Role
from tests.conftest import dossier_data
from tests.factories import unit_create, user_with_role
from tests.workflows.api_support import (
    INBOX,
    QUEUE,
    REGISTRATIONS,
    act,
    api_for,
    claim,
    find_task,
    flow_state,
    listed_tasks,
    process_url,
    register,
    task_url,
)
from workflows.models import RecognitionTask

pytestmark = pytest.mark.django_db


def _check_dossier_task(world, model_id: int) -> RecognitionTask:
    return RecognitionTask.objects.get(
        process__movement_model_id=model_id, flow_task_type="HUMAN", finished__isnull=True
    )


def test_user_of_another_commune_sees_nothing_and_can_do_nothing(world):
    model = register(world)
    task = _check_dossier_task(world, model["id"])
    outsider = api_for(world.other_submitter)
    before = flow_state(model["id"])

    hidden = outsider.get(process_url(model["process"]))
    assert hidden.status_code == 404
    # Outside the scope answers exactly like a record that does not exist.
    assert hidden.json() == outsider.get(process_url(model["process"] + 1000)).json()
    assert hidden.json() == {"detail": "Không tìm thấy, hoặc không thuộc phạm vi đơn vị của bạn."}
    assert outsider.get(f"{REGISTRATIONS}{model['id']}/").status_code == 404
    assert outsider.get(task_url(task.pk)).status_code == 404
    for action in ("claim", "release", "complete"):
        response = outsider.post(task_url(task.pk, action), {"decision": "accept"}, format="json")
        assert response.status_code == 404, action
    assert outsider.get(REGISTRATIONS).json()["count"] == 0
    assert outsider.get(QUEUE).json()["count"] == 0
    assert outsider.get(INBOX).json()["count"] == 0
    assert flow_state(model["id"]) == before


def test_standing_body_of_another_province_gets_404_and_an_empty_queue(world):
    other_province = unit_create(name="Tỉnh ủy Hậu Giang", level_code="province")
    stranger = user_with_role(role=Role.STANDING_BODY, unit=other_province, username="thuongtruc_hg")
    model = register(world)
    task = _check_dossier_task(world, model["id"])
    before = flow_state(model["id"])

    client = api_for(stranger)
    assert client.get(QUEUE).json() == {"count": 0, "count_exact": True, "next": None, "previous": None, "results": []}
    assert client.post(task_url(task.pk, "claim")).status_code == 404
    assert client.get(process_url(model["process"])).status_code == 404
    assert flow_state(model["id"]) == before
    # The province's own standing body does see it.
    assert find_task(api_for(world.standing_body), QUEUE, model_id=model["id"], node="check_dossier")["id"] == task.pk


@pytest.mark.parametrize("who", ["survey_team", "chair", "submitter", "commune_standing_body"])
def test_claim_by_wrong_role_or_unit_is_403_and_changes_nothing(world, who):
    model = register(world)
    task = _check_dossier_task(world, model["id"])
    user = getattr(world, who)
    before = flow_state(model["id"])

    response = api_for(user).post(task_url(task.pk, "claim"))

    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền nhận nhiệm vụ này."}
    assert flow_state(model["id"]) == before
    assert find_task(api_for(user), QUEUE, model_id=model["id"], node="check_dossier") is None


def test_process_detail_visible_up_the_unit_tree(world):
    model = register(world)
    for user in (world.submitter, world.commune_standing_body, world.standing_body, world.auditor):
        response = api_for(user).get(process_url(model["process"]))
        assert response.status_code == 200, user.username
        assert response.json()["model"]["id"] == model["id"]


def test_claim_release_and_claim_again(world):
    model = register(world)
    task = _check_dossier_task(world, model["id"])
    client = api_for(world.standing_body)

    claimed = claim(world.standing_body, model_id=model["id"], node="check_dossier")
    assert (claimed["status"], claimed["owner"]["username"]) == ("ASSIGNED", "thuongtruc")
    assert [t["id"] for t in listed_tasks(client, INBOX)] == [task.pk]
    assert listed_tasks(client, QUEUE) == []

    second_standing_body = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")
    taken = api_for(second_standing_body).post(task_url(task.pk, "claim"))
    assert taken.status_code == 409
    assert taken.json() == {"detail": "Nhiệm vụ đã có người nhận hoặc đã được xử lý."}
    not_theirs = api_for(second_standing_body).post(task_url(task.pk, "release"))
    assert not_theirs.status_code == 403
    assert AuditEvent.objects.filter(task_id=task.pk, action="task_released").count() == 0

    released = client.post(task_url(task.pk, "release"))
    assert released.status_code == 200
    assert (released.json()["status"], released.json()["owner"]) == ("NEW", None)
    assert AuditEvent.objects.filter(task_id=task.pk, action="task_released").count() == 1
    assert client.post(task_url(task.pk, "release")).status_code == 409

    reclaimed = api_for(second_standing_body).post(task_url(task.pk, "claim"))
    assert reclaimed.json()["owner"]["username"] == "thuongtruc2"


def test_inbox_and_queue_list_exact_tasks(world):
    first = register(world, name="Hũ gạo tình thương")
    second = register(world, name="Thắp sáng đường quê")
    client = api_for(world.standing_body)

    queue = client.get(QUEUE).json()
    assert queue["count"] == 2
    assert [(t["node"], t["title"], t["model"]["name"], t["unit"]["name"], t["status"]) for t in queue["results"]] == [
        ("check_dossier", "Kiểm tra hồ sơ", "Hũ gạo tình thương", "Thành ủy Cần Thơ", "NEW"),
        ("check_dossier", "Kiểm tra hồ sơ", "Thắp sáng đường quê", "Thành ủy Cần Thơ", "NEW"),
    ]
    assert queue["results"][0]["process"] == first["process"]
    claim(world.standing_body, model_id=second["id"], node="check_dossier")
    assert [t["model"]["id"] for t in listed_tasks(client, INBOX)] == [second["id"]]
    assert [t["model"]["id"] for t in listed_tasks(client, QUEUE)] == [first["id"]]
    # The submitter's unit has nothing to do yet.
    assert api_for(world.submitter).get(QUEUE).json()["count"] == 0


def test_queue_query_count_does_not_grow_with_tasks(world, django_assert_max_num_queries):
    register(world)
    client = api_for(world.standing_body)
    with django_assert_max_num_queries(8) as one:
        client.get(QUEUE)
    queries_for_one_task = len(one.captured_queries)
    for index in range(5):
        register(world, name=f"Mô hình {index}")
    with django_assert_max_num_queries(queries_for_one_task):
        assert client.get(QUEUE).json()["count"] == 6


def test_registrations_list_is_scoped_and_filtered(world):
    hu_gao = register(world)
    economy = world.field.__class__.objects.get(code="kinh-te")
    nam = register(world, name="Trồng nấm linh chi", field=str(economy.pk))
    act(world.standing_body, model_id=hu_gao["id"], node="check_dossier", data={"decision": "accept"})
    other_unit_model = api_for(world.other_submitter).post(
        REGISTRATIONS, {**dossier_data(world), "name": "Nuôi cá lồng"}, format="json"
    )
    assert other_unit_model.status_code == 201

    def names(user, query=""):
        body = api_for(user).get(f"{REGISTRATIONS}{query}").json()
        return sorted(item["name"] for item in body["results"])

    assert names(world.submitter) == ["Hũ gạo tình thương", "Trồng nấm linh chi"]
    assert names(world.other_submitter) == ["Nuôi cá lồng"]
    assert names(world.standing_body) == ["Hũ gạo tình thương", "Nuôi cá lồng", "Trồng nấm linh chi"]
    assert names(world.standing_body, "?stage=survey") == ["Hũ gạo tình thương"]
    assert names(world.standing_body, f"?field={economy.pk}") == ["Trồng nấm linh chi"]
    assert names(world.standing_body, f"?campaign={world.campaign.pk}&stage=registered") == [
        "Nuôi cá lồng",
        "Trồng nấm linh chi",
    ]
    invalid = api_for(world.standing_body).get(f"{REGISTRATIONS}?stage=unknown")
    assert invalid.status_code == 400
    assert list(invalid.json()["errors"]) == ["stage"]
    listed = api_for(world.submitter).get(f"{REGISTRATIONS}?field={economy.pk}").json()["results"][0]
    assert listed["field"] == {"id": economy.pk, "code": "kinh-te", "name": economy.name}
    assert listed["process"] == nam["process"]


def test_registration_needs_the_register_permission(world):
    # (A standing body may register on a unit's behalf since issue 11: the survey team may not register at all.)
    response = api_for(world.survey_team).post(REGISTRATIONS, dossier_data(world), format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền đăng ký mô hình cho đơn vị."}
    assert MovementModel.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_sibling_unit_sees_nothing(world):
    """A user attached to a sibling unit of the same commune sees nothing of the neighbour's models."""
    sibling = unit_create(
        name="Đoàn Thanh niên phường Ninh Kiều", parent=world.commune, kind=UnitKind.MASS_ORGANISATION
    )
    neighbour = user_with_role(role=Role.UNIT_SUBMITTER, unit=sibling, username="doanthanhnien")
    model = register(world)
    assert api_for(neighbour).get(process_url(model["process"])).status_code == 404
    assert api_for(neighbour).get(REGISTRATIONS).json()["count"] == 0
