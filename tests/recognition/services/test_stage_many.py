"""Moving many models at once (one decision lists thousands): checked first, one record each."""

import pytest

from recognition.models import AuditEvent, ModelStage, MovementModel
from recognition.services.stage import stage_move_many
from recognition.stage_machine import StageMoveRefused
from tests.factories import MovementModelFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_model_moves_and_gets_its_own_record():
    models = [MovementModelFactory(stage=ModelStage.RECOGNITION) for _ in range(3)]
    actor = UserFactory(username="truongban")

    stage_move_many(
        movement_models=models,
        transition="recognise",
        action="model_recognised",
        actor=actor,
        payload_for=lambda model: {"number": f"{model.pk}-QĐ/BCĐ"},
    )

    assert set(MovementModel.objects.values_list("stage", flat=True)) == {"replication"}
    assert [m.stage for m in models] == ["replication"] * 3
    records = AuditEvent.objects.filter(action="model_recognised").order_by("movement_model_id")
    assert [(r.movement_model_id, r.payload) for r in records] == [
        (m.pk, {"number": f"{m.pk}-QĐ/BCĐ"}) for m in sorted(models, key=lambda m: m.pk)
    ]


def test_one_refused_move_refuses_them_all():
    ready = MovementModelFactory(stage=ModelStage.RECOGNITION)
    early = MovementModelFactory(stage=ModelStage.SURVEY)
    with pytest.raises(StageMoveRefused):
        stage_move_many(
            movement_models=[ready, early], transition="recognise", action="model_recognised", actor=UserFactory()
        )
    assert sorted(MovementModel.objects.values_list("stage", flat=True)) == ["recognition", "survey"]
    assert AuditEvent.objects.count() == 0
