"""Calendar overrides and escalation routes are flow configuration: admins' changes are audited."""

import pytest

from recognition.models import AuditEvent
from workflows.deadlines.models import CalendarOverride

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/workflows/calendaroverride/add/"


def test_province_admin_adds_a_swapped_working_day_and_it_is_recorded(client, world):
    client.force_login(world.admin)
    response = client.post(
        ADD_URL,
        {
            "date": "2026-05-09",
            "kind": "working_day",
            "reason": "Thông báo số 1/TB-BNV",
            "audit_reason": "Làm bù thứ Bảy theo thông báo của Bộ Nội vụ.",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    override = CalendarOverride.objects.get()
    record = AuditEvent.objects.get(action="flow_configuration_changed")
    assert record.actor == world.admin
    assert record.payload["model"] == "workflows.calendaroverride"
    assert record.payload["object"] == override.pk
    assert record.payload["operation"] == "add"
    assert record.reason == "Làm bù thứ Bảy theo thông báo của Bộ Nội vụ."


def test_adding_an_override_without_a_reason_is_refused(client, world):
    client.force_login(world.admin)
    response = client.post(ADD_URL, {"date": "2026-05-09", "kind": "working_day", "reason": "TB", "audit_reason": ""})
    assert response.status_code == 200
    assert "audit_reason" in response.context["adminform"].form.errors
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.exists()


def test_commune_level_user_cannot_edit_the_national_calendar(client, world):
    world.commune_standing_body.is_staff = True
    world.commune_standing_body.save(update_fields=["is_staff"])
    client.force_login(world.commune_standing_body)
    response = client.post(ADD_URL, {"date": "2026-05-09", "kind": "working_day", "reason": "x"})
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="flow_configuration_changed").exists()


def test_auditor_cannot_add_an_override(client, world):
    world.auditor.is_staff = True
    world.auditor.save(update_fields=["is_staff"])
    client.force_login(world.auditor)
    response = client.post(ADD_URL, {"date": "2026-05-09", "kind": "day_off", "reason": "x"})
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
