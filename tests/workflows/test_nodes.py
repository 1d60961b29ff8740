"""Only members of the task's unit may claim or do it, even when they hold the node's permission."""

import pytest
from django.contrib.auth.models import AnonymousUser
from viewflow.workflow.status import STATUS

from recognition.roles import Role
from tests.factories import user_with_role
from tests.notifications.support import model_register, open_task
from tests.workflows.views_support import task_url
from workflows.flows import RecognitionFlow
from workflows.models import RecognitionTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def check_task(world, dossier):
    return open_task(model_register(world, dossier), "check_dossier")


def hand_to(task, user):
    task.owner = user
    task.status = STATUS.ASSIGNED
    task.save()
    return task


def test_a_standing_body_of_another_unit_cannot_claim_the_task(world, check_task):
    node = RecognitionFlow.check_dossier
    assert world.commune_standing_body.has_perm("recognition.check_dossier")
    assert node.can_assign(world.commune_standing_body, check_task) is False
    assert node.can_assign(world.standing_body, check_task) is True


def test_an_owner_outside_the_tasks_unit_cannot_do_it(world, check_task, client):
    node = RecognitionFlow.check_dossier
    hand_to(check_task, world.commune_standing_body)  # e.g. claimed before moving to another unit
    assert node.can_execute(world.commune_standing_body, check_task) is False
    # The row as read again from the database (viewflow's views load it themselves).
    assert node.can_execute(world.commune_standing_body, RecognitionTask.objects.get(pk=check_task.pk)) is False
    client.force_login(world.commune_standing_body)
    response = client.post(task_url(check_task, "execute"), {"decision": "accept"})
    assert response.status_code == 403
    check_task.refresh_from_db()
    assert (check_task.status, check_task.finished) == (STATUS.ASSIGNED, None)


def test_the_owner_in_the_tasks_unit_may_do_it(world, check_task):
    node = RecognitionFlow.check_dossier
    hand_to(check_task, world.standing_body)
    assert node.can_execute(world.standing_body, check_task) is True
    assert node.can_execute(world.standing_body, RecognitionTask.objects.get(pk=check_task.pk)) is True


def test_an_owner_without_a_unit_or_a_visitor_cannot_do_it(world, check_task):
    node = RecognitionFlow.check_dossier
    unitless = user_with_role(role=Role.STANDING_BODY, unit=None)
    hand_to(check_task, unitless)
    assert node.can_execute(unitless, check_task) is False
    assert node.can_execute(AnonymousUser(), check_task) is False
