"""Signed checkpoints and their witnesses: keys, the sequencer, the e-mail, the witness file, the API, the web page."""

import json
from datetime import timedelta

import orjson
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from recognition.audit import merkle
from recognition.audit.signing import (
    checkpoint_sign,
    key_id,
    private_key_generate,
    private_key_pem,
    public_key_pem,
)
from recognition.models import AuditEvent
from recognition.models.audit import AuditCheckpoint, AuditLeaf
from recognition.services.audit_tree import audit_checkpoint_publish, audit_tree_append, checkpoint_json
from tests.recognition.audit_support import check, register

from .support import EVENTS, Out, audit_verify, insider, witness_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def sequenced(world, dossier):
    model = register(world, dossier)
    check(world, model, accept=True)
    checkpoint = audit_tree_append()
    assert checkpoint.tree_size == 7
    return model, checkpoint


def signed_like(checkpoint: dict, key, **changes) -> dict:
    fields = {name: checkpoint[name] for name in ("origin", "tree_size", "root_hash", "timestamp")}
    return checkpoint_sign(key, **{**fields, **changes})


# The sequencer


def test_sequencer_appends_each_committed_record_once_in_id_order(world, dossier):
    model = register(world, dossier)
    first = audit_tree_append()
    assert audit_tree_append() is None  # nothing new: no checkpoint
    check(world, model, accept=True)
    second = audit_tree_append()

    events = list(AuditEvent.objects.order_by("pk"))
    leaves = list(AuditLeaf.objects.order_by("tree_index"))
    assert [leaf.event_id for leaf in leaves] == [event.pk for event in events]
    assert [leaf.leaf_hash for leaf in leaves] == [
        merkle.record_leaf_hash(e.pk, e.chain_key, e.sequence, e.record_hash).hex() for e in events
    ]
    assert (first.tree_size, second.tree_size) == (2, 7)
    assert second.root_hash == merkle.tree_root(bytes.fromhex(leaf.leaf_hash) for leaf in leaves).hex()
    assert second.last_event_id == events[-1].pk


def test_checkpoint_is_signed_by_the_configured_key_which_is_not_in_the_database(sequenced, settings):
    from recognition.audit.keys import signing_key

    model, checkpoint = sequenced
    public = signing_key().public_key()
    assert checkpoint.key_id == key_id(public)
    data = checkpoint_json(checkpoint)
    assert audit_verify("--witness", _write(data)).code == 0
    # The private key appears in no audit table.
    secret = settings.KHEO_AUDIT_SIGNING_KEY.split("\n")[1]
    assert not AuditCheckpoint.objects.filter(signature__contains=secret[:20]).exists()


def test_sequencer_without_a_key_writes_nothing_and_says_why(world, dossier, settings):
    from recognition.audit.signing import SigningKeyError

    register(world, dossier)
    settings.KHEO_AUDIT_SIGNING_KEY = ""
    settings.KHEO_AUDIT_SIGNING_KEY_FILE = ""
    with pytest.raises(SigningKeyError, match="Chưa cấu hình khóa ký mốc nhật ký"):
        audit_tree_append()
    assert AuditLeaf.objects.count() == 0


def test_sequencer_refuses_to_extend_a_tree_cut_behind_its_back(sequenced, world, dossier):
    from recognition.services.audit_tree import AuditTreeBroken

    with insider() as cursor:
        cursor.execute("DELETE FROM recognition_auditleaf WHERE tree_index = 6")
    register(world, dossier, name="Camera an ninh khu dân cư")
    with pytest.raises(AuditTreeBroken, match="Cây nhật ký có 6 lá nhưng mốc đã ký gần nhất ghi 7 lá"):
        audit_tree_append()


# Witnesses: the file, the e-mail


