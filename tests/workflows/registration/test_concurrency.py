"""Two registrations taking a unit's last quota place at the same moment; two nominations of one model."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from recognition.models import CampaignQuota, ModelStage, MovementModel, UnitKind
from tests.factories import CampaignFactory, MovementModelFactory
from tests.workflows.test_concurrency import _race
from workflows.services import nomination_submit

from .support import submit

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are a PostgreSQL behaviour"),
]


def test_the_last_quota_place_goes_to_one_registration(world):
    assert connection.vendor == "postgresql"
    CampaignQuota.objects.create(campaign=world.campaign, unit_kind=UnitKind.MASS_ORGANISATION, maximum=1)

    outcomes = _race(
        lambda: submit(world, world.submitter, name="Hũ gạo tình thương"),
        lambda: submit(world, world.submitter, name="Nuôi cá lồng"),
    )

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)
    assert refused[0].message_dict == {
        "unit": ["Đơn vị Hội LHPN phường Ninh Kiều đã đăng ký 1/1 mô hình trong đợt này."]
    }
    assert MovementModel.objects.filter(unit=world.submitter_unit).count() == 1


def test_a_model_is_nominated_once_under_two_simultaneous_requests(world):
    recognised = MovementModelFactory(
        campaign=CampaignFactory(organising_unit=world.commune),
        unit=world.submitter_unit,
        submitted_by=world.submitter,
        field=world.field,
        stage=ModelStage.REPLICATION,
    )

    outcomes = _race(
        *(
            lambda: nomination_submit(
                movement_model=recognised, campaign=world.campaign, nominated_by=world.commune_standing_body
            )
            for _ in range(2)
        )
    )

    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert MovementModel.objects.filter(nominated_from=recognised).count() == 1
