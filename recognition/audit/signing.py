"""Signed checkpoints of the audit tree (Ed25519, `cryptography`): keys, key ids, signing and checking.

A checkpoint states "the audit tree had `tree_size` leaves and root `root_hash` at
`timestamp`", signed by the key named `key_id` (the first 16 hex digits of the
SHA-256 of the raw public key). The signed bytes are the canonical JSON of those
fields plus `format`, `version` and `origin`.

The private key is NEVER stored in the database: it is read from the file named by
`KHEO_AUDIT_SIGNING_KEY_FILE` or from the `KHEO_AUDIT_SIGNING_KEY` setting
(environment), as PKCS#8 PEM. Verifiers trust the signing key's public half plus
every public key listed in `KHEO_AUDIT_PUBLIC_KEYS` (PEM files, or a directory of
them), so checkpoints signed by a retired key stay verifiable after a rotation.

Checking needs no database: an offline bundle is verified with only a public key file.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

CHECKPOINT_FORMAT = "kheo.audit-checkpoint"
CHECKPOINT_VERSION = 1
SIGNED_FIELDS = ("format", "version", "origin", "tree_size", "root_hash", "timestamp", "key_id")


class SigningKeyError(Exception):
    """A key could not be read; the message is user-facing (Vietnamese)."""


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def private_key_generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_key_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def private_key_load(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(_("khóa ký không đọc được (%(error)s)") % {"error": error})
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(_("khóa ký không phải khóa Ed25519"))
    return key


def public_key_load(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(_("khóa công khai không đọc được (%(error)s)") % {"error": error})
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(_("khóa công khai không phải khóa Ed25519"))
    return key


def public_keys_from_paths(paths: list[str]) -> dict[str, Ed25519PublicKey]:
    """{key id: key} of PEM public keys in the files (or directories of *.pem files) named."""
    keys: dict[str, Ed25519PublicKey] = {}
    for name in paths:
        path = Path(name)
        files = sorted(path.glob("*.pem")) if path.is_dir() else [path]
        for file in files:
            try:
                pem = file.read_bytes()
            except OSError as error:
                raise SigningKeyError(
                    _("không đọc được khóa công khai %(file)s: %(error)s") % {"file": file, "error": error.strerror}
                )
            if b"PRIVATE KEY" in pem:
                key = private_key_load(pem).public_key()
            else:
                key = public_key_load(pem)
            keys[key_id(key)] = key
    return keys


def signed_bytes(checkpoint: dict[str, Any]) -> bytes:
    return orjson.dumps({name: checkpoint[name] for name in SIGNED_FIELDS}, option=orjson.OPT_SORT_KEYS)


def checkpoint_sign(
    private_key: Ed25519PrivateKey, *, origin: str, tree_size: int, root_hash: str, timestamp: str
) -> dict[str, Any]:
    checkpoint = {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "origin": origin,
        "tree_size": tree_size,
        "root_hash": root_hash,
        "timestamp": timestamp,
        "key_id": key_id(private_key.public_key()),
    }
    checkpoint["signature"] = base64.b64encode(private_key.sign(signed_bytes(checkpoint))).decode()
    return checkpoint


@dataclass(frozen=True)
class SignatureCheck:
    is_valid: bool
    problem: str = ""  # Vietnamese, when not valid


def checkpoint_shape_problem(checkpoint: Any) -> str:
    """What makes `checkpoint` not a checkpoint at all, or "" (Vietnamese)."""
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != CHECKPOINT_FORMAT:
        return _("không phải mốc kiểm tra Khéo (thiếu “format”: “%(format)s”)") % {"format": CHECKPOINT_FORMAT}
    if checkpoint.get("version") != CHECKPOINT_VERSION:
        return _("phiên bản mốc kiểm tra %(version)s không được hỗ trợ") % {"version": checkpoint.get("version")}
    types = {
        "origin": str,
        "tree_size": int,
        "root_hash": str,
        "timestamp": str,
        "key_id": str,
        "signature": str,
    }
    wrong = [name for name, kind in types.items() if not isinstance(checkpoint.get(name), kind)]
    if wrong or isinstance(checkpoint.get("tree_size"), bool) or checkpoint["tree_size"] < 0:
        return _("mốc kiểm tra thiếu trường hoặc sai kiểu: %(fields)s") % {"fields": ", ".join(wrong or ["tree_size"])}
    try:
        if len(bytes.fromhex(checkpoint["root_hash"])) != 32:
            raise ValueError
    except ValueError:
        return _("root_hash của mốc kiểm tra không phải mã SHA-256")
    return ""


def checkpoint_signature_check(checkpoint: dict[str, Any], public_keys: dict[str, Ed25519PublicKey]) -> SignatureCheck:
    """Is the checkpoint signed by one of the trusted keys? Precondition: its shape is valid."""
    key = public_keys.get(checkpoint["key_id"])
    if key is None:
        known = ", ".join(sorted(public_keys)) or _("không có")
        return SignatureCheck(
            False,
            _("mốc được ký bằng khóa khác (mã khóa %(key)s), không phải khóa được tin cậy (%(known)s)")
            % {"key": checkpoint["key_id"], "known": known},
        )
    try:
        signature = base64.b64decode(checkpoint["signature"], validate=True)
        key.verify(signature, signed_bytes(checkpoint))
    except (InvalidSignature, binascii.Error, ValueError):
        return SignatureCheck(
            False,
            _("chữ ký không khớp khóa %(key)s: mốc đã bị sửa sau khi ký hoặc chữ ký bị giả")
            % {"key": checkpoint["key_id"]},
        )
    return SignatureCheck(True)
