"""The canonical form of an audit record and its hash: the contract an offline verifier relies on."""

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

from recognition.audit.chain import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    canonical_json,
    canonical_time,
    chain_key_for,
    digest_hash,
    normalise_ip,
    normalise_json,
    record_hash,
    record_hash_from_row,
)

VALUES = {
    "chain_key": "model:12",
    "sequence": 3,
    "occurred_at": "2026-03-02T01:00:00.000000+00:00",
    "actor_id": 4,
    "actor_label": "thuongtruc",
    "on_behalf_of_id": None,
    "actor_unit_id": 2,
    "actor_roles": "standing_body",
    "movement_model_id": 12,
    "process_id": 9,
    "task_id": 30,
    "action": "dossier_returned",
    "reason": "Thiếu ảnh",
    "payload": {"z": 1, "a": {"y": [1, "đ"], "b": None}},
    "client_ip": "10.0.0.1",
    "user_agent": "Firefox",
}


def reference_bytes(value) -> bytes:
    """The documented spelling: Python's json with sorted keys, no spaces, UTF-8 unescaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def test_chain_keys():
    assert chain_key_for(12) == "model:12"
    assert chain_key_for(0) == "model:0"
    assert chain_key_for(None) == "global"


def test_time_is_utc_with_microseconds_whatever_its_form():
    local = datetime(2026, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    assert canonical_time(local) == "2026-03-02T01:00:00.000000+00:00"
    assert canonical_time("2026-03-02T08:00:00.5+07:00") == "2026-03-02T01:00:00.500000+00:00"
    assert canonical_time(datetime(2026, 3, 2, 1, tzinfo=UTC)) == "2026-03-02T01:00:00.000000+00:00"


def test_json_is_normalised_as_a_database_returns_it():
    value = {1: 2.0, "a": [1.5, (3, 4.0)], "b": {"c": True, "d": None, "e": "x"}, "f": -0.25}
    assert normalise_json(value) == {"1": 2, "a": ["1.5", [3, 4]], "b": {"c": True, "d": None, "e": "x"}, "f": "-0.25"}
    assert type(normalise_json(2.0)) is int
    assert normalise_json(1e-7) == "1e-07"
    assert normalise_json(True) is True


def test_addresses_are_compressed_and_junk_dropped():
    assert normalise_ip(None) is None
    assert normalise_ip("") is None
    assert normalise_ip("not an address") is None
    assert normalise_ip(" 10.0.0.1 ") == "10.0.0.1"
    assert normalise_ip("::ffff:10.0.0.1") == "10.0.0.1"
    assert normalise_ip("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:db8::1"


def test_canonical_json_is_the_documented_spelling():
    assert canonical_json(VALUES) == reference_bytes([1, *(VALUES[name] for name in CHAINED_FIELDS)])
    assert canonical_json(VALUES).startswith(b'[1,"model:12",3,"2026-03-02T01:00:00.000000+00:00",4,')
    assert "Thiếu ảnh".encode() in canonical_json(VALUES)


def test_record_hash_follows_the_previous_one():
    expected = hashlib.sha256(GENESIS_HASH.encode() + reference_bytes([1, *VALUES.values()])).hexdigest()
    assert GENESIS_HASH == "0" * 64
    assert record_hash(GENESIS_HASH, VALUES) == expected
    assert record_hash_from_row(GENESIS_HASH, [VALUES[name] for name in CHAINED_FIELDS]) == expected
    assert record_hash("f" * 64, VALUES) != expected


def test_digest_hash_covers_the_day_the_heads_and_the_count():
    heads = {"model:12": "ab" * 32, "global": "cd" * 32}
    body = reference_bytes([1, "2026-03-02", "2026-03-02T17:00:00.000000+00:00", heads, 2])
    expected = hashlib.sha256(("e" * 64).encode() + body).hexdigest()
    assert (
        digest_hash(
            "e" * 64, day="2026-03-02", sealed_at="2026-03-02T17:00:00.000000+00:00", heads=heads, chains_total=2
        )
        == expected
    )
