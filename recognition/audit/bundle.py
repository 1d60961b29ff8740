"""One model's audit trail as a self-contained JSON bundle, and its offline verification.

The bundle carries every record with its chain fields, the chain head, the daily
seals that cover the chain and (version 2) the signed checkpoint of the audit
Merkle tree with each record's inclusion proof (RFC 9162). So
`manage.py audit_verify --bundle FILE --public-key KEY.pem` checks it with only
the public key, without the database: a record edited in the file, or a whole
bundle recomputed by someone without the private key, no longer proves its
inclusion in the signed tree.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import chain, merkle
from .report import CHECKPOINT_KEY
from .signing import checkpoint_shape_problem
from .verification import Problem, Report, records_verify
from .witness import WitnessCheckpoint, witness_trust_problem

BUNDLE_FORMAT = "kheo.audit-bundle"
BUNDLE_VERSION = 2
READABLE_VERSIONS = (1, 2)


def bundle_build(*, movement_model, exported_by) -> dict[str, Any]:
    """The bundle of one model's chain. Precondition: the caller may see the model (views check it)."""
    from recognition.models.audit import AuditChainHead, AuditDigest, AuditEvent
    from recognition.services.audit import chained_values

    chain_key = chain.chain_key_for(movement_model.pk)
    events = AuditEvent.objects.filter(chain_key=chain_key).order_by("sequence")
    records = [
        {
            "id": event.pk,
            **chained_values(event),
            "previous_hash": event.previous_hash,
            "record_hash": event.record_hash,
        }
        for event in events
    ]
    tree = _tree_section(records)
    head = AuditChainHead.objects.filter(chain_key=chain_key).values_list("sequence", "head_hash").first()
    seals = [
        {
            "day": digest.day.isoformat(),
            "digest_hash": digest.digest_hash,
            "sequence": digest.heads[chain_key][0],
            "hash": digest.heads[chain_key][1],
        }
        for digest in AuditDigest.objects.filter(heads__has_key=chain_key).order_by("day")
    ]
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "exported_at": chain.canonical_time(timezone.now()),
        "exported_by": exported_by.get_username(),
        "model": {
            "id": movement_model.pk,
            "name": movement_model.name,
            "unit": str(movement_model.unit),
            "campaign": str(movement_model.campaign),
            "stage": movement_model.stage,
        },
        "chain": {
            "key": chain_key,
            "hash": "sha256(previous_hash + canonical_json([format_version, *fields]))",
            "format_version": chain.FORMAT_VERSION,
            "fields": list(chain.CHAINED_FIELDS),
            "genesis": chain.GENESIS_HASH,
            "head": {"sequence": head[0], "hash": head[1]} if head else None,
        },
        "records": records,
        "seals": seals,
        "tree": tree,
    }


def _tree_section(records: list[dict]) -> dict | None:
    """The signed checkpoint and each record's tree index and inclusion proof (added to `records` in place).

    The sequencer runs first, so records committed a moment ago are covered. None
    when no checkpoint can be signed (no key configured): the bundle then carries
    the chain only, as version 1 did.
    """
    from recognition.audit.selectors import audit_tree_load
    from recognition.audit.signing import SigningKeyError
    from recognition.models.audit import AuditLeaf
    from recognition.services.audit_tree import AuditTreeBroken, checkpoint_current, checkpoint_json

    try:
        checkpoint = checkpoint_current()
    except (SigningKeyError, AuditTreeBroken):
        return None
    if checkpoint is None:
        return None
    size = checkpoint.tree_size
    tree = audit_tree_load(size=size)
    positions = dict(
        AuditLeaf.objects.filter(event_id__in=[r["id"] for r in records], tree_index__lt=size).values_list(
            "event_id", "tree_index"
        )
    )
    for record in records:
        index = positions.get(record["id"])
        record["tree_index"] = index
        record["inclusion_proof"] = [] if index is None else [node.hex() for node in tree.inclusion_proof(index, size)]
    return {
        "hash": "RFC 9162: leaf = sha256(0x00 || data), node = sha256(0x01 || left || right)",
        "leaf_data": "json([1, id, chain_key, sequence, record_hash])",
        "checkpoint": checkpoint_json(checkpoint),
    }


def bundle_dumps(bundle: dict) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode()


@dataclass
class BundleVerdict:
    report: Report
    error: str = ""  # set when the file is not a readable bundle at all
    model_label: str = ""
    head_hash: str = ""
    checkpoint_label: str = ""

    @property
    def is_intact(self) -> bool:
        return not self.error and self.report.is_intact


