"""/api/v1/decisions/: list, detail, issue for many models, revoke, amend, PDF; scoped by unit."""

import pytest
from django.utils import timezone

from recognition.models import RecognitionDecision
from tests.recognition.audit_support import recognise
from tests.workflows.api_support import api_for
from tests.workflows.test_decision_flow import awaiting

pytestmark = pytest.mark.django_db

DECISIONS = "/api/v1/decisions/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def today() -> str:
    return timezone.localdate().isoformat()


def test_the_chair_issues_one_decision_for_many_models_and_reads_it_back(world, dossier):
    first = awaiting(world, dossier, "Hũ gạo tình thương")
    second = awaiting(world, dossier, "Tổ dân vận")
    api = api_for(world.chair)

    response = api.post(
        DECISIONS,
        {"campaign": world.campaign.pk, "models": [first.pk, second.pk], "signed_on": today(), "recipients": ["A"]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["kind"], body["recipients"]) == ("1-QĐ/BCĐ", "recognition", ["A"])
    assert sorted(entry["name"] for entry in body["entries"]) == ["Hũ gạo tình thương", "Tổ dân vận"]
    assert body["live_models"] == sorted([first.pk, second.pk])
    listed = api.get(DECISIONS).json()
    assert [item["number"] for item in listed["results"]] == ["1-QĐ/BCĐ"]
    assert api.get(f"{DECISIONS}{body['id']}/").json()["entries"] == body["entries"]
    pdf = api.get(f"{DECISIONS}{body['id']}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")


def test_bad_input_is_refused_with_the_message_and_nothing_issued(world, dossier):
    api = api_for(world.chair)
    empty = api.post(DECISIONS, {"campaign": world.campaign.pk, "models": [], "signed_on": today()}, format="json")
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"models": ["Chưa chọn mô hình nào cho quyết định."]}
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    again = api.post(
        DECISIONS, {"campaign": world.campaign.pk, "models": [model.pk], "signed_on": today()}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "models": ["Mô hình chưa ở giai đoạn chờ quyết định công nhận: Hũ gạo tình thương."]
    }
    assert RecognitionDecision.objects.count() == 1


def test_revoke_and_amend_through_the_api(world, dossier):
    first = awaiting(world, dossier, "Hũ gạo tình thương")
    second = awaiting(world, dossier, "Tổ dân vận")
    api = api_for(world.chair)
    issued = api.post(
        DECISIONS, {"campaign": world.campaign.pk, "models": [first.pk, second.pk], "signed_on": today()}, format="json"
    ).json()

    no_reason = api.post(f"{DECISIONS}{issued['id']}/revoke/", {"signed_on": today(), "reason": ""}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"] == {"reason": ["Phải ghi rõ lý do thu hồi hoặc sửa đổi quyết định."]}

    amended = api.post(
        f"{DECISIONS}{issued['id']}/amend/",
        {"signed_on": today(), "reason": "Nhầm.", "changes": [{"model": first.pk, "classification": "outstanding"}]},
        format="json",
    )
    assert amended.status_code == 201
    assert (amended.json()["kind"], amended.json()["amends"]) == ("amendment", issued["id"])
    revoked = api.post(
        f"{DECISIONS}{issued['id']}/revoke/",
        {"signed_on": today(), "reason": "Sai.", "models": [second.pk]},
        format="json",
    )
    assert revoked.status_code == 201
    assert (revoked.json()["number"], revoked.json()["revokes"]) == ("3-QĐ/BCĐ", issued["id"])
    original = api.get(f"{DECISIONS}{issued['id']}/").json()
    assert (original["revoked_by"], original["amended_by"], original["live_models"]) == (
        [revoked.json()["id"]],
        [amended.json()["id"]],
        [],
    )
    assert [item["kind"] for item in api.get(f"{DECISIONS}?kind=revocation").json()["results"]] == ["revocation"]


def test_outsiders_get_404_and_non_signers_403(world, dossier):
    model = awaiting(world, dossier, "Hũ gạo tình thương")
    recognise(world, model)
    decision = RecognitionDecision.objects.get()
    outsider = api_for(world.other_submitter)
    assert outsider.get(f"{DECISIONS}{decision.pk}/").status_code == 404
    assert outsider.get(f"{DECISIONS}{decision.pk}/pdf/").status_code == 404
    assert (
        outsider.post(
            f"{DECISIONS}{decision.pk}/revoke/", {"signed_on": today(), "reason": "x"}, format="json"
        ).status_code
        == 404
    )
    assert outsider.get(DECISIONS).json()["count"] == 0
    second = awaiting(world, dossier, "Tổ dân vận")
    standing = api_for(world.standing_body)
    refused = standing.post(
        DECISIONS, {"campaign": world.campaign.pk, "models": [second.pk], "signed_on": today()}, format="json"
    )
    assert refused.status_code == 403
    assert RecognitionDecision.objects.count() == 1
