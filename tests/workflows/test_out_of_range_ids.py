"""Ids past the 64-bit range in a URL answer 404 (SQLite raised OverflowError), on pages and in the API."""

import pytest
from viewflow.workflow.status import STATUS

from recognition.models import AuditEvent
from tests.recognition.audit_support import register
from tests.workflows.api_support import api_for
from workflows.demo import _open_task

pytestmark = pytest.mark.django_db

PAST_64_BITS = 2**64
NOT_FOUND = {"detail": "Không tìm thấy, hoặc không thuộc phạm vi đơn vị của bạn."}


@pytest.fixture
def open_check(world, dossier):
    model = register(world, dossier)
    return _open_task(model, "check_dossier")


@pytest.mark.parametrize("big", [PAST_64_BITS, 2**63])
def test_task_and_process_pages_answer_404(client, world, open_check, big):
    process = open_check.process_id
    client.raise_request_exception = False
    client.force_login(world.standing_body)
    records = AuditEvent.objects.count()

    responses = {
        "claim": client.post(f"/recognition/{process}/check_dossier/{big}/assign/"),
        "release": client.post(f"/recognition/{process}/check_dossier/{big}/unassign/"),
        "complete": client.post(f"/recognition/{process}/check_dossier/{big}/execute/", {"decision": "accept"}),
        "task": client.get(f"/recognition/{process}/check_dossier/{big}/"),
        "task of a big process": client.get(f"/recognition/{big}/check_dossier/{open_check.pk}/"),
        "process": client.get(f"/recognition/{big}/"),
        "chart": client.get(f"/recognition/{big}/chart/"),
    }

    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(responses, 404)
    open_check.refresh_from_db()
    assert (open_check.status, open_check.owner_id) == (STATUS.NEW, None)
    assert AuditEvent.objects.count() == records


@pytest.mark.parametrize("big", [PAST_64_BITS, 2**63])
def test_task_and_process_api_answers_json_404(world, open_check, big):
    api = api_for(world.standing_body)
    api.raise_request_exception = False

    responses = {
        "claim": api.post(f"/api/v1/tasks/{big}/claim/"),
        "release": api.post(f"/api/v1/tasks/{big}/release/"),
        "complete": api.post(f"/api/v1/tasks/{big}/complete/", {"decision": "accept"}, format="json"),
        "task": api.get(f"/api/v1/tasks/{big}/"),
        "process": api.get(f"/api/v1/processes/{big}/"),
        "registration": api.get(f"/api/v1/registrations/{big}/"),
    }

    assert {name: (r.status_code, r.json()) for name, r in responses.items()} == dict.fromkeys(
        responses, (404, NOT_FOUND)
    )
    open_check.refresh_from_db()
    assert (open_check.status, open_check.owner_id) == (STATUS.NEW, None)


def test_the_largest_id_still_reaches_the_normal_not_found(client, world, open_check):
    client.force_login(world.standing_body)
    largest = 2**63 - 1
    assert client.get(f"/recognition/{open_check.process_id}/check_dossier/{largest}/").status_code == 404
    assert api_for(world.standing_body).get(f"/api/v1/tasks/{largest}/").status_code == 404
