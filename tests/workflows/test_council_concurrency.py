"""The chair closes while the last member submits a sheet, at the same moment (PostgreSQL row locks)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from recognition.models import CouncilClosure, EvaluationResult, ModelStage
from tests.recognition.audit_support import CRITERIA
from tests.workflows.test_concurrency import _race
from tests.workflows.test_council_evaluation import publish, score, to_council
from workflows.council import council_close
from workflows.exceptions import TaskNotAvailable
from workflows.models import RecognitionTask
from workflows.services import task_complete

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are a PostgreSQL behaviour"),
]


def test_a_close_racing_the_last_sheet_tallies_once(world, dossier):
    assert connection.vendor == "postgresql"
    publish(world, quorum=1)
    world.campaign.council_members.set(world.council[:2])
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[0], 16)
    last_seat = RecognitionTask.objects.get(process__movement_model=model, owner=world.council[1])

    close, sheet = _race(
        lambda: council_close(movement_model_id=model.pk, user=world.council[0]),
        lambda: task_complete(
            task_id=last_seat.pk, user=world.council[1], data={f"criterion_{code}": 18 for code in CRITERIA}
        ),
    )

    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION
    assert EvaluationResult.objects.filter(movement_model=model).count() == 1
    if isinstance(close, CouncilClosure):
        # The close won: the last seat was cancelled before its sheet, which is refused.
        assert isinstance(sheet, TaskNotAvailable)
        assert (model.final_score, close.absent_ids) == (80, [world.council[1].pk])
    else:
        # The sheet won: the stage moved on, and the close is refused with nothing changed.
        assert isinstance(close, ValidationError), close
        assert model.final_score == 85
        assert CouncilClosure.objects.count() == 0
