"""Driving the recognition flow through its web pages, as a browser would."""

from django.utils import timezone

from recognition.models import MovementModel
from workflows.flows import RecognitionFlow
from workflows.models import RecognitionTask
from workflows.pinning import pinned_rubric

REGISTER_URL = "/models/register/"


def today_text() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def register_through_page(client, *, user, data) -> MovementModel:
    """POST the registration page and follow to the model page, as a browser does (which
    also shows, and so consumes, the success message)."""
    client.force_login(user)
    response = client.post(REGISTER_URL, data, follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    movement_model = MovementModel.objects.filter(unit=user.unit).latest("pk")
    assert response.redirect_chain == [(f"/models/{movement_model.pk}/", 302)]
    assert f"Đã đăng ký mô hình “{movement_model.name}”." in response.content.decode()
    return movement_model


def open_task(movement_model, node_name: str, *, owner=None) -> RecognitionTask:
    tasks = RecognitionTask.objects.filter(
        process__movement_model=movement_model,
        flow_task=getattr(RecognitionFlow, node_name),
        finished__isnull=True,
    ).order_by("pk")
    if owner is not None:
        tasks = tasks.filter(owner=owner)
    return tasks.get()


def task_url(task, action: str) -> str:
    return task.flow_task.reverse(action, args=[task.process_id, task.pk])


def process_url(process_pk: int) -> str:
    return RecognitionFlow.instance.reverse("process_detail", args=[process_pk])


def claim_through_page(client, *, user, task):
    client.force_login(user)
    return client.post(task_url(task, "assign"))


def do_task(client, *, movement_model, node_name: str, user, data: dict):
    """Claim the open task of `node_name` if nobody holds it, then submit its form."""
    task = open_task(movement_model, node_name, owner=user if node_name == "evaluate" else None)
    client.force_login(user)
    if task.owner_id is None:
        response = client.post(task_url(task, "assign"))
        assert response.status_code == 302, response.status_code
    response = client.post(task_url(task, "execute"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def scores(movement_model, points: int) -> dict:
    return {f"criterion_{criterion.code}": str(points) for criterion in pinned_rubric(movement_model)}


def survey_data(**overrides) -> dict:
    return {
        "visited_on": today_text(),
        "findings": "Mô hình hoạt động đều.",
        "recommendation": "recommend",
        **overrides,
    }
