"""Who gets an evaluation task: the campaign's own council list, else every council member of the organiser."""

import pytest
from django.utils import timezone

from recognition.roles import Role
from tests.factories import user_with_role
from tests.notifications.support import model_register
from workflows.demo import task_do
from workflows.models import RecognitionTask

pytestmark = pytest.mark.django_db


def evaluation_owners(world, dossier) -> list[str]:
    model = model_register(world, dossier)
    task_do(movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"})
    task_do(
        movement_model=model,
        node_name="survey",
        user=world.survey_team,
        data={"visited_on": timezone.localdate().isoformat(), "findings": "Tốt", "recommendation": "recommend"},
    )
    tasks = RecognitionTask.objects.filter(process__movement_model=model, finished__isnull=True)
    return sorted(task.owner.username for task in tasks if task.flow_task.name == "evaluate")


def test_the_campaigns_own_council_list_decides_the_seats(world, dossier):
    retired = user_with_role(role=Role.COUNCIL_MEMBER, unit=world.province, username="nghihuu", is_active=False)
    world.campaign.council_members.set([world.council[0], world.council[2], retired])
    assert evaluation_owners(world, dossier) == ["hoidong1", "hoidong3"]


def test_without_a_list_every_active_council_member_of_the_organiser_has_a_seat(world, dossier):
    user_with_role(role=Role.COUNCIL_MEMBER, unit=world.province, username="nghihuu", is_active=False)
    user_with_role(role=Role.COUNCIL_MEMBER, unit=world.commune, username="hoidong_phuong")
    assert evaluation_owners(world, dossier) == ["hoidong1", "hoidong2", "hoidong3"]
