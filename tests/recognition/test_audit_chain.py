"""Tamper evidence: raw-SQL tampering is reported with the right record; the trigger; rollback on audit failure."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from viewflow.workflow.status import STATUS

from recognition.models import AuditEvent, DossierReview, ModelStage
from recognition.models.audit import AuditChainHead, AuditDigest
from recognition.services.attachments import attachments_store
from recognition.services.audit import audit_digest_seal
from tests.recognition.audit.support import insider as tampering
from tests.recognition.audit_support import check, register
from workflows.models import RecognitionTask
from workflows.services import task_claim, task_complete

pytestmark = pytest.mark.django_db
IS_POSTGRES = connection.vendor == "postgresql"
TABLE = AuditEvent._meta.db_table
HEADS = AuditChainHead._meta.db_table


def verify_failure() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=_Sink(), stderr=_Sink())
    assert failure.value.returncode == 1
    return str(failure.value)


class _Sink:
    def write(self, text):
        pass

    def flush(self):
        pass


@pytest.fixture
def trail(world, dossier):
    """A model with 7 records: registered, task created, claimed, started, accepted, completed, survey created."""
    model = register(world, dossier)
    check(world, model, accept=True)
    events = list(AuditEvent.objects.filter(movement_model=model).order_by("sequence"))
    assert len(events) == 7
    return model, events


def test_intact_chain_verifies(trail):
    model, events = trail
    assert [e.previous_hash for e in events[1:]] == [e.record_hash for e in events[:-1]]
    head = AuditChainHead.objects.get(chain_key=f"model:{model.pk}")
    assert (head.sequence, head.head_hash) == (7, events[-1].record_hash)
    call_command("audit_verify", stdout=_Sink())


def test_changed_field_is_reported_at_that_record(trail):
    model, events = trail
    target = events[4]  # dossier_accepted
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["Đã duyệt nhanh", target.pk])

    message = verify_failure()
    assert f"mô hình #{model.pk}, bản ghi id={target.pk} (vị trí 5)" in message
    assert "nội dung đã bị sửa sau khi ghi" in message


def test_changed_field_with_recomputed_hash_breaks_the_next_link(trail):
    model, events = trail
    target = events[2]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET record_hash = %s WHERE id = %s", ["f" * 64, target.pk])

    message = verify_failure()
    # The forged hash no longer matches the content, and the next record no longer links to it.
    assert f"bản ghi id={target.pk} (vị trí 3)" in message
    assert "nội dung đã bị sửa" in message


def test_deleted_record_is_reported_at_the_gap(trail):
    model, events = trail
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [events[3].pk])

    message = verify_failure()
    assert f"mô hình #{model.pk}, bản ghi id={events[4].pk} (vị trí 5)" in message
    assert "thiếu bản ghi ở vị trí 4–4" in message


def test_deleted_last_record_is_reported_by_the_head(trail):
    model, events = trail
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])

    message = verify_failure()
    assert f"chuỗi mô hình #{model.pk}: đầu chuỗi ghi 7 bản ghi nhưng chỉ còn 6" in message


def test_reordered_records_are_reported(trail):
    model, events = trail
    first, second = events[2], events[3]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET sequence = 1000 WHERE id = %s", [first.pk])
        cursor.execute(f"UPDATE {TABLE} SET sequence = 3 WHERE id = %s", [second.pk])
        cursor.execute(f"UPDATE {TABLE} SET sequence = 4 WHERE id = %s", [first.pk])

    message = verify_failure()
    assert f"bản ghi id={second.pk} (vị trí 3)" in message
    assert "previous_hash" in message


def test_swapped_timestamps_are_reported(trail):
    model, events = trail
    first, second = events[2], events[3]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET occurred_at = %s WHERE id = %s", [second.occurred_at, first.pk])
        cursor.execute(f"UPDATE {TABLE} SET occurred_at = %s WHERE id = %s", [first.occurred_at, second.pk])

    message = verify_failure()
    assert f"bản ghi id={first.pk} (vị trí 3)" in message


def test_forged_record_appended_with_valid_hashes_is_reported(trail, world):
    """A forger who knows the hash rule still contradicts the chain head."""
    from recognition.audit import chain
    from recognition.services.audit import chained_values

    model, events = trail
    forged = AuditEvent(
        occurred_at=events[-1].occurred_at,
        actor=world.chair,
        actor_label="truongban",
        movement_model=model,
        action="model_recognised",
        payload={},
        chain_key=f"model:{model.pk}",
        sequence=8,
        previous_hash=events[-1].record_hash,
    )
    forged.record_hash = chain.record_hash(forged.previous_hash, chained_values(forged))
    with tampering() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (occurred_at, actor_id, actor_label, actor_roles, movement_model_id, action, reason,"
            " payload, user_agent, chain_key, sequence, previous_hash, record_hash)"
            " VALUES (%s, %s, 'truongban', '', %s, 'model_recognised', '', '{}', '', %s, 8, %s, %s)",
            [forged.occurred_at, world.chair.pk, model.pk, forged.chain_key, forged.previous_hash, forged.record_hash],
        )
        forged_id = AuditEvent.objects.get(chain_key=forged.chain_key, sequence=8).pk

    message = verify_failure()
    assert f"bản ghi id={forged_id} (vị trí 8)" in message
    assert "bản ghi chèn giả" in message


def test_forged_record_with_made_up_hashes_is_reported(trail, world):
    model, events = trail
    with tampering() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (occurred_at, actor_label, actor_roles, movement_model_id, action, reason, payload,"
            " user_agent, chain_key, sequence, previous_hash, record_hash)"
            " VALUES (%s, 'system:x', '', %s, 'model_recognised', '', '{}', '', %s, 8, %s, %s)",
            [events[-1].occurred_at, model.pk, f"model:{model.pk}", "a" * 64, "b" * 64],
        )
        forged_id = AuditEvent.objects.get(chain_key=f"model:{model.pk}", sequence=8).pk

    message = verify_failure()
    assert f"bản ghi id={forged_id} (vị trí 8)" in message
    assert f"không khớp mã băm {events[-1].record_hash[:16]}" in message


def test_rewritten_chain_contradicts_the_daily_seal(trail):
    """Even a consistent rewrite of the whole chain (and its head) disagrees with the day's seal."""
    from recognition.audit import chain
    from recognition.services.audit import chained_values

    model, events = trail
    digest = audit_digest_seal()
    assert digest.heads == {f"model:{model.pk}": [7, events[-1].record_hash]}
    previous = chain.GENESIS_HASH
    with tampering() as cursor:
        for event in events:
            if event.sequence == 5:
                event.reason = "Viết lại"
            event.previous_hash = previous
            event.record_hash = chain.record_hash(previous, chained_values(event))
            cursor.execute(
                f"UPDATE {TABLE} SET reason = %s, previous_hash = %s, record_hash = %s WHERE id = %s",
                [event.reason, event.previous_hash, event.record_hash, event.pk],
            )
            previous = event.record_hash
        cursor.execute(f"UPDATE {HEADS} SET head_hash = %s WHERE chain_key = %s", [previous, f"model:{model.pk}"])

    message = verify_failure()
    assert f"bản ghi id={events[-1].pk} (vị trí 7)" in message
    assert "khác với mã băm đã niêm phong ngày" in message


