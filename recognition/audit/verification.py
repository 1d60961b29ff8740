"""Checking the hash chains: in the database (streamed) or in an exported bundle (offline).

A problem names the chain (model), the record id and its position, and what
differs: a missing position, a broken link to the previous record, content whose
hash no longer matches, a head or a daily digest that disagrees with the records.
"""

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta

import orjson
from django.utils.translation import gettext as _

from . import chain
from .report import Problem, Report, describe_chain  # noqa: F401 (presentation reads it from here)
from .report import short as _short
from .tree_verification import checkpoints_verify, leaf_differences

_FETCH_FIELDS = ("id", "previous_hash", "record_hash", *chain.CHAINED_FIELDS)
_OCCURRED_AT = chain.CHAINED_FIELDS.index("occurred_at")
_FETCH_OCCURRED_AT = _FETCH_FIELDS.index("occurred_at")
_PAYLOAD = chain.CHAINED_FIELDS.index("payload")
_CLIENT_IP = chain.CHAINED_FIELDS.index("client_ip")
_MODEL_ID = chain.CHAINED_FIELDS.index("movement_model_id")


class ChainChecker:
    """Walks one chain's records in sequence order and reports what is wrong with each."""

    def __init__(self, chain_key: str, report: Report, sealed: dict | None = None):
        self.chain_key = chain_key
        self.report = report
        self.sealed = sealed or {}
        self.expected_sequence = 1
        self.expected_previous = chain.GENESIS_HASH
        self.previous_id = None
        self.expected_model_id = (
            int(chain_key[len(chain.MODEL_CHAIN_PREFIX) :])
            if chain_key.startswith(chain.MODEL_CHAIN_PREFIX) and chain_key[len(chain.MODEL_CHAIN_PREFIX) :].isdigit()
            else None
        )

    def check(
        self, record_id, previous_hash: str, stored_hash: str, row: tuple, movement_model_id=None, extra=()
    ) -> None:
        """`row` holds CHAINED_FIELDS in order, with occurred_at already canonical; `extra`: tree differences."""
        sequence = row[1]
        differences = list(extra)
        if row[0] != self.chain_key:
            differences.append(
                _("thuộc chuỗi “%(found)s” nhưng nằm trong chuỗi “%(expected)s”")
                % {"found": row[0], "expected": self.chain_key}
            )
        if movement_model_id != self.expected_model_id or (movement_model_id is None and row[0] != chain.GLOBAL_CHAIN):
            differences.append(_("mô hình của bản ghi (%(model)s) không khớp với chuỗi") % {"model": movement_model_id})
        if sequence != self.expected_sequence:
            if sequence > self.expected_sequence:
                differences.append(
                    _("thiếu bản ghi ở vị trí %(first)s–%(last)s (đã bị xóa?)")
                    % {"first": self.expected_sequence, "last": sequence - 1}
                )
            else:
                differences.append(
                    _("vị trí %(found)s lặp lại hoặc sai thứ tự (chờ vị trí %(expected)s)")
                    % {"found": sequence, "expected": self.expected_sequence}
                )
        if previous_hash != self.expected_previous:
            if self.previous_id is None:
                differences.append(
                    _("previous_hash phải là mã khởi đầu của chuỗi, nhưng là %(found)s")
                    % {"found": _short(previous_hash)}
                )
            else:
                differences.append(
                    _(
                        "previous_hash %(found)s không khớp mã băm %(expected)s của bản ghi trước (id=%(id)s): "
                        "bản ghi trước đã bị sửa, thay thế hoặc đổi chỗ"
                    )
                    % {
                        "found": _short(previous_hash),
                        "expected": _short(self.expected_previous),
                        "id": self.previous_id,
                    }
                )
        computed = chain.record_hash_from_row(previous_hash, row)
        if computed != stored_hash:
            differences.append(
                _("nội dung đã bị sửa sau khi ghi: mã băm tính lại %(computed)s khác record_hash đã lưu %(stored)s")
                % {"computed": _short(computed), "stored": _short(stored_hash)}
            )
        sealed = self.sealed.get(sequence)
        if sealed is not None and sealed[0] != stored_hash:
            differences.append(
                _("khác với mã băm đã niêm phong ngày %(day)s (%(sealed)s)")
                % {"day": sealed[1], "sealed": _short(sealed[0])}
            )
        if differences:
            self.report.add(Problem(self.chain_key, record_id, sequence, tuple(differences)))
        self.expected_sequence = sequence + 1
        self.expected_previous = stored_hash
        self.previous_id = record_id

    def finish(self, head: tuple[int, str] | None, *, head_label: str) -> None:
        last_sequence = self.expected_sequence - 1
        if head is None:
            self.report.add(
                Problem(
                    self.chain_key,
                    None,
                    None,
                    (_("chuỗi không có %(head)s: các bản ghi này có thể bị chèn giả") % {"head": head_label},),
                )
            )
            return
        sequence, head_hash = head
        if sequence > last_sequence:
            self.report.add(
                Problem(
                    self.chain_key,
                    None,
                    None,
                    (
                        _("%(head)s ghi %(count)s bản ghi nhưng chỉ còn %(found)s: các bản ghi cuối đã bị xóa")
                        % {"head": head_label, "count": sequence, "found": last_sequence},
                    ),
                )
            )
        elif sequence < last_sequence:
            self.report.add(
                Problem(
                    self.chain_key,
                    self.previous_id,
                    last_sequence,
                    (
                        _("có bản ghi sau vị trí cuối %(sequence)s mà %(head)s ghi nhận: bản ghi chèn giả")
                        % {"sequence": sequence, "head": head_label},
                    ),
                )
            )
        elif head_hash != self.expected_previous:
            self.report.add(
                Problem(
                    self.chain_key,
                    self.previous_id,
                    last_sequence,
                    (
                        _("mã băm của bản ghi cuối %(found)s khác %(head)s (%(expected)s)")
                        % {"found": _short(self.expected_previous), "head": head_label, "expected": _short(head_hash)},
                    ),
                )
            )


