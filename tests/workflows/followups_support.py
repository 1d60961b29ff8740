"""Recognised models and their follow-up tasks, driven through the real services."""

from viewflow.workflow.status import STATUS

from recognition.models import ModelStage
from tests.recognition.audit_support import check, evaluate, recognise, register, survey
from workflows.followups import FollowUpFlow
from workflows.models import RecognitionTask
from workflows.services import task_claim, task_complete


def recognised_model(world, dossier, *, number: str = "7-QĐ/BCĐ", **overrides):
    """A model of `world.campaign` driven to the replication stage."""
    model = register(world, dossier, **overrides)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 16)
    recognise(world, model, number=number)
    model.refresh_from_db()
    assert model.stage == ModelStage.REPLICATION
    return model


def follow_up_tasks(*, node: str, **filters):
    return RecognitionTask.objects.filter(flow_task=getattr(FollowUpFlow, node), **filters).order_by("pk")


def open_follow_up(*, node: str, **filters) -> RecognitionTask:
    return follow_up_tasks(node=node, status__in=(STATUS.NEW, STATUS.ASSIGNED), **filters).get()


def follow_up_do(task: RecognitionTask, *, user, data: dict, files=None) -> None:
    if task.owner_id is None:
        task_claim(task_id=task.pk, user=user)
    task_complete(task_id=task.pk, user=user, data=data, files=files)
