"""Award pages and API: propose from the candidates, record the decision, scope and permissions."""

import pytest
from django.utils import timezone

from recognition.models import Award, AwardProposal, AwardProposalStatus
from recognition.roles import Role
from recognition.services.awards import award_propose
from tests.factories import user_with_role
from tests.recognition.awards_support import recognised_fixture  # noqa: F401  (the `recognised` fixture)
from tests.workflows.api_support import api_for

pytestmark = pytest.mark.django_db

AUTHORITY = "Chủ tịch Ủy ban nhân dân thành phố Cần Thơ"


def _proposal(world, recognised):
    return award_propose(
        proposed_by=world.standing_body,
        campaign=world.campaign,
        award_kind="diploma_of_merit",
        authority=AUTHORITY,
        movement_models=[recognised.lantern, recognised.rice_jar],
    )


def test_create_page_lists_candidates_and_select_all_proposes_every_filtered_one(client, world, recognised):
    client.force_login(world.standing_body)
    page = client.get("/awards/new/", {"campaign": world.campaign.pk})
    assert page.status_code == 200
    assert [model.name for model in page.context["candidates"]] == ["Hũ gạo tình thương", "Thắp sáng đường quê"]
    filtered = client.get("/awards/new/", {"campaign": world.campaign.pk, "q": "gạo"})
    assert [model.name for model in filtered.context["candidates"]] == ["Hũ gạo tình thương"]

    response = client.post(
        "/awards/new/",
        {
            "campaign": world.campaign.pk,
            "q": "",
            "field": "",
            "award_kind": "diploma_of_merit",
            "authority": AUTHORITY,
            "select_all": "on",
        },
    )

    proposal = AwardProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/awards/{proposal.pk}/"
    assert sorted(item.movement_model.name for item in proposal.items.all()) == [
        "Hũ gạo tình thương",
        "Thắp sáng đường quê",
    ]
    listing = client.get("/awards/").content.decode()
    assert "01-TTr/BCĐ" in listing and AUTHORITY in listing


def test_create_page_shows_the_services_refusal_and_writes_nothing(client, world, recognised):
    client.force_login(world.standing_body)
    response = client.post(
        "/awards/new/",
        {
            "campaign": world.campaign.pk,
            "award_kind": "diploma_of_merit",
            "authority": AUTHORITY,
            "movement_models": [recognised.flag_road.pk],
        },
    )
    assert response.status_code == 400
    assert "“Tuyến đường cờ Tổ quốc” không phải mô hình, điển hình tiêu biểu đã được công nhận trong đợt này." in (
        response.content.decode()
    )
    empty = client.post(
        "/awards/new/", {"campaign": world.campaign.pk, "award_kind": "diploma_of_merit", "authority": AUTHORITY}
    )
    assert empty.status_code == 400
    assert "Chọn ít nhất một mô hình, điển hình tiêu biểu để đề nghị." in empty.content.decode()
    assert AwardProposal.objects.count() == 0


