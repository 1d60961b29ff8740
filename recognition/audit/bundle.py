"""One model's audit trail as a self-contained JSON bundle, and its offline verification.

The bundle carries every record with its chain fields, the chain head and the
daily seals that cover the chain, so `manage.py audit_verify --bundle FILE`
checks it without the database. Offline, a bundle proves it is internally
consistent; comparing its head hash with the system's (or a published daily
seal) proves it is the trail the system holds.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from . import chain
from .verification import Problem, Report, records_verify

BUNDLE_FORMAT = "kheo.audit-bundle"
BUNDLE_VERSION = 1


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
    }


def bundle_dumps(bundle: dict) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode()


@dataclass
class BundleVerdict:
    report: Report
    error: str = ""  # set when the file is not a readable bundle at all
    model_label: str = ""
    head_hash: str = ""

    @property
    def is_intact(self) -> bool:
        return not self.error and self.report.is_intact


def bundle_verify(raw: bytes) -> BundleVerdict:
    """Verify a bundle's bytes. Never raises: a broken or foreign file gets a verdict naming what is wrong."""
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
    if bundle.get("version") != BUNDLE_VERSION:
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
    return verdict
