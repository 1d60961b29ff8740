"""Campaign quotas (maximum enforced, minimum reported) and the duplicate-name warning, page and API."""

import pytest
from django.core.exceptions import ValidationError

from recognition.models import AuditAction, AuditEvent, CampaignQuota, MovementModel, UnitKind
from recognition.services.registration import DuplicateNameWarning, campaign_quota_set, quota_shortfalls
from tests.conftest import dossier_data
from tests.workflows.api_support import REGISTRATIONS, api_for

from .support import submit

pytestmark = pytest.mark.django_db


# --- Quotas ----------------------------------------------------------------------------------


def test_maximum_reached_refuses_with_the_count_and_changes_nothing(world):
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.MASS_ORGANISATION, minimum=1, maximum=2)
    submit(world, world.submitter, name="Hũ gạo tình thương")
    submit(world, world.submitter, name="Nuôi cá lồng")
    events_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        submit(world, world.submitter, name="Trồng nấm linh chi")

    assert refused.value.message_dict == {
        "unit": ["Đơn vị Hội LHPN phường Ninh Kiều đã đăng ký 2/2 mô hình trong đợt này."]
    }
    assert list(MovementModel.objects.order_by("pk").values_list("name", flat=True)) == [
        "Hũ gạo tình thương",
        "Nuôi cá lồng",
    ]
    assert AuditEvent.objects.count() == events_before


def test_quota_of_another_kind_does_not_apply(world):
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.PARTY_COMMITTEE, minimum=0, maximum=0)
    submit(world, world.submitter)
    assert MovementModel.objects.count() == 1


def test_quota_applies_to_registrations_on_behalf(world, behalf):
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.RESIDENTIAL_AREA, maximum=1)
    submit(world, world.commune_standing_body, unit=behalf.residential, name="Camera an ninh khu dân cư")
    with pytest.raises(ValidationError) as refused:
        submit(world, world.commune_standing_body, unit=behalf.residential, name="Tiếng kẻng an ninh")
    assert refused.value.message_dict == {"unit": ["Đơn vị Khu vực 3 đã đăng ký 1/1 mô hình trong đợt này."]}


def test_shortfall_lists_units_below_their_minimum(world, behalf):
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.MASS_ORGANISATION, minimum=2)
    submit(world, world.submitter)
    shortfalls = quota_shortfalls(campaign=world.campaign)
    assert [(item["unit"].name, item["registered"], item["missing"]) for item in shortfalls] == [
        ("Hội LHPN phường Ninh Kiều", 1, 1),
        ("Hội Nông dân xã Phong Điền", 0, 2),
    ]


def test_quota_page_shows_the_shortfall_and_the_standing_body_edits_it(client, world, behalf):
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.MASS_ORGANISATION, minimum=1)
    client.force_login(world.standing_body)
    url = f"/models/quotas/{world.campaign.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert [item["unit"].name for item in page.context["shortfalls"]] == [
        "Hội LHPN phường Ninh Kiều",
        "Hội Nông dân xã Phong Điền",
    ]
    assert client.get("/models/quotas/").status_code == 200

    response = client.post(url, {"min_party_committee": "1", "max_party_committee": "3", "min_mass_organisation": "1"})
    assert response.status_code == 302
    quotas = {q.unit_kind: (q.minimum, q.maximum) for q in CampaignQuota.objects.filter(campaign=world.campaign)}
    assert quotas == {"party_committee": (1, 3), "mass_organisation": (1, None)}
    added = AuditEvent.objects.get(action=AuditAction.REFERENCE_ADDED)
    assert added.payload["changes"] == {
        "minimum": {"before": None, "after": 1},
        "maximum": {"before": None, "after": 3},
    }


