"""Every path of the recognition flow, driven through the REST API only."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from recognition.models import AuditEvent, DossierReview, ModelStage, Replication
from tests.conftest import dossier_data
from tests.workflows.api_support import (
    INBOX,
    QUEUE,
    REGISTRATIONS,
    act,
    api_for,
    find_task,
    process_url,
    register,
    scores,
    task_url,
    today_iso,
)

pytestmark = pytest.mark.django_db


def _human_steps(process: dict) -> list[tuple[str, str, str | None]]:
    return [
        (step["node"], step["status"], step["owner"]["username"] if step["owner"] else None)
        for step in process["tasks"]
        if step["type"] == "HUMAN"
    ]


def _survey_and_score(world, model_id: int, points: int) -> None:
    act(
        world.survey_team,
        model_id=model_id,
        node="survey",
        data={"visited_on": today_iso(), "findings": "Mô hình hoạt động đều.", "recommendation": "recommend"},
    )
    for member in world.council:
        act(member, model_id=model_id, node="evaluate", data=scores(points, comment="Ý kiến thành viên."))


def test_straight_through_to_closed(world):
    model = register(world)
    assert model["stage"] == ModelStage.REGISTERED
    assert model["stage_label"] == "Đã đăng ký, chờ kiểm tra hồ sơ"
    process_id = model["process"]

    act(world.standing_body, model_id=model["id"], node="check_dossier", data={"decision": "accept"})
    _survey_and_score(world, model["id"], points=16)
    act(
        world.chair,
        model_id=model["id"],
        node="recognise",
        data={"decision_number": "5-QĐ/BCĐ", "signed_on": today_iso(), "summary": "Công nhận mô hình"},
    )
    completed = act(
        world.standing_body,
        model_id=model["id"],
        node="replicate",
        data={
            "adopting_units": [world.other_unit.pk],
            "started_on": today_iso(),
            "status": "implementing",
            "close_tracking": True,
        },
    )
    assert completed["status"] == "DONE"
    assert completed["model"] == {
        "id": model["id"],
        "name": "Hũ gạo tình thương",
        "stage": "closed",
        "stage_label": "Hoàn thành",
    }

    process = api_for(world.submitter).get(process_url(process_id)).json()
    assert process["status"] == "DONE"
    assert process["stage"] == "closed"
    assert process["stage_label"] == "Hoàn thành"
    assert process["final_score"] == "80.00"
    assert process["finished"] is not None
    assert _human_steps(process) == [
        ("check_dossier", "DONE", "thuongtruc"),
        ("survey", "DONE", "khaosat"),
        ("evaluate", "DONE", "hoidong1"),
        ("evaluate", "DONE", "hoidong2"),
        ("evaluate", "DONE", "hoidong3"),
        ("recognise", "DONE", "truongban"),
        ("replicate", "DONE", "thuongtruc"),
    ]
    assert process["tasks"][-1]["node"] == "end"
    assert Replication.objects.filter(source_model_id=model["id"]).count() == 1
    assert AuditEvent.objects.filter(movement_model_id=model["id"], action="task_completed").count() == 7
    # Nothing is left in anybody's inbox or queue.
    for user in (world.standing_body, world.survey_team, world.chair, *world.council, world.submitter):
        assert api_for(user).get(INBOX).json()["count"] == 0
        assert api_for(user).get(QUEUE).json()["count"] == 0


def test_returned_twice_then_accepted_and_carried_on(world):
    model = register(world)
    revised_objectives = ["Hỗ trợ 50 hộ, có sổ theo dõi.", "Hỗ trợ 60 hộ, có sổ theo dõi và biên bản họp dân."]
    for round_number, objectives in enumerate(revised_objectives, start=1):
        act(
            world.standing_body,
            model_id=model["id"],
            node="check_dossier",
            data={"decision": "return", "reason": f"Lần {round_number}: bổ sung mục tiêu đo lường được."},
        )
        detail = api_for(world.submitter).get(f"{REGISTRATIONS}{model['id']}/").json()
        assert detail["stage"] == "returned"
        # The revision goes straight to the submitter's inbox, not to a queue.
        revise_task = find_task(api_for(world.submitter), INBOX, model_id=model["id"], node="revise")
        assert revise_task["owner"]["username"] == "donvi"
        revision = {
            key: value for key, value in dossier_data(world, objectives=objectives).items() if key != "campaign"
        }
        act(world.submitter, model_id=model["id"], node="revise", data=revision)

    detail = api_for(world.submitter).get(f"{REGISTRATIONS}{model['id']}/").json()
    assert detail["stage"] == "registered"
    assert detail["objectives"] == "Hỗ trợ 60 hộ, có sổ theo dõi và biên bản họp dân."

    act(world.standing_body, model_id=model["id"], node="check_dossier", data={"decision": "accept"})
    _survey_and_score(world, model["id"], points=19)

    process = api_for(world.standing_body).get(process_url(model["process"])).json()
    assert process["stage"] == "recognition"
    assert process["final_score"] == "95.00"
    assert [node for node, _status, _owner in _human_steps(process)] == [
        "check_dossier",
        "revise",
        "check_dossier",
        "revise",
        "check_dossier",
        "survey",
        "evaluate",
        "evaluate",
        "evaluate",
        "recognise",
    ]
    assert _human_steps(process)[-1] == ("recognise", "NEW", None)
    reviews = DossierReview.objects.filter(movement_model_id=model["id"]).order_by("pk")
    assert [(r.is_accepted, r.reason) for r in reviews] == [
        (False, "Lần 1: bổ sung mục tiêu đo lường được."),
        (False, "Lần 2: bổ sung mục tiêu đo lường được."),
        (True, ""),
    ]
    assert AuditEvent.objects.filter(movement_model_id=model["id"], action="dossier_returned").count() == 2
    assert AuditEvent.objects.filter(movement_model_id=model["id"], action="dossier_edited").count() == 2
    assert find_task(api_for(world.chair), QUEUE, model_id=model["id"], node="recognise")["title"] == (
        "Ký quyết định công nhận"
    )


def test_rejected_at_evaluation_with_low_scores(world):
    model = register(world)
    act(world.standing_body, model_id=model["id"], node="check_dossier", data={"decision": "accept"})
    _survey_and_score(world, model["id"], points=10)

    process = api_for(world.submitter).get(process_url(model["process"])).json()
    assert process["status"] == "DONE"
    assert process["finished"] is not None
    assert process["stage"] == "rejected"
    assert process["stage_label"] == "Không công nhận"
    assert process["final_score"] == "50.00"
    assert process["outcome_reason"] == (
        "Điểm tổng hợp 50.00 thấp hơn ngưỡng công nhận 70.00 (3 phiếu, bình quân điểm của các thành viên)."
    )
    assert process["tasks"][-1]["node"] == "rejected"
    assert "recognise" not in [step["node"] for step in process["tasks"]]
    rejection = AuditEvent.objects.get(movement_model_id=model["id"], action="evaluation_rejected")
    assert rejection.reason == process["outcome_reason"]
    assert rejection.actor_label == "system:evaluation_tally"
    assert api_for(world.chair).get(QUEUE).json()["count"] == 0


def test_token_authentication(world):
    world.standing_body.set_password("mat-khau-rat-dai-2026")
    world.standing_body.save(update_fields=["password"])
    model = register(world)

    anonymous = APIClient()
    obtained = anonymous.post("/api/v1/auth/token/", {"username": "thuongtruc", "password": "mat-khau-rat-dai-2026"})
    assert obtained.status_code == 200
    token = obtained.json()["token"]
    assert token == Token.objects.get(user=world.standing_body).key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    queue = client.get(QUEUE).json()
    assert [(t["node"], t["model"]["id"]) for t in queue["results"]] == [("check_dossier", model["id"])]
    claimed = client.post(task_url(queue["results"][0]["id"], "claim"))
    assert claimed.status_code == 200
    assert claimed.json()["owner"]["username"] == "thuongtruc"
    assert AuditEvent.objects.get(action="task_claimed", task_id=claimed.json()["id"]).actor == world.standing_body

    wrong_password = anonymous.post("/api/v1/auth/token/", {"username": "thuongtruc", "password": "sai"})
    assert wrong_password.status_code == 400
    assert set(wrong_password.json()["errors"]) == {"non_field_errors"}

    anonymous_inbox = APIClient().get(INBOX)
    assert anonymous_inbox.status_code == 401
    assert anonymous_inbox["WWW-Authenticate"] == "Token"
    assert anonymous_inbox.json() == {
        "detail": "Chưa đăng nhập: gửi phiên đăng nhập hoặc tiêu đề “Authorization: Token …”."
    }
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Token khong-hop-le")
    assert bad_token.get(INBOX).status_code == 401
    assert bad_token.post(task_url(claimed.json()["id"], "release")).status_code == 401
    assert AuditEvent.objects.filter(action="task_released").count() == 0