def bundle_verify(raw: bytes, *, public_keys: dict | None = None, now=None) -> BundleVerdict:
    """Verify a bundle's bytes. Never raises: a broken or foreign file gets a verdict naming what is wrong.

    With `public_keys` ({key id: Ed25519 public key}), a version 2 bundle's checkpoint
    signature and every record's inclusion proof are checked too.
    """
    report = Report()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return BundleVerdict(report, _("Tệp không phải văn bản UTF-8: không phải gói nhật ký."))
    try:
        bundle = json.loads(text)
    except json.JSONDecodeError as error:
        return BundleVerdict(
            report,
            _(
                "Tệp không phải JSON hợp lệ (dòng %(line)s, cột %(column)s): tệp bị cắt cụt, bị sửa hỏng "
                "hoặc không phải gói nhật ký."
            )
            % {"line": error.lineno, "column": error.colno},
        )
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        return BundleVerdict(
            report,
            _("Tệp JSON này không phải gói nhật ký Khéo (thiếu “format”: “%(format)s”).") % {"format": BUNDLE_FORMAT},
        )
    if bundle.get("version") not in READABLE_VERSIONS:
        return BundleVerdict(
            report, _("Phiên bản gói nhật ký %(version)s không được hỗ trợ.") % {"version": bundle.get("version")}
        )
    chain_info, records = bundle.get("chain"), bundle.get("records")
    if not isinstance(chain_info, dict) or not isinstance(chain_info.get("key"), str) or not isinstance(records, list):
        return BundleVerdict(report, _("Gói nhật ký thiếu phần “chain” hoặc “records”: tệp đã bị sửa hoặc cắt bớt."))
    chain_key = chain_info["key"]
    model = bundle.get("model") if isinstance(bundle.get("model"), dict) else {}
    verdict = BundleVerdict(report, model_label=f"#{model.get('id')} {model.get('name', '')}".strip())

    required = ("id", "previous_hash", "record_hash", *chain.CHAINED_FIELDS)
    for index, record in enumerate(records, start=1):
        missing = [name for name in required if not isinstance(record, dict) or name not in record]
        if missing:
            report.add(
                Problem(
                    chain_key,
                    record.get("id") if isinstance(record, dict) else None,
                    index,
                    (
                        _("bản ghi thứ %(index)s thiếu trường: %(fields)s")
                        % {"index": index, "fields": ", ".join(missing)},
                    ),
                )
            )
            return verdict
        if not isinstance(record["sequence"], int) or not all(
            isinstance(record[name], str) for name in ("previous_hash", "record_hash", "occurred_at")
        ):
            report.add(
                Problem(
                    chain_key,
                    record["id"],
                    index,
                    (_("bản ghi thứ %(index)s có trường sai kiểu dữ liệu") % {"index": index},),
                )
            )
            return verdict

    head = chain_info.get("head")
    head_pair = None
    if isinstance(head, dict) and isinstance(head.get("sequence"), int) and isinstance(head.get("hash"), str):
        head_pair = (head["sequence"], head["hash"])
        verdict.head_hash = head["hash"]
    sealed = {}
    for seal in bundle.get("seals") or ():
        if isinstance(seal, dict) and isinstance(seal.get("sequence"), int):
            sealed[seal["sequence"]] = (seal.get("hash"), seal.get("day"))
    records_verify(chain_key, records, report, head=head_pair, sealed=sealed, head_label=_("đầu chuỗi ghi trong gói"))
    if bundle["version"] >= 2:
        _tree_verify(bundle, chain_key, records, verdict, public_keys or {}, now or timezone.now())
    return verdict


def _tree_verify(bundle: dict, chain_key: str, records: list, verdict: BundleVerdict, public_keys: dict, now) -> None:
    """The signed checkpoint, then each record's inclusion proof against its root."""
    report = verdict.report
    tree = bundle.get("tree")
    checkpoint = tree.get("checkpoint") if isinstance(tree, dict) else None
    shape = checkpoint_shape_problem(checkpoint)
    if shape:
        report.add(
            Problem(
                CHECKPOINT_KEY, None, None, (_("gói không mang mốc đã ký hợp lệ: %(problem)s") % {"problem": shape},)
            )
        )
        return
    if not public_keys:
        report.add_untrusted(
            Problem(CHECKPOINT_KEY, None, None, (_("cần khóa công khai (--public-key) để kiểm tra chữ ký của mốc"),))
        )
        return
    witness = WitnessCheckpoint(_("mốc trong gói"), checkpoint)
    skew = timedelta(seconds=getattr(settings, "KHEO_AUDIT_CLOCK_SKEW_SECONDS", 300))
    problem = witness_trust_problem(witness, public_keys=public_keys, now=now, skew=skew)
    if problem:
        report.add_untrusted(Problem(CHECKPOINT_KEY, None, checkpoint["tree_size"], (problem,)))
        return
    verdict.checkpoint_label = _("Gói nhật ký mô hình %(model)s; %(checkpoint)s: chữ ký hợp lệ.") % {
        "model": verdict.model_label,
        "checkpoint": witness.describe(),
    }
    size, root = checkpoint["tree_size"], bytes.fromhex(checkpoint["root_hash"])
    for record in records:
        index, proof = record.get("tree_index"), record.get("inclusion_proof")
        if index is None and not proof:
            report.add(
                Problem(chain_key, record["id"], record["sequence"], (_("bản ghi không nằm trong mốc đã ký của gói"),))
            )
            continue
        try:
            leaf = merkle.record_leaf_hash(record["id"], record["chain_key"], record["sequence"], record["record_hash"])
            included = merkle.inclusion_verify(leaf, index, size, [bytes.fromhex(node) for node in proof], root)
        except (TypeError, ValueError):
            included = False
        if not included:
            report.add(
                Problem(
                    chain_key,
                    record["id"],
                    record["sequence"],
                    (
                        _(
                            "bằng chứng bao hàm không khớp gốc của mốc đã ký (vị trí cây %(index)s): bản ghi trong gói "
                            "đã bị sửa, thêm hoặc đổi chỗ"
                        )
                        % {"index": index},
                    ),
                )
            )
