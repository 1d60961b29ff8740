"""Replication in the API and the picker's search: a model's adoptions and coverage, recording, reporting."""

import pytest

from recognition.models import AuditAction, AuditEvent, Replication
from recognition.roles import Role
from tests.factories import unit_create, user_with_role
from tests.workflows.api_support import api_for
from tests.workflows.followups_support import follow_up_tasks, recognised_model

pytestmark = pytest.mark.django_db


def _model_url(model, tail: str = "") -> str:
    return f"/api/v1/replication/models/{model.pk}/{tail}"


def test_record_adoptions_then_read_them_with_coverage(world, dossier):
    model = recognised_model(world, dossier)
    client = api_for(world.standing_body)
    response = client.post(
        _model_url(model, "adoptions/"),
        {"adopting_units": [world.other_commune.pk, world.other_unit.pk], "started_on": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = client.get(_model_url(model)).json()
    assert [(a["adopting_unit_name"], a["status"], a["started_on"]) for a in body["adoptions"]] == [
        ("Hội Nông dân xã Phong Điền", "planned", "2026-03-02"),
        ("Đảng ủy xã Phong Điền", "planned", "2026-03-02"),
    ]
    assert all(a["report_due_on"] for a in body["adoptions"])
    # Eligible at commune level: Ninh Kiều, Phong Điền and Phong Điền's farmers' association.
    assert [(c["label"], c["percent"]) for c in body["coverage"]] == [("2/3 xã", 66)]
    assert follow_up_tasks(node="adoption_report").count() == 2


def test_recording_is_refused_without_the_role_outside_the_scope_and_for_bad_units(world, dossier):
    model = recognised_model(world, dossier)
    payload = {"adopting_units": [world.other_unit.pk], "started_on": "2026-03-02"}
    assert api_for(world.submitter).post(_model_url(model, "adoptions/"), payload, format="json").status_code == 403
    assert (
        api_for(world.other_submitter).post(_model_url(model, "adoptions/"), payload, format="json").status_code == 404
    )
    assert api_for(world.other_submitter).get(_model_url(model)).status_code == 404
    elsewhere = unit_create(name="Tỉnh ủy Hậu Giang", level_code="province")
    response = api_for(world.standing_body).post(
        _model_url(model, "adoptions/"), {"adopting_units": [elsewhere.pk], "started_on": "2026-03-02"}, format="json"
    )
    assert response.status_code == 400
    assert Replication.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.REPLICATION_RECORDED).exists()


def test_the_adopting_unit_reports_through_the_api(world, dossier):
    model = recognised_model(world, dossier)
    api_for(world.standing_body).post(
        _model_url(model, "adoptions/"),
        {"adopting_units": [world.other_unit.pk], "started_on": "2026-03-02"},
        format="json",
    )
    replication = Replication.objects.get()
    url = f"/api/v1/replication/adoptions/{replication.pk}/report/"
    # The registering unit's staff see the adoption but the report is not theirs; a unit elsewhere does not see it.
    assert api_for(world.submitter).post(url, {"status": "implementing", "adoption_report": "x"}).status_code == 403
    outsider = user_with_role(
        role=Role.UNIT_SUBMITTER, unit=unit_create(name="Tỉnh ủy Hậu Giang", level_code="province"), username="hg"
    )
    assert api_for(outsider).post(url, {"status": "implementing", "adoption_report": "x"}).status_code == 404
    response = api_for(world.other_submitter).post(
        url, {"status": "effective", "adoption_report": "Đã nhân rộng ra 3 ấp."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["report"], response.json()["report_due_on"]) == (
        "effective",
        "Đã nhân rộng ra 3 ấp.",
        None,
    )
    # Effective: the follow-up is over, a second report has nothing to complete.
    again = api_for(world.other_submitter).post(url, {"status": "effective", "adoption_report": "x"}, format="json")
    assert again.status_code == 409


def test_the_picker_search_ignores_accents_and_keeps_to_the_scope(client, world, dossier):
    model = recognised_model(world, dossier)
    unit_create(name="Phường Ninh Kiều", parent=unit_create(name="Tỉnh ủy Hậu Giang", level_code="province"))
    client.force_login(world.standing_body)
    response = client.get(f"/models/{model.pk}/replication/units/", {"q": "phong dien"})
    assert response.status_code == 200
    assert [(r["name"], r["parent"]) for r in response.json()["results"]] == [
        ("Đảng ủy xã Phong Điền", "Thành ủy Cần Thơ"),
        ("Hội Nông dân xã Phong Điền", "Đảng ủy xã Phong Điền"),
    ]
    # Neither the registering unit nor a unit of another province.
    assert client.get(f"/models/{model.pk}/replication/units/", {"q": "Hội LHPN"}).json() == {"results": []}
    names = [
        r["name"] for r in client.get(f"/models/{model.pk}/replication/units/", {"q": "ninh kieu"}).json()["results"]
    ]
    assert names == ["Đảng ủy phường Ninh Kiều"]
    # The API answers the same.
    api = api_for(world.standing_body).get(_model_url(model, "units/"), {"q": "PHONG ĐIỀN"}).json()
    assert [r["id"] for r in api["results"]] == [world.other_commune.pk, world.other_unit.pk]
    # A unit's staff may not search (403); another commune's cannot see the model (404).
    client.force_login(world.submitter)
    assert client.get(f"/models/{model.pk}/replication/units/", {"q": "phong"}).status_code == 403
    client.force_login(world.other_submitter)
    assert client.get(f"/models/{model.pk}/replication/units/", {"q": "phong"}).status_code == 404


def test_the_replication_task_page_has_the_picker_and_the_model_page_the_coverage(client, world, dossier):
    model = recognised_model(world, dossier)
    api_for(world.standing_body).post(
        _model_url(model, "adoptions/"),
        {"adopting_units": [world.other_unit.pk], "started_on": "2026-03-02"},
        format="json",
    )
    client.force_login(world.standing_body)
    content = client.get(f"/models/{model.pk}/").content.decode()
    assert "Nhân rộng" in content
    assert "<strong>1/3</strong> xã (33%)" in content
    assert "Hội Nông dân xã Phong Điền" in content
    assert "02/03/2026" in content
    from tests.workflows.views_support import open_task, task_url

    task = open_task(model, "replicate")
    client.post(task_url(task, "assign"))
    page = client.get(task_url(task, "execute")).content.decode()
    assert f'data-search-url="/models/{model.pk}/replication/units/"' in page
    assert "workflows/unit_picker.js" in page
    assert "<select" not in page.split('class="kheo-unit-picker"')[1].split("</div>")[0]


def test_a_model_not_yet_recognised_shows_neither_section(client, world, dossier):
    from tests.recognition.audit_support import register

    model = register(world, dossier)
    client.force_login(world.standing_body)
    content = client.get(f"/models/{model.pk}/").content.decode()
    assert "kheo-replication" not in content
    assert "kheo-rereview" not in content