def test_daily_seals_chain_and_are_idempotent(trail, world, dossier):
    first = audit_digest_seal()
    assert audit_digest_seal() == first
    assert AuditDigest.objects.count() == 1
    assert first.chains_total == 1


@pytest.mark.skipif(not IS_POSTGRES, reason="the append-only trigger exists on PostgreSQL only")
def test_trigger_refuses_update_and_delete(trail):
    model, events = trail
    for statement in (f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [events[0].pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).update(reason="x")
    assert AuditEvent.objects.get(pk=events[0].pk).reason == ""
    assert AuditEvent.objects.filter(movement_model=model).count() == 7


def test_failed_audit_insert_rolls_back_the_transition(world, dossier):
    model = register(world, dossier)
    task = RecognitionTask.objects.get(process__movement_model=model, flow_task_type="HUMAN")
    task_claim(task_id=task.pk, user=world.standing_body)
    # Occupy the chain's next position behind the writer's back: the next audit insert collides with it.
    head = AuditChainHead.objects.get(chain_key=f"model:{model.pk}")
    AuditEvent.objects.create(
        occurred_at=head.updated_at,
        actor_label="x",
        action="dossier_edited",
        chain_key=head.chain_key,
        sequence=head.sequence + 1,
    )
    records_before = AuditEvent.objects.count()

    with pytest.raises(IntegrityError):
        task_complete(task_id=task.pk, user=world.standing_body, data={"decision": "accept"})

    model.refresh_from_db()
    task.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED
    assert task.status == STATUS.ASSIGNED
    assert DossierReview.objects.count() == 0
    assert AuditEvent.objects.count() == records_before
    assert RecognitionTask.objects.filter(process__movement_model=model).count() == 2


def test_reason_is_mandatory_for_a_return(world, dossier):
    from django.core.exceptions import ValidationError

    from recognition.services.audit import audit_record

    model = register(world, dossier)
    with pytest.raises(ValidationError), transaction.atomic():
        audit_record(action="dossier_returned", actor=world.standing_body, movement_model=model, reason="  ")
    assert not AuditEvent.objects.filter(action="dossier_returned").exists()


def test_changed_attachment_file_is_reported_with_files_option(world, dossier, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    model = register(world, dossier)
    content = b"%PDF-1.4 bien ban hop dan"
    with transaction.atomic():
        from recognition.services.attachments import attachments_payload
        from recognition.services.audit import audit_record

        stored = attachments_store(
            movement_model=model,
            stage=ModelStage.REGISTERED,
            files=[ContentFile(content, name="bien-ban.pdf")],
            uploaded_by=world.submitter,
        )
        audit_record(
            action="dossier_edited",
            actor=world.submitter,
            movement_model=model,
            payload={"attachments": attachments_payload(stored)},
        )
    event = AuditEvent.objects.get(movement_model=model, action="dossier_edited")
    assert event.payload["attachments"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    call_command("audit_verify", "--files", stdout=_Sink())

    with default_storage.open(stored[0].file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 bien ban da bi sua")
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", "--files", stdout=_Sink(), stderr=_Sink())
    assert f"bản ghi id={event.pk}" in str(failure.value)
    assert "tệp “bien-ban.pdf” đã thay đổi" in str(failure.value)


def test_digest_task_seals_today(trail):
    from recognition.audit.tasks import audit_digest_seal_task

    model, events = trail
    digest_hash = audit_digest_seal_task()
    digest = AuditDigest.objects.get()
    assert digest.digest_hash == digest_hash
    assert digest.heads == {f"model:{model.pk}": [7, events[-1].record_hash]}
    call_command("audit_verify", stdout=_Sink())


@pytest.mark.skipif(not IS_POSTGRES, reason="worker processes need committed data on a shared server")
# serialized_rollback: the reference data (levels, fields) comes from migrations and an
# earlier transactional test may have flushed it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_workers_find_the_tampered_record(world, dossier):
    from recognition.audit.verification import database_verify
    from tests.recognition.audit_support import register as register_model

    models = [register_model(world, dossier, name=f"Mô hình {index}") for index in range(4)]
    assert database_verify(jobs=2).is_intact
    target = AuditEvent.objects.filter(movement_model=models[3]).order_by("sequence")[1]
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_label = 'nguoi_khac' WHERE id = %s", [target.pk])

    report = database_verify(jobs=2)
    assert report.records_checked == 8
    assert report.chains_checked == 4
    assert [(p.chain_key, p.record_id) for p in report.problems] == [(f"model:{models[3].pk}", target.pk)]