def test_quota_page_refuses_a_maximum_below_the_minimum(client, world):
    client.force_login(world.standing_body)
    response = client.post(
        f"/models/quotas/{world.campaign.pk}/", {"min_party_committee": "3", "max_party_committee": "1"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["max_party_committee"] == ["Số tối đa phải lớn hơn hoặc bằng số tối thiểu."]
    assert CampaignQuota.objects.count() == 0


def test_only_the_organising_standing_body_edits_quotas(client, world):
    client.force_login(world.commune_standing_body)
    # The commune sees the province's campaign quotas but does not edit them.
    assert client.get(f"/models/quotas/{world.campaign.pk}/").status_code == 200
    response = client.post(f"/models/quotas/{world.campaign.pk}/", {"min_party_committee": "1"})
    assert response.status_code == 403
    with pytest.raises(Exception, match="Chỉ cơ quan thường trực"):
        campaign_quota_set(
            campaign=world.campaign, unit_kind="party_committee", minimum=1, maximum=None, set_by=world.submitter
        )
    assert CampaignQuota.objects.count() == 0


def test_quota_page_of_a_campaign_outside_the_scope_is_404(client, world):
    from tests.factories import CampaignFactory, unit_create

    elsewhere = unit_create(name="Tỉnh ủy Hậu Giang", level_code="province")
    campaign = CampaignFactory(organising_unit=elsewhere)
    client.force_login(world.commune_standing_body)
    assert client.get(f"/models/quotas/{campaign.pk}/").status_code == 404
    assert api_for(world.commune_standing_body).get(f"/api/v1/campaigns/{campaign.pk}/quotas/").status_code == 404


def test_api_reads_quotas_and_shortfalls(world):
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.MASS_ORGANISATION, minimum=1, maximum=3)
    response = api_for(world.commune_standing_body).get(f"/api/v1/campaigns/{world.campaign.pk}/quotas/")
    assert response.status_code == 200
    assert response.json() == {
        "campaign": world.campaign.pk,
        "quotas": [
            {
                "unit_kind": "mass_organisation",
                "unit_kind_label": "Đoàn thể chính trị - xã hội",
                "minimum": 1,
                "maximum": 3,
            }
        ],
        # Only the commune's own units: the other commune's shortfall is not the commune's to see.
        "shortfalls": [
            {
                "unit": {"id": world.submitter_unit.pk, "name": "Hội LHPN phường Ninh Kiều"},
                "unit_kind": "mass_organisation",
                "registered": 0,
                "minimum": 1,
                "missing": 1,
            }
        ],
    }


# --- Duplicate warning ------------------------------------------------------------------------


def test_close_name_is_refused_unless_confirmed(world):
    first = submit(world, world.submitter, name="Hũ gạo tình thương")
    with pytest.raises(DuplicateNameWarning) as warned:
        submit(world, world.submitter, name="Hu gao tinh thuong!")
    assert [(model.pk, score) for model, score in warned.value.similar] == [(first.pk, 1.0)]
    assert warned.value.message_dict == {
        "confirm_duplicate": [
            f"Tên mô hình rất gần với mô hình đơn vị đã đăng ký trong đợt này: “Hũ gạo tình thương” (#{first.pk}). "
            "Nếu đây không phải mô hình trùng, hãy xác nhận để gửi đăng ký."
        ]
    }
    assert MovementModel.objects.count() == 1

    second = submit(world, world.submitter, name="Hu gao tinh thuong!", confirm_duplicate=True)
    payload = AuditEvent.objects.get(movement_model=second, action=AuditAction.MODEL_REGISTERED).payload
    assert payload["duplicates_confirmed"] == [first.pk]
    assert MovementModel.objects.count() == 2


def test_same_name_by_another_unit_is_no_duplicate(world):
    submit(world, world.submitter, name="Hũ gạo tình thương")
    submit(world, world.other_submitter, name="Hũ gạo tình thương")
    assert MovementModel.objects.count() == 2


def test_page_shows_the_similar_names_and_accepts_the_confirmation(client, world):
    first = submit(world, world.submitter, name="Hũ gạo tình thương")
    client.force_login(world.submitter)
    warned = client.post("/models/register/", dossier_data(world, name="Hũ gạo tình thương mến"))
    assert warned.status_code == 200
    assert [(model.pk, score) for model, score in warned.context["similar_models"]] == [(first.pk, 0.9)]
    content = warned.content.decode()
    assert "Tôi xác nhận đây không phải mô hình trùng" in content
    assert f'href="/models/{first.pk}/">Hũ gạo tình thương</a>' in content
    assert MovementModel.objects.count() == 1

    confirmed = client.post(
        "/models/register/", dossier_data(world, name="Hũ gạo tình thương mến", confirm_duplicate="on")
    )
    assert confirmed.status_code == 302
    assert MovementModel.objects.count() == 2


def test_api_answers_400_with_the_similar_models_unless_confirmed(world):
    first = submit(world, world.submitter, name="Hũ gạo tình thương")
    client = api_for(world.submitter)
    warned = client.post(REGISTRATIONS, dossier_data(world, name="HŨ GẠO TÌNH THƯƠNG"), format="json")
    assert warned.status_code == 400
    assert warned.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "errors": {
            "confirm_duplicate": [
                f"Tên mô hình rất gần với mô hình đơn vị đã đăng ký trong đợt này: “Hũ gạo tình thương” (#{first.pk}). "
                "Nếu đây không phải mô hình trùng, hãy xác nhận để gửi đăng ký."
            ]
        },
        "similar_models": [{"id": first.pk, "name": "Hũ gạo tình thương", "similarity": 1.0}],
    }
    assert MovementModel.objects.count() == 1
    confirmed = client.post(
        REGISTRATIONS, dossier_data(world, name="HŨ GẠO TÌNH THƯƠNG", confirm_duplicate=True), format="json"
    )
    assert confirmed.status_code == 201, confirmed.json()
    assert MovementModel.objects.count() == 2
