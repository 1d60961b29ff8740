"""Units adopting a recognised model, and the end of replication tracking."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from recognition.models import ModelStage, Replication, ReplicationStatus
from recognition.services.replication import model_close, replication_record
from tests.factories import MovementModelFactory, UnitFactory, UserFactory

from .conftest import audit_trail

pytestmark = pytest.mark.django_db


@pytest.fixture
def model():
    return MovementModelFactory(stage=ModelStage.REPLICATION)


def _adopter(model):
    """A unit under the campaign's organising unit: only those may adopt its models."""
    return UnitFactory(parent=model.campaign.organising_unit)


def test_a_unit_outside_the_organisers_subtree_is_refused(model):
    with pytest.raises(ValidationError) as error:
        replication_record(
            movement_model=model, recorded_by=UserFactory(), adopting_units=[UnitFactory()], started_on=date.today()
        )
    assert list(error.value.message_dict) == ["adopting_units"]
    assert Replication.objects.count() == 0


def test_an_adoption_never_moves_back(model):
    unit = _adopter(model)
    replication_record(
        movement_model=model,
        recorded_by=UserFactory(),
        adopting_units=[unit],
        started_on=date(2026, 4, 1),
        status=ReplicationStatus.IMPLEMENTING,
    )
    with pytest.raises(ValidationError) as error:
        replication_record(
            movement_model=model, recorded_by=UserFactory(), adopting_units=[unit], started_on=date(2026, 4, 1)
        )
    assert error.value.message_dict == {"status": ["Không thể chuyển nhân rộng từ “Đang triển khai” về “Kế hoạch”."]}
    replication = Replication.objects.get()
    assert (replication.status, replication.implementing_since) == ("implementing", date(2026, 4, 1))


def test_new_adopting_units_are_recorded_as_planned(model):
    first, second = _adopter(model), _adopter(model)
    recorded = replication_record(
        movement_model=model,
        recorded_by=UserFactory(username="thuongtruc"),
        adopting_units=[first, second],
        started_on=date(2026, 4, 1),
    )
    assert [(r.adopting_unit, r.status, r.started_on) for r in recorded] == [
        (first, "planned", date(2026, 4, 1)),
        (second, "planned", date(2026, 4, 1)),
    ]
    assert audit_trail(model) == [
        (
            "replication_recorded",
            "thuongtruc",
            "",
            {
                "replication": r.pk,
                "adopting_unit": r.adopting_unit_id,
                "started_on": "2026-04-01",
                "status": {"before": None, "after": "planned"},
            },
        )
        for r in recorded
    ]


def test_the_registering_unit_cannot_replicate_its_own_model(model):
    other = _adopter(model)
    with pytest.raises(ValidationError) as error:
        replication_record(
            movement_model=model,
            recorded_by=UserFactory(),
            adopting_units=[other, model.unit],
            started_on=date(2026, 4, 1),
        )
    assert error.value.message_dict == {"adopting_units": ["Đơn vị đăng ký không thể tự nhân rộng mô hình của mình."]}
    assert Replication.objects.count() == 0
    assert audit_trail(model) == []


def test_a_new_status_moves_an_existing_adoption_and_keeps_its_start(model):
    unit = _adopter(model)
    [replication] = replication_record(
        movement_model=model, recorded_by=UserFactory(), adopting_units=[unit], started_on=date(2026, 4, 1)
    )
    [moved] = replication_record(
        movement_model=model,
        recorded_by=UserFactory(),
        adopting_units=[unit],
        started_on=date(2026, 6, 1),
        status=ReplicationStatus.EFFECTIVE,
    )
    assert moved.pk == replication.pk
    replication.refresh_from_db()
    assert (replication.status, replication.started_on) == ("effective", date(2026, 4, 1))
    assert audit_trail(model)[-1][3] == {
        "replication": replication.pk,
        "adopting_unit": unit.pk,
        "started_on": "2026-04-01",
        "status": {"before": "planned", "after": "effective"},
    }


