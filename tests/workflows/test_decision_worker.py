"""Issuing a decision for many models: a real Celery worker completes their recognise tasks after commit."""

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from recognition.models import RecognitionDecision
from tests.notifications.conftest import mail_dir, redis_server, workers  # noqa: F401 (fixtures)
from tests.notifications.support import celery_broker, wait_for
from tests.workflows.test_decision_flow import awaiting
from workflows.decision_flow import decision_issue_for
from workflows.models import RecognitionTask

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_worker_moves_every_covered_flow_on_to_replication(
    world,
    dossier,
    redis_server,  # noqa: F811
    workers,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    models = [awaiting(world, dossier, name) for name in ("Hũ gạo tình thương", "Tổ dân vận", "Tiếng kẻng an ninh")]
    workers()
    with celery_broker(redis_server.url):
        decision = decision_issue_for(
            user=world.chair,
            campaign=world.campaign,
            model_ids=[model.pk for model in models],
            signed_on=timezone.localdate(),
        )
        wait_for(
            lambda: RecognitionDecision.objects.filter(pk=decision.pk, tasks_settled_at__isnull=False).exists(),
            timeout=60,
            message="the decision's tasks settled",
        )
    open_tasks = RecognitionTask.objects.filter(
        process__movement_model__in=models, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    assert sorted((task.process.movement_model.name, task.flow_task.name) for task in open_tasks) == [
        ("Hũ gạo tình thương", "replicate"),
        ("Tiếng kẻng an ninh", "replicate"),
        ("Tổ dân vận", "replicate"),
    ]
    done = RecognitionTask.objects.filter(process__movement_model__in=models, status=STATUS.DONE)
    assert sorted(task.owner.username for task in done if task.flow_task.name == "recognise") == ["truongban"] * 3