# The database


def database_verify(
    *,
    check_files: bool = False,
    jobs: int | None = None,
    chunk_size: int = 20_000,
    max_problems: int = 50,
    witnesses: list | None = None,
    public_keys: dict | None = None,
) -> Report:
    """Check every chain, the chain heads, the daily digests, the Merkle tree and its signed checkpoints.

    Records are read with one raw, ordered query per worker (no ORM objects), each
    joined to the tree leaf made from it; with `jobs` > 1 the chains are shared out
    between forked processes by model id while this process walks the tree. Inside
    a transaction (tests) or on an in-memory database a single process is used,
    because other connections would not see the data. `witnesses` are checkpoints
    held outside the database (`witness.witness_checkpoints_load`); `public_keys`
    the trusted keys (default: `keys.trusted_public_keys()`).
    """
    from django.conf import settings
    from django.db import connection, connections

    from recognition.models.audit import AuditChainHead, AuditCheckpoint

    from .keys import trusted_public_keys

    report = Report(max_problems=max_problems)
    public_keys = trusted_public_keys() if public_keys is None else public_keys
    heads = {
        key: (sequence, head_hash)
        for key, sequence, head_hash in AuditChainHead.objects.values_list("chain_key", "sequence", "head_hash")
    }
    sealed, digests = _digests_verify(report)
    jobs = _jobs(connection, jobs)
    _SHARED.update(
        heads=heads,
        sealed=sealed,
        check_files=check_files,
        chunk_size=chunk_size,
        max_problems=max_problems,
        merge_delay=timedelta(seconds=getattr(settings, "KHEO_AUDIT_MAX_MERGE_DELAY_SECONDS", 3600)),
        first_size=AuditCheckpoint.objects.order_by("tree_size").values_list("tree_size", flat=True).first() or 0,
    )
    if jobs == 1:
        vouched_until = checkpoints_verify(report, witnesses=witnesses or [], public_keys=public_keys)
        partials = [_shard_verify(0, 1)]
    else:
        connections.close_all()  # each forked worker opens its own connection
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pending = pool.starmap_async(_shard_verify_in_child, [(shard, jobs) for shard in range(jobs)])
            # The tree is walked here while the workers check the chains.
            vouched_until = checkpoints_verify(report, witnesses=witnesses or [], public_keys=public_keys)
            partials = pending.get()
    seen: set[str] = set()
    recorded_files: dict = {}
    problems = []
    unsequenced: list = []
    seal_records: list = []
    for partial in partials:
        report.records_checked += partial.report.records_checked
        report.chains_checked += partial.report.chains_checked
        report.problems_total += partial.report.problems_total
        problems.extend(partial.report.problems)
        seen |= partial.seen
        unsequenced.extend(partial.unsequenced)
        seal_records.extend(partial.seal_records)
        for item, where in partial.recorded_files.items():
            recorded_files.setdefault(item, where)
    problems.sort(key=lambda problem: (problem.chain_key, problem.sequence or 0))
    report.problems = (report.problems + problems)[:max_problems]
    for key, (sequence, _head_hash) in heads.items():
        if key not in seen and sequence > 0:
            report.add(
                Problem(
                    key,
                    None,
                    None,
                    (
                        _("đầu chuỗi ghi %(count)s bản ghi nhưng không còn bản ghi nào: đã bị xóa")
                        % {"count": sequence},
                    ),
                )
            )
    _unsequenced_verify(report, unsequenced, vouched_until, _SHARED["merge_delay"])
    _seal_records_verify(report, seal_records, digests)
    if check_files:
        _files_verify(report, recorded_files)
    return report


