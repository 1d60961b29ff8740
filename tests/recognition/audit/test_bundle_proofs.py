"""Offline bundles carry the signed checkpoint and inclusion proofs: verified with only the public key."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from recognition.audit import chain
from recognition.audit.keys import signing_key
from recognition.audit.signing import checkpoint_sign, private_key_generate, public_key_pem
from tests.recognition.audit_support import straight_through

from .support import audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(client, world, dossier, tmp_path, settings):
    model = straight_through(world, dossier)
    client.force_login(world.auditor)
    response = client.get(f"/audit/models/{model.pk}/bundle.json")
    assert response.status_code == 200
    bundle = json.loads(response.content)
    public = tmp_path / "kheo.pub.pem"
    public.write_bytes(public_key_pem(signing_key().public_key()))
    # The auditor's machine: no signing key, only the public key file.
    settings.KHEO_AUDIT_SIGNING_KEY = ""
    settings.KHEO_AUDIT_SIGNING_KEY_FILE = ""
    return model, bundle, tmp_path / "bundle.json", public


def save(path, bundle):
    path.write_text(json.dumps(bundle, ensure_ascii=False))
    return path


def test_bundle_verifies_with_only_the_public_key(exported):
    model, bundle, path, public = exported
    checkpoint = bundle["tree"]["checkpoint"]
    assert [record["tree_index"] is not None for record in bundle["records"]] == [True] * len(bundle["records"])
    verdict = audit_verify("--bundle", save(path, bundle), "--public-key", public)
    assert verdict.code == 0, verdict.output
    assert f"mốc {checkpoint['tree_size']} lá, gốc {checkpoint['root_hash'][:16]}" in verdict.output
    assert "chữ ký hợp lệ" in verdict.output


def test_forged_bundle_with_its_chain_recomputed_fails_its_inclusion_proofs(exported):
    model, bundle, path, public = exported
    records = bundle["records"]
    records[4]["reason"] = "Sửa trong tệp"
    previous = chain.GENESIS_HASH
    for record in records:  # the forger recomputes the chain and the head, as the rule is public
        record["previous_hash"] = previous
        record["record_hash"] = chain.record_hash(previous, {name: record[name] for name in chain.CHAINED_FIELDS})
        previous = record["record_hash"]
    bundle["chain"]["head"]["hash"] = previous

    verdict = audit_verify("--bundle", save(path, bundle), "--public-key", public)
    assert verdict.code == 1
    assert (
        f"mô hình #{model.pk}, bản ghi id={records[4]['id']} (vị trí 5): bằng chứng bao hàm không khớp gốc "
        f"của mốc đã ký (vị trí cây {records[4]['tree_index']})"
    ) in verdict.output


def test_bundle_re_signed_with_another_key_is_refused(exported):
    model, bundle, path, public = exported
    checkpoint = bundle["tree"]["checkpoint"]
    fields = {name: checkpoint[name] for name in ("origin", "tree_size", "root_hash", "timestamp")}
    bundle["tree"]["checkpoint"] = checkpoint_sign(private_key_generate(), **fields)

    verdict = audit_verify("--bundle", save(path, bundle), "--public-key", public)
    assert verdict.code == 3
    assert "mốc được ký bằng khóa khác" in verdict.output


def test_bundle_with_a_checkpoint_from_the_future_is_refused(exported, tmp_path):
    model, bundle, path, public = exported
    key = private_key_generate()
    future_public = tmp_path / "future.pub.pem"
    future_public.write_bytes(public_key_pem(key.public_key()))
    checkpoint = bundle["tree"]["checkpoint"]
    fields = {name: checkpoint[name] for name in ("origin", "tree_size", "root_hash")}
    later = chain.canonical_time(timezone.now() + timedelta(days=30))
    bundle["tree"]["checkpoint"] = checkpoint_sign(key, **fields, timestamp=later)

    verdict = audit_verify("--bundle", save(path, bundle), "--public-key", future_public)
    assert verdict.code == 3
    assert "mốc “từ tương lai”" in verdict.output


def test_bundle_without_a_public_key_cannot_be_trusted(exported):
    model, bundle, path, public = exported
    verdict = audit_verify("--bundle", save(path, bundle))
    assert verdict.code == 3
    assert "cần khóa công khai (--public-key) để kiểm tra chữ ký của mốc" in verdict.output


def test_unreadable_public_key_is_named(exported, tmp_path):
    model, bundle, path, public = exported
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    verdict = audit_verify("--bundle", save(path, bundle), "--public-key", junk)
    assert verdict.code == 2
    assert "khóa công khai không đọc được" in verdict.output