def test_every_checkpoint_is_appended_to_the_witness_file(
    world, dossier, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.KHEO_AUDIT_WITNESS_DIR = str(tmp_path / "witness")
    model = register(world, dossier)
    with django_capture_on_commit_callbacks(execute=True):
        first = audit_tree_append()
    check(world, model, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = audit_tree_append()

    lines = (tmp_path / "witness" / "checkpoints.jsonl").read_bytes().splitlines()
    assert [orjson.loads(line) for line in lines] == [checkpoint_json(first), checkpoint_json(second)]
    assert audit_verify("--witness", tmp_path / "witness").code == 0


def test_daily_email_sends_the_checkpoint_to_the_top_units_auditors_once(
    world, dossier, django_capture_on_commit_callbacks
):
    from recognition.roles import Role
    from tests.factories import user_with_role

    commune_auditor = user_with_role(role=Role.AUDITOR, unit=world.commune, username="kiemtra_phuong")
    register(world, dossier)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = audit_checkpoint_publish()
        audit_checkpoint_publish()

    notifications = list(Notification.objects.filter(kind="audit_checkpoint"))
    assert [n.recipient for n in notifications] == [world.auditor]
    assert commune_auditor not in [n.recipient for n in notifications]
    assert notifications[0].subject == "Mốc kiểm tra nhật ký đã ký: 2 bản ghi"
    body = notifications[0].body
    assert f"mã băm gốc {checkpoint.root_hash}" in body
    # The JSON in the e-mail is itself a witness file.
    data = json.loads(body[body.index("{") :])
    assert data == checkpoint_json(checkpoint)


# Verdicts on untrustworthy checkpoints (exit 3) and unreadable files (exit 2)


def _write(data, name="moc.json"):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / name
    path.write_bytes(orjson.dumps(data))
    return path


def test_checkpoint_signed_with_another_key_is_refused(sequenced):
    model, checkpoint = sequenced
    other = private_key_generate()
    verdict = audit_verify("--witness", _write(signed_like(checkpoint_json(checkpoint), other)))
    assert verdict.code == 3
    assert f"mốc được ký bằng khóa khác (mã khóa {key_id(other.public_key())})" in verdict.output
    assert "MỐC KHÔNG ĐÁNG TIN" in verdict.output


def test_checkpoint_edited_after_signing_is_refused(sequenced):
    model, checkpoint = sequenced
    data = {**checkpoint_json(checkpoint), "tree_size": 3}
    verdict = audit_verify("--witness", _write(data))
    assert verdict.code == 3
    assert f"chữ ký không khớp khóa {checkpoint.key_id}: mốc đã bị sửa sau khi ký" in verdict.output


def test_checkpoint_from_the_future_is_refused(sequenced):
    from recognition.audit.keys import signing_key

    model, checkpoint = sequenced
    later = (timezone.now() + timedelta(days=1)).isoformat()
    verdict = audit_verify(
        "--witness", _write(signed_like(checkpoint_json(checkpoint), signing_key(), timestamp=later))
    )
    assert verdict.code == 3
    assert "mốc “từ tương lai”" in verdict.output


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG not json", "dòng 1: không phải JSON"),
        (b'{"format": "kheo.audit-bundle"}', "không phải mốc kiểm tra Khéo"),
        (b'{"format": "kheo.audit-checkpoint", "version": 1, "tree_size": "7"}', "thiếu trường hoặc sai kiểu"),
    ],
)
def test_unreadable_witness_file_gets_exit_2_and_changes_nothing(sequenced, tmp_path, content, message):
    path = tmp_path / "moc.json"
    path.write_bytes(content)
    leaves = AuditLeaf.objects.count()
    verdict = audit_verify("--witness", path)
    assert verdict.code == 2
    assert message in verdict.output
    assert "Traceback" not in verdict.output
    assert AuditLeaf.objects.count() == leaves


def test_missing_witness_file_is_named(sequenced, tmp_path):
    verdict = audit_verify("--witness", tmp_path / "khong-co.json")
    assert verdict.code == 2
    assert "Không đọc được tệp" in verdict.output


# Key rotation


def test_checkpoints_of_a_retired_key_stay_verifiable_when_its_public_key_is_listed(
    sequenced, settings, tmp_path, world, dossier
):
    model, old_checkpoint = sequenced
    witness = witness_path(tmp_path)
    old_public = tmp_path / "old.pub.pem"
    from recognition.audit.keys import signing_key

    old_public.write_bytes(public_key_pem(signing_key().public_key()))
    new_key = private_key_generate()
    settings.KHEO_AUDIT_SIGNING_KEY = private_key_pem(new_key).decode()
    register(world, dossier, name="Camera an ninh khu dân cư")
    assert audit_tree_append().key_id == key_id(new_key.public_key())

    # Without the retired key, its checkpoints (in the witness file and in the database) are not trusted.
    verdict = audit_verify("--witness", witness)
    assert verdict.code == 3
    settings.KHEO_AUDIT_PUBLIC_KEYS = [str(old_public)]
    verdict = audit_verify("--witness", witness)
    assert verdict.code == 0, verdict.output


def test_keygen_writes_a_private_key_file_and_its_public_half(tmp_path):
    out = Out()
    call_command("audit_keygen", "--out", str(tmp_path / "k.pem"), stdout=out)
    assert (tmp_path / "k.pem").stat().st_mode & 0o777 == 0o600
    assert b"BEGIN PUBLIC KEY" in (tmp_path / "k.pub.pem").read_bytes()
    assert "Đã tạo khóa ký" in out.text
    call_command("audit_keygen", "--out", str(tmp_path / "k.pem"), "--if-missing", stdout=out)
    verdict_code = None
    try:
        call_command("audit_keygen", "--out", str(tmp_path / "k.pem"), stdout=out)
    except Exception as error:  # CommandError
        verdict_code = str(error)
    assert "không ghi đè khóa ký" in verdict_code


# The API for external witnesses