_SHARED: dict = {}


@dataclass
class _ShardResult:
    report: Report
    seen: set
    recorded_files: dict
    unsequenced: list  # (record id, chain key, sequence, occurred_at) of records not (yet) in the tree
    seal_records: list  # (record id, chain key, sequence, day, digest hash) of the seals' own records


def _jobs(connection, jobs: int | None) -> int:
    if connection.in_atomic_block or connection.vendor == "sqlite" and connection.is_in_memory_db():
        return 1
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8)
    return max(1, jobs)


def _shard_verify_in_child(shard: int, shards: int):
    from django.db import connection, connections

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Each worker sorts its shard by chain: in memory rather than in temporary files.
            cursor.execute("SET work_mem = '256MB'")
    try:
        return _shard_verify(shard, shards)
    finally:
        connections.close_all()


def _records_sql(connection, shard: int, shards: int) -> tuple[str, bool]:
    """The ordered query of one shard, each record with its leaf, and whether times come back as SQLite text."""
    from recognition.models.audit import AuditEvent, AuditLeaf

    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    leaves = connection.ops.quote_name(AuditLeaf._meta.db_table)
    columns = [f"e.{name}" for name in _FETCH_FIELDS]
    appended_at = "l.appended_at"
    if connection.vendor == "sqlite":
        # As stored (UTC text): without the cast the driver parses it into a naive datetime, slowly.
        columns[_FETCH_OCCURRED_AT] = "CAST(e.occurred_at AS TEXT)"
        appended_at = "CAST(l.appended_at AS TEXT)"
    if connection.vendor == "postgresql":
        text = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
        columns[_FETCH_OCCURRED_AT] = text.format("e.occurred_at")
        appended_at = text.format("l.appended_at")
    columns += ["l.tree_index", "l.chain_key", "l.sequence", "l.leaf_hash", appended_at]
    # Executed without parameters, so "%" is the modulo operator, not a placeholder.
    where = f" WHERE COALESCE(e.movement_model_id, 0) % {shards} = {shard}" if shards > 1 else ""
    sql = (
        f"SELECT {', '.join(columns)} FROM {table} e LEFT JOIN {leaves} l ON l.event_id = e.id{where} "
        "ORDER BY e.chain_key, e.sequence"
    )
    return sql, connection.vendor == "sqlite"


def _sqlite_time(value) -> str:
    """Django stores aware datetimes in SQLite as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'."""
    if not isinstance(value, str):
        return chain.canonical_time(value if value.tzinfo else value.replace(tzinfo=UTC))
    if len(value) == 19:
        return f"{value[:10]}T{value[11:]}.000000+00:00"
    return f"{value[:10]}T{value[11:26]}+00:00"


_FIELDS = len(chain.CHAINED_FIELDS)
_ACTION = chain.CHAINED_FIELDS.index("action")
_UNSEQUENCED_KEPT = 10_000