def test_the_same_status_again_records_nothing(model):
    unit = _adopter(model)
    replication_record(movement_model=model, recorded_by=UserFactory(), adopting_units=[unit], started_on=date.today())
    again = replication_record(
        movement_model=model, recorded_by=UserFactory(), adopting_units=[unit], started_on=date.today()
    )
    assert again == []
    assert Replication.objects.count() == 1
    assert len(audit_trail(model)) == 1


def test_an_unknown_status_is_refused(model):
    with pytest.raises(ValidationError) as error:
        replication_record(
            movement_model=model,
            recorded_by=UserFactory(),
            adopting_units=[_adopter(model)],
            started_on=date(2026, 4, 1),
            status="done",
        )
    assert error.value.message_dict == {"status": ["Trạng thái nhân rộng không hợp lệ."]}
    assert Replication.objects.count() == 0


def test_replication_before_recognition_is_refused():
    model = MovementModelFactory(stage=ModelStage.RECOGNITION)
    with pytest.raises(ValidationError):
        replication_record(
            movement_model=model, recorded_by=UserFactory(), adopting_units=[_adopter(model)], started_on=date.today()
        )
    with pytest.raises(ValidationError):
        model_close(movement_model=model, closed_by=UserFactory())
    model.refresh_from_db()
    assert (model.stage, model.tracking_closed_at) == (ModelStage.RECOGNITION, None)


def test_closing_ends_the_procedure_and_counts_the_adoptions(model):
    replication_record(
        movement_model=model,
        recorded_by=UserFactory(),
        adopting_units=[_adopter(model), _adopter(model)],
        started_on=date(2026, 4, 1),
    )
    with time_machine.travel(datetime(2026, 6, 30, 9, 15, tzinfo=UTC), tick=False):
        model_close(movement_model=model, closed_by=UserFactory(username="tt"))
    model.refresh_from_db()
    assert model.stage == ModelStage.CLOSED
    assert model.tracking_closed_at == datetime(2026, 6, 30, 9, 15, tzinfo=UTC)
    assert audit_trail(model)[-1] == ("process_finished", "tt", "", {"replications": 2})


def test_an_adoption_of_another_model_does_not_count_and_each_new_unit_is_recorded(model):
    unit, second_unit = _adopter(model), _adopter(model)
    other_model = MovementModelFactory(stage=ModelStage.REPLICATION, campaign=model.campaign)
    replication_record(
        movement_model=other_model, recorded_by=UserFactory(), adopting_units=[unit], started_on=date(2026, 4, 1)
    )
    replication_record(
        movement_model=model, recorded_by=UserFactory(), adopting_units=[unit], started_on=date(2026, 4, 1)
    )
    recorded = replication_record(
        movement_model=model,
        recorded_by=UserFactory(),
        adopting_units=[unit, second_unit],
        started_on=date(2026, 5, 1),
        status=ReplicationStatus.IMPLEMENTING,
    )
    assert [(r.adopting_unit, r.status) for r in recorded] == [(unit, "implementing"), (second_unit, "implementing")]
    assert sorted(Replication.objects.values_list("source_model_id", "adopting_unit_id", "status")) == sorted(
        [
            (other_model.pk, unit.pk, "planned"),
            (model.pk, unit.pk, "implementing"),
            (model.pk, second_unit.pk, "implementing"),
        ]
    )


def test_only_the_new_unit_is_recorded_when_the_others_are_unchanged(model):
    unit, second_unit = _adopter(model), _adopter(model)
    replication_record(
        movement_model=model, recorded_by=UserFactory(), adopting_units=[unit], started_on=date(2026, 4, 1)
    )
    recorded = replication_record(
        movement_model=model, recorded_by=UserFactory(), adopting_units=[unit, second_unit], started_on=date(2026, 4, 2)
    )
    assert [(r.adopting_unit, r.started_on) for r in recorded] == [(second_unit, date(2026, 4, 2))]
