"""The registration slice's world additions: a residential area without an account, the commune's Front."""

from dataclasses import dataclass

import pytest

from recognition.forms import DossierForm
from recognition.models import UnitKind
from recognition.roles import Role
from tests.conftest import dossier_data
from tests.factories import unit_create, user_with_role
from workflows.services import registration_submit


@dataclass
class Behalf:
    residential: object  # Khu vực 3 of the commune: no account
    other_residential: object  # a residential area of the other commune: no account
    front: object
    front_user: object


@pytest.fixture
def behalf(world) -> Behalf:
    residential = unit_create(name="Khu vực 3", parent=world.commune, kind=UnitKind.RESIDENTIAL_AREA)
    other_residential = unit_create(name="Ấp Nhơn Lộc", parent=world.other_commune, kind=UnitKind.RESIDENTIAL_AREA)
    front = unit_create(name="Ủy ban MTTQ phường Ninh Kiều", parent=world.commune, kind=UnitKind.FATHERLAND_FRONT)
    front_user = user_with_role(role=Role.UNIT_SUBMITTER, unit=front, username="mattran")
    return Behalf(residential=residential, other_residential=other_residential, front=front, front_user=front_user)


def submit(world, user, *, unit=None, confirm_duplicate=False, **overrides):
    """Register through the form and the service, as the page does."""
    data = dossier_data(world, **overrides)
    if unit is not None:
        data["unit"] = str(unit.pk)
    if confirm_duplicate:
        data["confirm_duplicate"] = "on"
    form = DossierForm(data=data, user=user)
    assert form.is_valid(), form.errors
    return registration_submit(
        submitted_by=user,
        campaign=form.cleaned_data["campaign"],
        data=form.dossier_data(),
        **form.registration_options(),
    )
