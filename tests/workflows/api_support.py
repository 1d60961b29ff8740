"""Helpers for driving the recognition flow through the REST API only."""

from django.utils import timezone
from rest_framework.test import APIClient

from recognition.models import AuditEvent, MovementModel
from tests.conftest import dossier_data
from workflows.models import RecognitionTask

CRITERIA = ["tt-sang-tao", "tt-chap-hanh-phap-luat", "tt-huy-dong-luc-luong", "tt-hai-hoa-loi-ich", "tt-ben-vung"]

REGISTRATIONS = "/api/v1/registrations/"
INBOX = "/api/v1/tasks/inbox/"
QUEUE = "/api/v1/tasks/queue/"


def task_url(task_id: int, action: str = "") -> str:
    return f"/api/v1/tasks/{task_id}/{action + '/' if action else ''}"


def process_url(process_id: int) -> str:
    return f"/api/v1/processes/{process_id}/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def today_iso() -> str:
    return timezone.localdate().isoformat()


def scores(points: int, **extra) -> dict:
    return {**{f"criterion_{code}": points for code in CRITERIA}, **extra}


def register(world, **overrides) -> dict:
    """Register a model as the world's submitter (JSON); returns the created model."""
    response = api_for(world.submitter).post(REGISTRATIONS, dossier_data(world, **overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def listed_tasks(client: APIClient, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def find_task(client: APIClient, url: str, *, model_id: int, node: str) -> dict | None:
    matches = [t for t in listed_tasks(client, url) if t["model"]["id"] == model_id and t["node"] == node]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


def act(user, *, model_id: int, node: str, data: dict, format: str = "json") -> dict:
    """Complete the user's task `node` of the model, claiming it from the queue first if needed."""
    client = api_for(user)
    task = find_task(client, INBOX, model_id=model_id, node=node)
    if task is None:
        task = find_task(client, QUEUE, model_id=model_id, node=node)
        assert task is not None, f"{user.username} has no {node} task for model {model_id}"
        claimed = client.post(task_url(task["id"], "claim"))
        assert claimed.status_code == 200, claimed.json()
    response = client.post(task_url(task["id"], "complete"), data, format=format)
    assert response.status_code == 200, response.json()
    return response.json()


def claim(user, *, model_id: int, node: str) -> dict:
    client = api_for(user)
    task = find_task(client, QUEUE, model_id=model_id, node=node)
    assert task is not None, f"{user.username} has no {node} task for model {model_id} in the queue"
    response = client.post(task_url(task["id"], "claim"))
    assert response.status_code == 200, response.json()
    return response.json()


def flow_state(model_id: int) -> tuple:
    """Everything a refused call must leave untouched: stage, tasks, audit trail, dossier."""
    model = MovementModel.objects.get(pk=model_id)
    tasks = RecognitionTask.objects.filter(process__movement_model_id=model_id).order_by("pk")
    return (
        model.stage,
        model.updated_at,
        [(t.pk, t.status, t.owner_id, t.finished) for t in tasks],
        AuditEvent.objects.count(),
        model.attachments.count(),
    )
