"""Two reviewers acting on the same task at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from recognition.models import AuditEvent
from recognition.roles import Role
from tests.conftest import dossier_data
from tests.factories import user_with_role
from workflows.demo import _open_task
from workflows.exceptions import TaskNotAvailable
from workflows.services import registration_submit, task_claim, task_complete

pytestmark = [
    # serialized_rollback restores the reference data (levels, fields) that migrations seed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are a PostgreSQL behaviour"),
]


def _registered(world):
    from recognition.forms import DossierForm

    form = DossierForm(data=dossier_data(world), user=world.submitter)
    assert form.is_valid(), form.errors
    return registration_submit(submitted_by=world.submitter, campaign=world.campaign, data=form.dossier_data())


def _race(*calls):
    """Run the calls at the same instant in their own threads; return each outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_reviewers_claim_the_same_task_only_one_gets_it(world):
    assert connection.vendor == "postgresql"
    second_reviewer = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")
    model = _registered(world)
    task = _open_task(model, "check_dossier")

    outcomes = _race(
        lambda: task_claim(task_id=task.pk, user=world.standing_body),
        lambda: task_claim(task_id=task.pk, user=second_reviewer),
    )

    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1
    assert len(losers) == 1 and isinstance(losers[0], TaskNotAvailable)
    task.refresh_from_db()
    assert task.owner_id in (world.standing_body.pk, second_reviewer.pk)
    assert AuditEvent.objects.filter(task_id=task.pk, action="task_claimed").count() == 1


def test_double_submit_from_two_tabs_completes_once(world):
    model = _registered(world)
    task = _open_task(model, "check_dossier")
    task_claim(task_id=task.pk, user=world.standing_body)

    outcomes = _race(
        lambda: task_complete(task_id=task.pk, user=world.standing_body, data={"decision": "accept"}),
        lambda: task_complete(task_id=task.pk, user=world.standing_body, data={"decision": "accept"}),
    )

    assert sum(isinstance(o, TaskNotAvailable) for o in outcomes) == 1
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert AuditEvent.objects.filter(task_id=task.pk, action="task_completed").count() == 1
    model.refresh_from_db()
    assert model.stage == "survey"
    assert model.dossier_reviews.count() == 1
    assert model.process.task_set.filter(flow_task_type="HUMAN", finished__isnull=True).count() == 1
