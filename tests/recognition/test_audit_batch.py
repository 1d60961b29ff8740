"""`audit_batch`: the records of one transaction written together, with the chain exactly as one by one."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from recognition.audit import chain
from recognition.models import AuditEvent
from recognition.models.audit import AuditChainHead
from recognition.services.audit import audit_batch, audit_record, chained_values
from tests.recognition.audit_support import register

pytestmark = pytest.mark.django_db


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


def _chain(model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain_key=f"model:{model.pk}").order_by("sequence"))


def test_batched_records_follow_the_chain_in_order_across_chains(world, dossier):
    first, second = register(world, dossier), register(world, dossier, name="Mô hình thứ hai")
    before_first, before_second = len(_chain(first)), len(_chain(second))

    with transaction.atomic(), audit_batch():
        written = [
            audit_record(action="dossier_edited", actor=world.submitter, movement_model=first, payload={"n": 1}),
            audit_record(action="dossier_edited", system_actor="rule", movement_model=second, payload={"n": 2}),
            audit_record(action="dossier_edited", actor=world.submitter, movement_model=first, payload={"n": 3}),
        ]
        assert [event.pk for event in written] == [None, None, None]  # nothing written before the batch ends

    events = _chain(first)
    assert len(events) == before_first + 2
    assert [event.payload for event in events[-2:]] == [{"n": 1}, {"n": 3}]
    assert [event.pk for event in events[-2:]] == [written[0].pk, written[2].pk]
    assert events[-1].previous_hash == events[-2].record_hash
    assert events[-1].record_hash == chain.record_hash(events[-1].previous_hash, chained_values(events[-1]))
    assert len(_chain(second)) == before_second + 1
    head = AuditChainHead.objects.get(chain_key=f"model:{first.pk}")
    assert (head.sequence, head.head_hash) == (events[-1].sequence, events[-1].record_hash)
    call_command("audit_verify", stdout=_Sink(), stderr=_Sink())


def test_a_batch_that_raises_writes_nothing(world, dossier):
    model = register(world, dossier)
    before = AuditEvent.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        audit_record(action="dossier_edited", actor=world.submitter, movement_model=model)
        raise RuntimeError("the change failed")

    assert AuditEvent.objects.count() == before


def test_a_record_in_a_rolled_back_savepoint_is_dropped(world, dossier):
    model = register(world, dossier)
    before = len(_chain(model))

    with transaction.atomic(), audit_batch():
        audit_record(action="dossier_edited", actor=world.submitter, movement_model=model, payload={"kept": 1})
        try:
            with transaction.atomic():
                audit_record(action="dossier_edited", actor=world.submitter, movement_model=model, payload={"gone": 1})
                raise IntegrityError("refused half-way")
        except IntegrityError:
            pass
        audit_record(action="dossier_edited", actor=world.submitter, movement_model=model, payload={"kept": 2})

    events = _chain(model)
    assert [event.payload for event in events[before:]] == [{"kept": 1}, {"kept": 2}]
    assert [event.sequence for event in events] == list(range(1, before + 3))
    call_command("audit_verify", stdout=_Sink(), stderr=_Sink())
