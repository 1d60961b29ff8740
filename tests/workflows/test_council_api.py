"""The council's API: same services as the pages, the same refusals, JSON errors in Vietnamese."""

import pytest

from recognition.models import Campaign, CouncilClosure, EvaluationResult, ModelStage
from tests.recognition.audit_support import register
from tests.workflows.api_support import api_for
from tests.workflows.test_council_evaluation import publish, score, to_council

pytestmark = pytest.mark.django_db


def chaired(world):
    world.campaign.council_chair = world.council[0]
    world.campaign.save()


def test_the_standing_body_reads_and_sets_the_campaigns_council(world):
    client = api_for(world.standing_body)
    url = f"/api/v1/council/campaigns/{world.campaign.pk}/"
    assert client.get(url).json() == {"campaign": world.campaign.pk, "members": [], "chair": None, "secretary": None}

    response = client.put(
        url,
        {"members": [world.council[0].pk], "chair": world.council[1].pk, "reason": "Kiện toàn hội đồng."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    first, second = world.council[0], world.council[1]
    assert response.json() == {
        "campaign": world.campaign.pk,
        "members": [{"id": first.pk, "name": first.display_name}, {"id": second.pk, "name": second.display_name}],
        "chair": {"id": second.pk, "name": second.display_name},
        "secretary": None,
    }


def test_setting_the_council_without_a_reason_is_refused(world):
    response = api_for(world.standing_body).put(
        f"/api/v1/council/campaigns/{world.campaign.pk}/", {"members": [world.council[0].pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Phải ghi rõ lý do thay đổi hội đồng."]}
    assert Campaign.objects.get(pk=world.campaign.pk).council_members.count() == 0


def test_others_cannot_read_or_set_the_council(world):
    url = f"/api/v1/council/campaigns/{world.campaign.pk}/"
    assert api_for(world.council[0]).get(url).status_code == 403
    assert api_for(world.commune_standing_body).put(url, {"reason": "x"}, format="json").status_code == 404


def test_the_chair_closes_through_the_api_at_the_quorum_and_is_refused_below(world, dossier):
    publish(world, quorum=2)
    chaired(world)
    model = to_council(world, dossier)
    score(model, world.council[0], 16)
    client = api_for(world.council[0])
    assert client.get(f"/api/v1/council/models/{model.pk}/").json() == {
        "model": model.pk,
        "stage": "evaluation",
        "voted": 1,
        "seats": 3,
        "quorum": 2,
        "open_members": [world.council[1].display_name, world.council[2].display_name],
        "may_close": False,
    }

    refused = client.post(f"/api/v1/council/models/{model.pk}/close/")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "non_field_errors": ["Chưa đủ số phiếu tối thiểu: mới có 1/3 phiếu, cần ít nhất 2 phiếu."]
    }
    assert CouncilClosure.objects.count() == 0

    score(model, world.council[1], 17)
    closed = client.post(f"/api/v1/council/models/{model.pk}/close/")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["stage"] == "recognition"
    assert api_for(world.council[1]).post(f"/api/v1/council/models/{model.pk}/close/").status_code == 403


def test_the_case_ends_through_the_api_with_a_reason_only(world, dossier):
    model = register(world, dossier)
    client = api_for(world.standing_body)
    url = f"/api/v1/council/models/{model.pk}/end/"
    refused = client.post(url, {"reason": ""}, format="json")
    assert (refused.status_code, refused.json()["errors"]) == (400, {"reason": ["Phải ghi rõ lý do kết thúc hồ sơ."]})
    assert api_for(world.council[0]).post(url, {"reason": "x"}, format="json").status_code == 403
    assert api_for(world.other_submitter).post(url, {"reason": "x"}, format="json").status_code == 404
    model.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED

    ended = client.post(url, {"reason": "Đơn vị xin rút."}, format="json")
    assert ended.json() == {"model": model.pk, "stage": "rejected", "outcome_reason": "Đơn vị xin rút."}


def test_the_explanation_through_the_api(world, dossier):
    chaired(world)
    model = to_council(world, dossier)
    for member, points in zip(world.council, (20, 14, 13), strict=True):
        score(model, member, points, "Ý kiến")
    response = api_for(world.auditor).get(f"/api/v1/council/models/{model.pk}/explanation/")
    assert response.status_code == 200
    body = response.json()
    assert (body["score"], body["classification"], body["quorum"], body["result"]) == (
        "78.33",
        "recognised",
        0,
        EvaluationResult.objects.get(movement_model=model).pk,
    )
    assert [(m["score"], m["is_dissenting"]) for m in body["members"]] == [
        ("100.00", True),
        ("70.00", False),
        ("65.00", True),
    ]
    assert api_for(world.council[1]).get(f"/api/v1/council/models/{model.pk}/explanation/").status_code == 403
    assert api_for(world.other_submitter).get(f"/api/v1/council/models/{model.pk}/explanation/").status_code == 404