def _shard_verify(shard: int, shards: int) -> _ShardResult:
    from django.db import connection

    heads, sealed = _SHARED["heads"], _SHARED["sealed"]
    check_files = _SHARED["check_files"]
    result = _ShardResult(Report(max_problems=_SHARED["max_problems"]), set(), {}, [], [])
    report = result.report
    thresholds = {"delay": _SHARED["merge_delay"], "first_size": _SHARED["first_size"]}
    head_label = _("đầu chuỗi")
    sql, time_is_text = _records_sql(connection, shard, shards)
    loads = orjson.loads
    checker = None
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_SHARED["chunk_size"]):
            for row in rows:
                record_id, previous_hash, stored_hash = row[0], row[1], row[2]
                values = list(row[3 : 3 + _FIELDS])
                leaf = row[3 + _FIELDS :]
                key = values[0]
                if checker is None or key != checker.chain_key:
                    if checker is not None:
                        checker.finish(heads.get(checker.chain_key), head_label=head_label)
                    checker = ChainChecker(key, report, sealed.get(key))
                    result.seen.add(key)
                    report.chains_checked += 1
                if time_is_text:
                    values[_OCCURRED_AT] = _sqlite_time(values[_OCCURRED_AT])
                    if leaf[4] is not None:
                        leaf = (*leaf[:4], _sqlite_time(leaf[4]))
                payload = values[_PAYLOAD]
                if isinstance(payload, (str, bytes)):
                    values[_PAYLOAD] = payload = loads(payload)
                if values[_CLIENT_IP] is not None and not isinstance(values[_CLIENT_IP], str):
                    values[_CLIENT_IP] = str(values[_CLIENT_IP])
                if leaf[0] is None:
                    extra = ()
                    if len(result.unsequenced) < _UNSEQUENCED_KEPT:
                        result.unsequenced.append((record_id, key, values[1], values[_OCCURRED_AT]))
                else:
                    extra = leaf_differences(
                        record_id, key, values[1], stored_hash, values[_OCCURRED_AT], leaf, thresholds
                    )
                checker.check(record_id, previous_hash, stored_hash, values, values[_MODEL_ID], extra)
                report.records_checked += 1
                if values[_ACTION] == "audit_sealed" and isinstance(payload, dict):
                    result.seal_records.append(
                        (record_id, key, values[1], payload.get("day"), payload.get("digest_hash"))
                    )
                if check_files:
                    for item in _evidence_in(payload):
                        result.recorded_files.setdefault(item, (key, record_id, values[1]))
    if checker is not None:
        checker.finish(heads.get(checker.chain_key), head_label=head_label)
    return result


def _unsequenced_verify(report: Report, unsequenced: list, vouched_until, merge_delay: timedelta) -> None:
    """Records missing from the tree although a trusted checkpoint signed well after them: inserted later."""
    if vouched_until is None:
        return
    cutoff = chain.canonical_time(vouched_until - merge_delay)
    for record_id, key, sequence, occurred_at in unsequenced:
        if occurred_at < cutoff:
            report.add(
                Problem(
                    key,
                    record_id,
                    sequence,
                    (
                        _(
                            "không có trong cây Merkle dù ghi thời điểm %(at)s, trước mốc đã ký lúc %(signed)s: "
                            "bản ghi chèn giả sau khi ký mốc"
                        )
                        % {"at": occurred_at, "signed": chain.canonical_time(vouched_until)},
                    ),
                )
            )


def _seal_records_verify(report: Report, seal_records: list, digests: dict) -> None:
    """Every seal the trail says was made must still exist with the hash recorded."""
    for record_id, key, sequence, day, digest_hash in seal_records:
        if digests.get(day) != digest_hash:
            report.add(
                Problem(
                    key,
                    record_id,
                    sequence,
                    (
                        _("niêm phong ngày %(day)s (mã %(hash)s) ghi trong nhật ký không còn hoặc đã bị thay")
                        % {"day": day, "hash": _short(digest_hash or "")},
                    ),
                )
            )