def test_api_serves_the_latest_checkpoint_and_consistency_proofs(client, world, dossier, sequenced):
    model, first = sequenced
    register(world, dossier, name="Camera an ninh khu dân cư")
    second = audit_tree_append()
    client.force_login(world.auditor)

    latest = client.get("/api/v1/audit/checkpoints/latest/")
    assert latest.status_code == 200
    assert latest.json() == checkpoint_json(second)

    response = client.get("/api/v1/audit/checkpoints/consistency/", {"from": first.tree_size})
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["checkpoint"]) == (7, 9, checkpoint_json(second))
    assert merkle.consistency_verify(
        7, 9, bytes.fromhex(first.root_hash), bytes.fromhex(second.root_hash), [bytes.fromhex(n) for n in body["proof"]]
    )


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"from": "abc"}, "from", "Phải là số lá của cây (số nguyên không âm)."),
        ({"from": "-1"}, "from", "Phải là số lá của cây (số nguyên không âm)."),
        ({}, "from", "Phải là số lá của cây (số nguyên không âm)."),
        ({"from": "5", "to": "3"}, "from", "“from” phải không lớn hơn “to”."),
        ({"from": "1", "to": "99"}, "to", "Cây nhật ký hiện có 7 lá: không có mốc lớn hơn."),
    ],
)
def test_api_consistency_refuses_bad_sizes(client, world, sequenced, query, field, message):
    client.force_login(world.auditor)
    response = client.get("/api/v1/audit/checkpoints/consistency/", query)
    assert response.status_code == 400
    assert response.json() == {"detail": "Dữ liệu không hợp lệ.", "errors": {field: [message]}}


def test_checkpoint_api_and_page_refuse_users_without_the_audit_role(client, world, sequenced):
    client.force_login(world.submitter)
    for url in (
        "/api/v1/audit/checkpoints/latest/",
        "/api/v1/audit/checkpoints/consistency/?from=1",
        "/audit/checkpoint/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/audit/checkpoint/", {}).status_code == 403


# The auditor's page


def test_auditor_page_checks_an_uploaded_checkpoint(client, world, sequenced, tmp_path):
    model, checkpoint = sequenced
    witness = witness_path(tmp_path)
    client.force_login(world.auditor)
    page = client.get("/audit/checkpoint/")
    assert page.status_code == 200
    assert checkpoint.root_hash in page.content.decode()

    with witness.open("rb") as upload:
        response = client.post("/audit/checkpoint/", {"checkpoint": upload})
    assert response.status_code == 200
    assert "TOÀN VẸN" in response.content.decode()

    target = AuditEvent.objects.filter(movement_model=model).order_by("sequence")[6]
    with insider() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id = %s", [target.pk])
    with witness.open("rb") as upload:
        response = client.post("/audit/checkpoint/", {"checkpoint": upload})
    content = response.content.decode()
    assert response.status_code == 200
    assert "BỊ SỬA ĐỔI" in content
    assert f"bản ghi id={target.pk} (vị trí 7): bản ghi đã bị xóa" in content


def test_auditor_page_explains_an_unreadable_upload(client, world, sequenced, tmp_path):
    path = tmp_path / "anh.json"
    path.write_bytes(b"not a checkpoint")
    client.force_login(world.auditor)
    with path.open("rb") as upload:
        response = client.post("/audit/checkpoint/", {"checkpoint": upload})
    assert response.status_code == 200
    assert "không phải JSON" in response.content.decode()


def test_auditor_page_refuses_a_checkpoint_signed_with_another_key(client, world, sequenced):
    model, checkpoint = sequenced
    path = _write(signed_like(checkpoint_json(checkpoint), private_key_generate()))
    client.force_login(world.auditor)
    with path.open("rb") as upload:
        response = client.post("/audit/checkpoint/", {"checkpoint": upload})
    assert "MỐC KHÔNG ĐÁNG TIN" in response.content.decode()
    assert "mốc được ký bằng khóa khác" in response.content.decode()


def test_checkpoint_command_prints_or_writes_the_current_checkpoint(world, dossier, tmp_path):
    register(world, dossier)
    out = Out()
    with time_machine.travel(timezone.now(), tick=False):
        call_command("audit_checkpoint", stdout=out)
    data = json.loads(out.text)
    assert data == checkpoint_json(AuditCheckpoint.objects.get())
    assert data["tree_size"] == 2


def test_seal_records_render_on_the_search_page(client, world, dossier):
    from recognition.roles import Role
    from recognition.services.audit import audit_digest_seal
    from tests.factories import user_with_role

    register(world, dossier)
    digest = audit_digest_seal()
    superuser = user_with_role(role=Role.AUDITOR, unit=world.province, username="sieu", is_superuser=True)
    client.force_login(superuser)
    response = client.get("/audit/", {"action": "audit_sealed"})
    assert response.status_code == 200
    assert "Niêm phong nhật ký hằng ngày" in response.content.decode()
    assert AuditEvent.objects.get(action="audit_sealed").payload == {
        "day": digest.day.isoformat(),
        "digest_hash": digest.digest_hash,
    }