def test_detail_page_downloads_the_pdf_and_records_the_decision(client, world, recognised):
    proposal = _proposal(world, recognised)
    client.force_login(world.standing_body)
    page = client.get(f"/awards/{proposal.pk}/")
    assert page.status_code == 200
    assert page.context["can_record"] is True
    pdf = client.get(f"/awards/{proposal.pk}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"

    today = timezone.localdate()
    response = client.post(
        f"/awards/{proposal.pk}/",
        {
            "number": "125/QĐ-UBND",
            "decided_on": today.strftime("%d/%m/%Y"),
            "authority": AUTHORITY,
            "kind": "diploma_of_merit",
            "movement_models": [recognised.rice_jar.pk],
        },
    )

    assert response.status_code == 302
    assert [(a.movement_model.name, a.number, a.decided_on) for a in Award.objects.all()] == [
        ("Hũ gạo tình thương", "125/QĐ-UBND", today)
    ]
    model_page = client.get(f"/models/{recognised.rice_jar.pk}/").content.decode()
    assert f"Bằng khen — số 125/QĐ-UBND ngày {today:%d/%m/%Y} của {AUTHORITY}" in model_page
    other_model_page = client.get(f"/models/{recognised.lantern.pk}/").content.decode()
    assert "Không có tên trong quyết định khen thưởng" in other_model_page  # decided, not granted to this one
    assert "01-TTr/BCĐ" in other_model_page


def test_record_form_refuses_a_future_date_and_writes_nothing(client, world, recognised):
    proposal = _proposal(world, recognised)
    client.force_login(world.standing_body)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(
        f"/awards/{proposal.pk}/",
        {"number": "1/QĐ-UBND", "decided_on": tomorrow.strftime("%d/%m/%Y"), "authority": AUTHORITY, "kind": "x"},
    )
    assert response.status_code == 400
    assert Award.objects.count() == 0
    response = client.post(
        f"/awards/{proposal.pk}/",
        {
            "number": "1/QĐ-UBND",
            "decided_on": tomorrow.strftime("%d/%m/%Y"),
            "authority": AUTHORITY,
            "kind": "diploma_of_merit",
        },
    )
    assert response.status_code == 400
    assert "Ngày quyết định không được sau ngày hôm nay." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == AwardProposalStatus.PROPOSED


def test_another_unit_gets_404_and_a_submitter_403(client, world, recognised):
    proposal = _proposal(world, recognised)
    outsider = user_with_role(role=Role.STANDING_BODY, unit=world.other_commune, username="thuongtruc_xa")
    client.force_login(outsider)
    for url in (f"/awards/{proposal.pk}/", f"/awards/{proposal.pk}/pdf/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/awards/{proposal.pk}/", {"number": "1/QĐ-UBND"}).status_code == 404
    assert "01-TTr/BCĐ" not in client.get("/awards/").content.decode()
    api = api_for(outsider)
    assert api.get(f"/api/v1/awards/{proposal.pk}/").status_code == 404
    assert api.post(f"/api/v1/awards/{proposal.pk}/record/", {}, format="json").status_code == 404
    assert api.get("/api/v1/awards/").json()["results"] == []
    # The commune's standing body has no campaign of its own to propose from.
    client.force_login(world.commune_standing_body)
    assert list(client.get("/awards/new/").context["candidates"]) == []
    client.force_login(world.submitter)
    assert client.get("/awards/new/").status_code == 403
    assert api_for(world.submitter).post("/api/v1/awards/", {}, format="json").status_code == 403
    assert AwardProposal.objects.count() == 1 and Award.objects.count() == 0


def test_api_proposes_lists_shows_and_records(world, recognised):
    api = api_for(world.standing_body)
    created = api.post(
        "/api/v1/awards/",
        {
            "campaign": world.campaign.pk,
            "award_kind": "diploma_of_merit",
            "authority": AUTHORITY,
            "movement_models": [recognised.lantern.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    proposal = AwardProposal.objects.get()
    assert {key: body[key] for key in ("id", "number", "award_kind", "authority", "status", "item_count")} == {
        "id": proposal.pk,
        "number": "01-TTr/BCĐ",
        "award_kind": "diploma_of_merit",
        "authority": AUTHORITY,
        "status": "proposed",
        "item_count": 1,
    }
    assert body["pdf_sha256"] == proposal.pdf_sha256
    assert body["items"] == [
        {
            "movement_model": recognised.lantern.pk,
            "name": "Thắp sáng đường quê",
            "unit": "Hội LHPN phường Ninh Kiều",
            "classification": "outstanding",
            "classification_label": "Tiêu biểu",
            "award": None,
        }
    ]
    assert [row["number"] for row in api.get("/api/v1/awards/").json()["results"]] == ["01-TTr/BCĐ"]

    refused = api.post(
        "/api/v1/awards/",
        {
            "campaign": world.campaign.pk,
            "award_kind": "diploma_of_merit",
            "authority": AUTHORITY,
            "movement_models": [recognised.lantern.pk],
        },
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "movement_models": ["“Thắp sáng đường quê” đang chờ quyết định khen thưởng của một tờ trình khác."]
    }

    today = timezone.localdate().isoformat()
    recorded = api.post(
        f"/api/v1/awards/{proposal.pk}/record/",
        {"number": "125/QĐ-UBND", "decided_on": today, "authority": AUTHORITY, "kind": "diploma_of_merit"},
        format="json",
    )
    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["status"] == "decided"
    assert recorded.json()["items"][0]["award"] == {
        "number": "125/QĐ-UBND",
        "decided_on": today,
        "authority": AUTHORITY,
        "kind": "diploma_of_merit",
        "kind_label": "Bằng khen",
    }
    again = api.post(
        f"/api/v1/awards/{proposal.pk}/record/",
        {"number": "126/QĐ-UBND", "decided_on": today, "authority": AUTHORITY, "kind": "diploma_of_merit"},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["errors"] == {"non_field_errors": ["Tờ trình 01-TTr/BCĐ đã có quyết định khen thưởng."]}
    assert Award.objects.count() == 1