def _digests_verify(report: Report) -> tuple[dict[str, dict[int, tuple[str, str]]], dict[str, str]]:
    """Check the digest chain; {chain: {sequence: (sealed hash, day)}} for the record checks, {day: digest hash}."""
    from recognition.models.audit import AuditDigest

    sealed: dict[str, dict[int, tuple[str, str]]] = {}
    digests: dict[str, str] = {}
    previous_hash = chain.GENESIS_HASH
    for digest in AuditDigest.objects.order_by("day").iterator():
        day = digest.day.strftime("%d/%m/%Y")
        computed = chain.digest_hash(
            digest.previous_hash,
            day=digest.day.isoformat(),
            sealed_at=chain.canonical_time(digest.sealed_at),
            heads=digest.heads,
            chains_total=digest.chains_total,
        )
        differences = []
        if digest.previous_hash != previous_hash:
            differences.append(_("không nối tiếp niêm phong trước (previous_hash khác)"))
        if computed != digest.digest_hash:
            differences.append(_("nội dung niêm phong đã bị sửa (mã băm tính lại khác)"))
        if differences:
            report.add(
                Problem(
                    f"digest:{digest.day.isoformat()}",
                    digest.pk,
                    None,
                    (_("niêm phong ngày %(day)s: ") % {"day": day} + "; ".join(differences),),
                )
            )
        previous_hash = digest.digest_hash
        digests[digest.day.isoformat()] = digest.digest_hash
        for key, (sequence, head_hash) in digest.heads.items():
            sealed.setdefault(key, {})[sequence] = (head_hash, day)
    return sealed, digests


# Evidence: files named in records by their SHA-256


def _evidence_in(payload) -> Iterator[tuple[str, object, str]]:
    """(kind, reference, sha256) of the files a payload vouches for."""
    if not isinstance(payload, dict):
        return
    for item in payload.get("attachments") or ():
        if isinstance(item, dict) and item.get("sha256") and item.get("id") is not None:
            yield ("attachment", item["id"], item["sha256"])
    for item in payload.get("documents") or ():
        if isinstance(item, dict) and item.get("sha256") and item.get("storage_name"):
            yield ("document", item["storage_name"], item["sha256"])


def file_sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_verify(report: Report, recorded: dict) -> None:
    from django.core.files.storage import default_storage

    from recognition.models import Attachment

    attachment_ids = [reference for kind, reference, _sha in recorded if kind == "attachment"]
    attachments = {a.pk: a for a in Attachment.objects.filter(pk__in=attachment_ids)}
    for (kind, reference, recorded_sha), (key, record_id, sequence) in recorded.items():
        report.files_checked += 1
        if kind == "attachment":
            attachment = attachments.get(reference)
            if attachment is None:
                difference = _("tệp đính kèm id=%(id)s không còn trong hệ thống") % {"id": reference}
            else:
                difference = _file_difference(
                    attachment.file.storage, attachment.file.name, recorded_sha, attachment.original_name
                )
                if difference is None and attachment.sha256 != recorded_sha:
                    difference = _("SHA-256 lưu cùng tệp “%(name)s” đã bị đổi") % {"name": attachment.original_name}
        else:
            difference = _file_difference(default_storage, reference, recorded_sha, reference)
        if difference is not None:
            report.add(Problem(key, record_id, sequence, (difference,)))


def _file_difference(storage, name: str, recorded_sha: str, label: str) -> str | None:
    try:
        actual = file_sha256(storage, name)
    except (OSError, ValueError):
        return _("không đọc được tệp “%(name)s”") % {"name": label}
    if actual != recorded_sha:
        return _("tệp “%(name)s” đã thay đổi: SHA-256 hiện tại %(actual)s, khi ghi nhận %(recorded)s") % {
            "name": label,
            "actual": _short(actual),
            "recorded": _short(recorded_sha),
        }
    return None


def records_verify(
    chain_key: str, records: Iterable[dict], report: Report, *, head=None, sealed=None, head_label: str
) -> None:
    """Check one chain given as canonical dicts (a bundle's records)."""
    checker = ChainChecker(chain_key, report, sealed)
    report.chains_checked += 1
    for record in records:
        row = tuple(record[name] for name in chain.CHAINED_FIELDS)
        checker.check(
            record.get("id"), record["previous_hash"], record["record_hash"], row, record.get("movement_model_id")
        )
        report.records_checked += 1
    checker.finish(head, head_label=head_label)
