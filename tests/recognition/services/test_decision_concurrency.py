"""Two first signings of one decision number at the same moment (PostgreSQL, real threads)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401 - read by the skipif condition
from django.utils import timezone

from recognition.models import AuditEvent, DecisionEntry, RecognitionDecision
from recognition.roles import Role
from tests.factories import user_with_role
from tests.recognition.audit_support import check, evaluate, register, survey
from tests.workflows.test_concurrency import _race
from workflows.demo import _open_task
from workflows.services import task_claim, task_complete

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent inserts need a server database"),
]

NUMBER = "21-QĐ/BCĐ"


def _awaiting_signature(world, dossier, name):
    model = register(world, dossier, name=name)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 16)
    return model


def _signing(model, signer):
    task = _open_task(model, "recognise", signer)
    task_claim(task_id=task.pk, user=signer)
    data = {"decision_number": NUMBER, "signed_on": timezone.localdate().isoformat()}
    return lambda: task_complete(task_id=task.pk, user=signer, data=data)


def test_two_signers_first_signing_one_number_one_wins_the_other_is_told(world, dossier):
    deputy_chair = user_with_role(role=Role.CHAIR, unit=world.province, username="photruongban")
    first = _awaiting_signature(world, dossier, "Hũ gạo tình thương")
    second = _awaiting_signature(world, dossier, "Tổ dân vận")

    outcomes = _race(_signing(first, world.chair), _signing(second, deputy_chair))

    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], ValidationError), outcomes
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert refusals[0].message_dict == {
        "decision_number": [
            f"Quyết định số {NUMBER} đã ban hành ngày {today}; không bổ sung vào quyết định đã ban hành. "
            "Hãy dùng số quyết định mới."
        ]
    }
    decision = RecognitionDecision.objects.get()
    assert DecisionEntry.objects.get().decision == decision
    assert AuditEvent.objects.filter(action="decision_issued").count() == 1
    stages = sorted(model.stage for model in type(first).objects.filter(pk__in=[first.pk, second.pk]))
    assert stages == ["recognition", "replication"]


def test_one_signer_signing_two_models_at_once_lists_both_in_one_decision(world, dossier):
    first = _awaiting_signature(world, dossier, "Hũ gạo tình thương")
    second = _awaiting_signature(world, dossier, "Tổ dân vận")

    outcomes = _race(_signing(first, world.chair), _signing(second, world.chair))

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    decision = RecognitionDecision.objects.get()
    assert sorted(decision.entries.values_list("movement_model__name", flat=True)) == [
        "Hũ gạo tình thương",
        "Tổ dân vận",
    ]
    assert AuditEvent.objects.filter(action="decision_issued").count() == 1
    assert AuditEvent.objects.filter(action="model_recognised").count() == 2
