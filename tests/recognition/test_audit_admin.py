"""Reference data edited in the Django admin: scoped to the admin's subtree, recorded with a reason."""

import pytest

from recognition.models import AuditEvent, Campaign, Field, Unit
from recognition.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def campaign_form(campaign, **overrides):
    data = {
        "name": campaign.name,
        "year": campaign.year,
        "organising_unit": campaign.organising_unit_id,
        "registration_opens_on": campaign.registration_opens_on.isoformat(),
        "registration_closes_on": campaign.registration_closes_on.isoformat(),
        "audit_reason": "",
    }
    data.update(overrides)
    return data


def test_change_is_recorded_with_reason_and_before_after(client, world):
    client.force_login(world.admin)
    url = f"/admin/recognition/campaign/{world.campaign.pk}/change/"
    response = client.post(
        url,
        campaign_form(
            world.campaign,
            registration_closes_on=f"{world.campaign.year}-10-31",
            audit_reason="Ban Chỉ đạo rút ngắn hạn đăng ký theo Kết luận số 3.",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    world.campaign.refresh_from_db()
    closes_before = f"{world.campaign.year}-12-31"
    assert world.campaign.registration_closes_on.isoformat() == f"{world.campaign.year}-10-31"
    record = AuditEvent.objects.get(action="reference_changed")
    assert record.actor == world.admin
    assert record.movement_model is None and record.chain_key == "global"
    assert record.reason == "Ban Chỉ đạo rút ngắn hạn đăng ký theo Kết luận số 3."
    assert record.payload["model"] == "recognition.campaign"
    assert record.payload["object"] == world.campaign.pk
    assert record.payload["changes"] == {
        "registration_closes_on": {"before": closes_before, "after": f"{world.campaign.year}-10-31"}
    }


def test_change_without_reason_is_refused_and_changes_nothing(client, world):
    client.force_login(world.admin)
    response = client.post(
        f"/admin/recognition/campaign/{world.campaign.pk}/change/",
        campaign_form(world.campaign, registration_closes_on=f"{world.campaign.year}-06-30"),
    )
    assert response.status_code == 200
    assert "audit_reason" in response.context["adminform"].form.errors
    world.campaign.refresh_from_db()
    assert world.campaign.registration_closes_on.isoformat() == f"{world.campaign.year}-12-31"
    assert not AuditEvent.objects.exists()


def test_addition_is_recorded(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/admin/recognition/field/add/", {"code": "moi-truong", "name": "Môi trường", "order": 5, "is_active": "on"}
    )
    assert response.status_code == 302
    field = Field.objects.get(code="moi-truong")
    record = AuditEvent.objects.get(action="reference_added")
    assert record.payload["object"] == field.pk
    assert record.payload["changes"]["name"] == {"before": None, "after": "Môi trường"}


def test_unit_added_under_the_subtree(client, world):
    client.force_login(world.admin)
    response = client.post(
        "/admin/recognition/unit/add/",
        {
            "parent": world.commune.pk,
            "name": "Chi bộ khu vực 3",
            "level": world.commune.level_id,
            "kind": "party_committee",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Chi bộ khu vực 3")
    assert Unit.objects.get_parent(unit) == world.commune
    assert AuditEvent.objects.get(action="reference_added").payload["object"] == unit.pk


def test_commune_admin_sees_only_its_subtree_and_cannot_change_shared_data(client, world):
    commune_admin = user_with_role(role=Role.ADMIN, unit=world.commune, username="quantri_phuong", is_staff=True)
    client.force_login(commune_admin)

    units = client.get("/admin/recognition/unit/").context["cl"].queryset
    assert set(units) == {world.commune, world.submitter_unit}
    # The province's campaign is outside the subtree: not shown, not changeable.
    assert list(client.get("/admin/recognition/campaign/").context["cl"].queryset) == []
    response = client.post(
        f"/admin/recognition/campaign/{world.campaign.pk}/change/",
        campaign_form(world.campaign, name="Đổi", audit_reason="x"),
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.post(
        f"/admin/recognition/field/{world.field.pk}/change/",
        {"code": world.field.code, "name": "Đổi", "order": 1, "audit_reason": "x"},
    )
    assert response.status_code == 403
    assert Campaign.objects.get(pk=world.campaign.pk).name == world.campaign.name
    assert Field.objects.get(pk=world.field.pk).name == world.field.name
    assert not AuditEvent.objects.exists()
