"""The daily re-review job runs on a real Celery worker against a private Redis, as the beat sends it."""

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from recognition.models import Campaign, ReReview
from tests.notifications.conftest import mail_dir, redis_server, workers  # noqa: F401 (fixtures)
from tests.notifications.support import celery_broker, wait_for
from tests.workflows.followups_support import follow_up_tasks, recognised_model
from workflows.tasks import rereviews_open_due_task

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_beat_schedules_the_job_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["followups-rereviews-open"]
    assert entry["task"] == rereviews_open_due_task.name == "followups.rereviews_open"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {30})


def test_the_worker_opens_each_rereview_once(world, dossier, redis_server, workers):  # noqa: F811
    model = recognised_model(world, dossier)
    today = timezone.localdate()
    # Recognised in last year's campaign, re-reviewed today.
    Campaign.objects.filter(pk=world.campaign.pk).update(year=today.year - 1, rereview_on=today)
    workers()
    broker = redis.Redis.from_url(redis_server.url)
    with celery_broker(redis_server.url):
        # The beat's message delivered twice (a retry, a second beat): the second opens nothing.
        rereviews_open_due_task.delay()
        rereviews_open_due_task.delay()
        wait_for(lambda: ReReview.objects.filter(movement_model=model).exists(), timeout=60, message="the re-review")
        # Both messages consumed and acknowledged (acks_late: after the job's transaction committed).
        wait_for(lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0, timeout=60, message="both runs")
    assert list(ReReview.objects.values_list("movement_model_id", "year", "opened_on")) == [
        (model.pk, today.year, today)
    ]
    assert follow_up_tasks(node="rereview").count() == 1
