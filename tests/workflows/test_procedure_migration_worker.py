"""The run of a migration goes through a real Celery worker on a private Redis, as in production."""

import pytest

from procedures.models import MigrationRun
from tests.notifications.conftest import mail_dir, redis_server, workers  # noqa: F401 (fixtures)
from tests.notifications.support import celery_broker, wait_for
from tests.workflows.migration_support import registered_on_monday, version_published
from workflows.models import RecognitionProcess
from workflows.procedure_migration import migration_confirm

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_worker_moves_every_process_and_the_row_shows_the_progress(world, dossier, redis_server, workers):  # noqa: F811
    models = [registered_on_monday(world, dossier, name=f"Mô hình {number}") for number in range(1, 4)]
    target = version_published(world, models[0].process.procedure_version)
    workers()
    with celery_broker(redis_server.url):
        run = migration_confirm(
            user=world.admin,
            process_ids=[model.process.pk for model in models],
            target=target,
            reason="Áp dụng quy trình mới của tỉnh.",
        )
        wait_for(lambda: MigrationRun.objects.filter(pk=run.pk, status="done").exists(), timeout=60, message="the run")
    run.refresh_from_db()
    assert (run.total, run.done, run.failed, run.errors) == (3, 3, 0, [])
    assert set(RecognitionProcess.objects.values_list("procedure_version_id", flat=True)) == {target.pk}
