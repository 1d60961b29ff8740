"""The deadline-slot admin page shows an admin the slots of their own unit subtree only."""

import pytest

from recognition.forms import DossierForm
from recognition.roles import Role
from tests.conftest import dossier_data
from tests.factories import user_with_role
from tests.notifications.support import model_register, open_task
from workflows.models import DeadlineSlot
from workflows.services import registration_submit

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/workflows/deadlineslot/"


@pytest.fixture
def two_communes(world):
    ours = model_register(world, dossier_data(world))
    form = DossierForm(data=dossier_data(world, name="Tổ dân vận"), user=world.other_submitter)
    assert form.is_valid(), form.errors
    theirs = registration_submit(submitted_by=world.other_submitter, campaign=world.campaign, data=form.dossier_data())
    return open_task(ours, "check_dossier"), open_task(theirs, "check_dossier")


def _listed(client) -> set[int]:
    response = client.get(LIST_URL)
    assert response.status_code == 200
    return {slot.pk for slot in response.context["cl"].result_list}


def test_commune_admin_sees_only_the_slots_of_the_commune(client, world, two_communes):
    ours, theirs = two_communes
    commune_admin = user_with_role(role=Role.ADMIN, unit=world.commune, username="quantri_phuong", is_staff=True)
    client.force_login(commune_admin)

    assert _listed(client) == set(DeadlineSlot.objects.filter(task=ours).values_list("pk", flat=True))
    other_slot = DeadlineSlot.objects.filter(task=theirs).first()
    response = client.get(f"{LIST_URL}{other_slot.pk}/change/")
    assert response.status_code == 302  # "does not exist" (the admin's answer for a row outside its queryset)
    assert client.get(LIST_URL, {"q": str(theirs.pk)}).context["cl"].result_count == 0


def test_province_admin_sees_the_slots_of_every_commune(client, world, two_communes):
    ours, theirs = two_communes
    client.force_login(world.admin)

    assert _listed(client) == set(DeadlineSlot.objects.filter(task__in=[ours, theirs]).values_list("pk", flat=True))
    assert DeadlineSlot.objects.filter(task=ours).count() == DeadlineSlot.objects.filter(task=theirs).count() == 4
