"""The tamperings of issue 8, by an insider with write access to the database, each named by `audit_verify --witness`.

The witness is a checkpoint written with `audit_checkpoint --out` before the
tampering and kept outside the database. Every tampering recomputes whatever an
insider can recompute (record hashes, chain heads, the seal chain, and in the last
cases the tree's own leaves); none holds the signing key. On PostgreSQL the
insider first switches the triggers off (`ALTER TABLE … DISABLE TRIGGER`), which the
table owner can do: these tests then also prove that disabling the triggers does
not go unnoticed.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from recognition.audit import chain
from recognition.models import AuditEvent
from recognition.models.audit import AuditChainHead, AuditCheckpoint, AuditDigest, AuditLeaf
from recognition.services.audit import audit_digest_seal
from recognition.services.audit_tree import audit_tree_append
from tests.recognition.audit_support import check, register

from .support import (
    CHECKPOINTS,
    DIGESTS,
    EVENTS,
    HEADS,
    IS_POSTGRES,
    LEAVES,
    audit_verify,
    insert_event,
    insider,
    rechain,
    releaf,
    reseal,
    witness_path,
)

pytestmark = pytest.mark.django_db


@dataclass
class Trail:
    a: object  # a model with 7 records: registered, then its dossier accepted
    b: object  # a model with 2 records: registered
    events_a: list
    events_b: list
    seal_event: AuditEvent
    witness: Path

    @property
    def chain_a(self) -> str:
        return f"model:{self.a.pk}"


def events_of(model) -> list:
    return list(AuditEvent.objects.filter(movement_model=model).order_by("sequence"))


@pytest.fixture
def trail(world, dossier, tmp_path) -> Trail:
    """Tree indexes: 0–1 registration of A; 2–6 A's check; 7–8 registration of B; 9 the seal's record.

    The sequencer signs a checkpoint after each step, as the minute beat does.
    """
    a = register(world, dossier)
    audit_tree_append()
    check(world, a, accept=True)
    audit_tree_append()
    b = register(world, dossier, name="Camera an ninh khu dân cư")
    audit_tree_append()
    audit_digest_seal()
    audit_tree_append()
    assert AuditLeaf.objects.count() == 10
    assert list(AuditCheckpoint.objects.values_list("tree_size", flat=True)) == [2, 7, 9, 10]
    trail = Trail(
        a=a,
        b=b,
        events_a=events_of(a),
        events_b=events_of(b),
        seal_event=AuditEvent.objects.get(action="audit_sealed"),
        witness=witness_path(tmp_path),
    )
    assert [len(trail.events_a), len(trail.events_b)] == [7, 2]
    assert audit_verify("--witness", trail.witness).code == 0
    return trail


def tampered(trail: Trail) -> str:
    verdict = audit_verify("--witness", trail.witness)
    assert verdict.code == 1, verdict.output
    assert "BỊ SỬA ĐỔI" in verdict.output
    return verdict.output


def test_intact_trail_verifies_against_the_witness(trail):
    verdict = audit_verify("--witness", trail.witness)
    assert verdict.code == 0
    assert "1 mốc nhân chứng hợp lệ (chữ ký, thời điểm) đã được đối chiếu với cây nhật ký." in verdict.output
    assert "TOÀN VẸN: 10 bản ghi, 3 chuỗi" in verdict.output


# 1. A whole model's chain deleted together with its head row.
def test_deleted_chain_with_its_head_is_named(trail):
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE chain_key = %s", [f"model:{trail.b.pk}"])
        cursor.execute(f"DELETE FROM {HEADS} WHERE chain_key = %s", [f"model:{trail.b.pk}"])

    output = tampered(trail)
    for position, event in enumerate(trail.events_b, start=1):
        assert (
            f"chuỗi mô hình #{trail.b.pk}, bản ghi id={event.pk} (vị trí {position}): bản ghi đã bị xóa: "
            f"lá ở vị trí cây {6 + position} vẫn ghi nhận nó"
        ) in output


# 2. The newest records truncated and the head moved back.
def test_truncated_chain_with_head_moved_back_is_named(trail):
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id IN (%s, %s)", [trail.events_a[5].pk, trail.events_a[6].pk])
        rechain(cursor, trail.chain_a)

    output = tampered(trail)
    assert f"bản ghi id={trail.events_a[5].pk} (vị trí 6): bản ghi đã bị xóa: lá ở vị trí cây 5" in output
    assert f"bản ghi id={trail.events_a[6].pk} (vị trí 7): bản ghi đã bị xóa: lá ở vị trí cây 6" in output


# 3. Truncated into the part a daily seal covers, head moved back and the seal chain recomputed.
def test_truncation_into_the_sealed_part_with_seals_recomputed_is_named(trail):
    assert AuditDigest.objects.get().heads[trail.chain_a] == [7, trail.events_a[6].record_hash]
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE chain_key = %s AND sequence > 3", [trail.chain_a])
        rechain(cursor, trail.chain_a)
        reseal(cursor)

    output = tampered(trail)
    assert f"bản ghi id={trail.events_a[3].pk} (vị trí 4): bản ghi đã bị xóa: lá ở vị trí cây 3" in output
    # The seal's own record was rewritten to match the forged seal: its leaf no longer matches.
    assert f"bản ghi id={trail.seal_event.pk} (vị trí 1): bản ghi đã bị sửa (và tính lại mã băm)" in output


# 4. Every seal deleted.
def test_deleted_seals_are_named_by_the_records_of_the_seals(trail):
    day = AuditDigest.objects.get().day
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {DIGESTS}")

    output = tampered(trail)
    assert (
        f"chuỗi chung (không gắn với mô hình), bản ghi id={trail.seal_event.pk} (vị trí 1): "
        f"niêm phong ngày {day.isoformat()}"
    ) in output
    assert "ghi trong nhật ký không còn hoặc đã bị thay" in output


# 5. A backdated record appended with valid hashes, head and seal chain, before the sequencer ran.
def test_backdated_record_appended_after_the_checkpoint_is_named(trail):
    backdated = trail.events_a[6].occurred_at - timedelta(hours=2)
    with insider() as cursor:
        forged = insert_event(cursor, like=trail.events_a[6], sequence=8, occurred_at=backdated, reason="Bổ sung")
        rechain(cursor, trail.chain_a)
        reseal(cursor)

    output = tampered(trail)
    assert f"mô hình #{trail.a.pk}, bản ghi id={forged} (vị trí 8): không có trong cây Merkle" in output
    assert "bản ghi chèn giả sau khi ký mốc" in output


# 6. The same forged record, later appended to the tree by the honest sequencer.
def test_backdated_record_that_reached_the_tree_is_named(trail):
    backdated = trail.events_a[6].occurred_at - timedelta(hours=2)
    with insider() as cursor:
        forged = insert_event(cursor, like=trail.events_a[6], sequence=8, occurred_at=backdated, reason="Bổ sung")
        rechain(cursor, trail.chain_a)
    assert audit_tree_append().tree_size == 11

    output = tampered(trail)
    assert f"bản ghi id={forged} (vị trí 8): ghi thời điểm" in output
    assert "mới vào cây: bản ghi chèn lùi ngày" in output


# 7. A record inserted in the middle of a chain, the rest renumbered, every hash, the head and the seals recomputed.
def test_record_inserted_in_the_middle_is_named_by_the_records_it_moved(trail):
    with insider() as cursor:
        for event in reversed(trail.events_a[3:]):
            cursor.execute(f"UPDATE {EVENTS} SET sequence = sequence + 1 WHERE id = %s", [event.pk])
        insert_event(cursor, like=trail.events_a[2], sequence=4, occurred_at=trail.events_a[2].occurred_at, reason="x")
        rechain(cursor, trail.chain_a)
        reseal(cursor)

    output = tampered(trail)
    moved = trail.events_a[3]
    assert (
        f"bản ghi id={moved.pk} (vị trí 5): đổi chỗ: khi vào cây (vị trí cây 3) bản ghi ở vị trí 4 của "
        f"mô hình #{trail.a.pk}, nay ở vị trí 5 của mô hình #{trail.a.pk}"
    ) in output


# 8. A record's content edited, every later hash, the head and the seal chain recomputed.
def test_edited_record_with_everything_recomputed_is_named(trail):
    target = trail.events_a[4]
    with insider() as cursor:
        cursor.execute(f"UPDATE {EVENTS} SET reason = %s WHERE id = %s", ["Đã duyệt nhanh", target.pk])
        rechain(cursor, trail.chain_a)
        reseal(cursor)

    output = tampered(trail)
    assert (
        f"mô hình #{trail.a.pk}, bản ghi id={target.pk} (vị trí 5): bản ghi đã bị sửa (và tính lại mã băm) "
        "sau khi vào cây ở vị trí 4: mã băm lá khác"
    ) in output


# 9. Two records swapped and every hash recomputed.
def test_swapped_records_with_hashes_recomputed_are_named(trail):
    first, second = trail.events_a[2], trail.events_a[3]
    with insider() as cursor:
        cursor.execute(f"UPDATE {EVENTS} SET sequence = 1000 WHERE id = %s", [first.pk])
        cursor.execute(f"UPDATE {EVENTS} SET sequence = 3 WHERE id = %s", [second.pk])
        cursor.execute(f"UPDATE {EVENTS} SET sequence = 4 WHERE id = %s", [first.pk])
        rechain(cursor, trail.chain_a)
        reseal(cursor)

    output = tampered(trail)
    assert f"bản ghi id={second.pk} (vị trí 3): đổi chỗ: khi vào cây (vị trí cây 3) bản ghi ở vị trí 4" in output
    assert f"bản ghi id={first.pk} (vị trí 4): đổi chỗ: khi vào cây (vị trí cây 2) bản ghi ở vị trí 3" in output


# 10. The whole trail emptied (what TRUNCATE does; refused by a trigger on PostgreSQL, see below).
def test_emptied_trail_is_named_record_by_record(trail):
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS}")
        cursor.execute(f"DELETE FROM {HEADS}")
        cursor.execute(f"DELETE FROM {DIGESTS}")

    output = tampered(trail)
    assert f"bản ghi id={trail.events_a[0].pk} (vị trí 1): bản ghi đã bị xóa: lá ở vị trí cây 0" in output
    assert "BỊ SỬA ĐỔI: 10 vấn đề" in output


# 11. Everything emptied, the tree and the stored checkpoints too: only the witness is left.
def test_emptied_trail_tree_and_checkpoints_contradict_the_witness(trail):
    with insider() as cursor:
        for table in (EVENTS, HEADS, DIGESTS, LEAVES, CHECKPOINTS):
            cursor.execute(f"DELETE FROM {table}")

    output = tampered(trail)
    assert "ghi 10 lá nhưng cây chỉ còn 0: các lá 0–9 đã bị xóa" in output
    assert "không còn trong bảng mốc của cơ sở dữ liệu: mốc đã bị xóa" in output


# 12. An edit recomputed everywhere, the tree's leaves included: the signed checkpoints localise it.
def test_edit_with_the_leaves_recomputed_is_localised_by_the_signed_checkpoints(trail):
    target = trail.events_a[4]
    with insider() as cursor:
        cursor.execute(f"UPDATE {EVENTS} SET reason = %s WHERE id = %s", ["Đã duyệt nhanh", target.pk])
        rechain(cursor, trail.chain_a)
        reseal(cursor)
        releaf(cursor, [*trail.events_a, trail.seal_event])

    output = tampered(trail)
    assert "cây hiện tại không khớp mốc 10 lá" in output
    assert "các lá ở vị trí cây 2–6 đã bị sửa, xóa hoặc đổi chỗ rồi tính lại" in output
    assert f"vị trí cây 4: id={target.pk} (mô hình #{trail.a.pk}, vị trí 5)" in output


# 13. Two leaves swapped in the tree (records untouched).
def test_reordered_leaves_are_localised(trail):
    rows = {
        index: row
        for index, *row in AuditLeaf.objects.filter(tree_index__in=[7, 8]).values_list(
            "tree_index", "event_id", "chain_key", "sequence", "leaf_hash"
        )
    }
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {LEAVES} WHERE tree_index IN (7, 8)")
        for index, source in ((7, 8), (8, 7)):
            cursor.execute(
                f"INSERT INTO {LEAVES} (tree_index, event_id, chain_key, sequence, leaf_hash, appended_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [index, *rows[source], trail.events_b[0].occurred_at],
            )

    output = tampered(trail)
    assert "các lá ở vị trí cây 7–8 đã bị sửa, xóa hoặc đổi chỗ rồi tính lại" in output
    assert f"vị trí cây 7: id={trail.events_b[1].pk}" in output


def test_leaf_deleted_from_the_middle_of_the_tree_is_named(trail):
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {LEAVES} WHERE tree_index = 4")

    output = tampered(trail)
    assert output.count("thiếu lá ở vị trí cây 4–4: đã bị xóa khỏi cây") == 2  # the summary and the list
    assert "ghi 10 lá nhưng cây chỉ còn 9" in output


# 14. The newest leaves and their records removed, the head moved back, the stored checkpoints deleted.
def test_tree_cut_back_with_its_checkpoints_contradicts_the_witness(trail):
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE chain_key = %s", [f"model:{trail.b.pk}"])
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id = %s", [trail.seal_event.pk])
        cursor.execute(f"DELETE FROM {HEADS} WHERE chain_key IN (%s, 'global')", [f"model:{trail.b.pk}"])
        cursor.execute(f"DELETE FROM {DIGESTS}")
        cursor.execute(f"DELETE FROM {LEAVES} WHERE tree_index >= 7")
        cursor.execute(f"DELETE FROM {CHECKPOINTS} WHERE tree_size > 7")

    output = tampered(trail)
    assert "mốc 10 lá" in output
    assert "ghi 10 lá nhưng cây chỉ còn 7: các lá 7–9 đã bị xóa" in output


# 15. The stored checkpoints deleted (the witness still holds one).
def test_deleted_stored_checkpoints_are_named(trail):
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {CHECKPOINTS}")

    output = tampered(trail)
    assert "mốc kiểm tra đã ký: mốc 10 lá" in output
    assert "không còn trong bảng mốc của cơ sở dữ liệu: mốc đã bị xóa" in output


# 16. A checkpoint forged in the database with the insider's own key.
def test_checkpoint_forged_with_another_key_is_named(trail):
    from recognition.audit.signing import checkpoint_sign, private_key_generate

    latest = AuditCheckpoint.objects.order_by("-tree_size").first()
    forged = checkpoint_sign(
        private_key_generate(),
        origin="kheo",
        tree_size=10,
        root_hash="ab" * 32,
        timestamp=chain.canonical_time(latest.signed_at + timedelta(seconds=1)),
    )
    with insider() as cursor:
        cursor.execute(
            f"INSERT INTO {CHECKPOINTS} (tree_size, root_hash, signed_at, origin, key_id, signature, frontier,"
            " last_event_id) VALUES (10, %s, %s, 'kheo', %s, %s, '[]', 0)",
            [forged["root_hash"], latest.signed_at + timedelta(seconds=1), forged["key_id"], forged["signature"]],
        )

    output = tampered(trail)
    assert f"mốc mới nhất trong cơ sở dữ liệu: mốc được ký bằng khóa khác (mã khóa {forged['key_id']})" in output


def test_verification_changes_nothing(trail):
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id = %s", [trail.events_a[6].pk])
    counts = [model.objects.count() for model in (AuditEvent, AuditChainHead, AuditDigest, AuditLeaf, AuditCheckpoint)]

    tampered(trail)

    after = [model.objects.count() for model in (AuditEvent, AuditChainHead, AuditDigest, AuditLeaf, AuditCheckpoint)]
    assert after == counts


# PostgreSQL: what the triggers refuse to anyone who has not switched them off.

postgres_only = pytest.mark.skipif(not IS_POSTGRES, reason="the audit triggers exist on PostgreSQL only")


@postgres_only
@pytest.mark.parametrize("table", [EVENTS, HEADS, DIGESTS, LEAVES, CHECKPOINTS])
def test_truncate_of_any_audit_table_is_refused(trail, table):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        # TRUNCATE refuses while deferred foreign-key checks are pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditLeaf.objects.count() == 10


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {LEAVES} SET leaf_hash = 'x' WHERE tree_index = 0",
        f"DELETE FROM {LEAVES} WHERE tree_index = 9",
        f"UPDATE {CHECKPOINTS} SET root_hash = 'x'",
        f"DELETE FROM {CHECKPOINTS}",
        f"DELETE FROM {HEADS}",
        f"DELETE FROM {EVENTS} WHERE sequence = 1",
    ],
)
def test_rewrites_of_the_tree_checkpoints_heads_and_records_are_refused(trail, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert audit_verify("--witness", trail.witness).code == 0


@postgres_only
def test_chain_head_cannot_move_back(trail):
    with pytest.raises(DatabaseError, match="may only move forward"), transaction.atomic():
        AuditChainHead.objects.filter(chain_key=trail.chain_a).update(sequence=5)
    assert AuditChainHead.objects.get(chain_key=trail.chain_a).sequence == 7


@postgres_only
def test_disabled_trigger_then_delete_is_caught(trail):
    """The owner can `ALTER TABLE … DISABLE TRIGGER`; the witness checkpoint still names what went."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {EVENTS} DISABLE TRIGGER USER")
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id = %s", [trail.events_a[6].pk])
        cursor.execute(f"ALTER TABLE {EVENTS} ENABLE TRIGGER USER")

    output = tampered(trail)
    assert f"bản ghi id={trail.events_a[6].pk} (vị trí 7): bản ghi đã bị xóa: lá ở vị trí cây 6" in output
