"""Checking the audit Merkle tree in the database against the records and against signed checkpoints.

Three kinds of evidence, from strongest to weakest:
1. a checkpoint held by a witness outside the database (`--witness`): signed with
   a key the database never held, so it can be neither forged nor recomputed;
2. the checkpoints stored in the database: they can be deleted but not forged, so
   each one whose signature holds still proves the leaves before it;
3. the leaves themselves: each names the record (id, chain, position) it was made
   from, so a record deleted, rewritten or moved after it entered the tree is named
   even when its chain, its head and the seals were recomputed.

When an insider also rewrote the leaves, 1 and 2 localise the change: the leaves
before the last checkpoint that still matches are intact, the change lies in the
leaves after it, up to the first checkpoint that no longer matches.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from . import chain, merkle
from .report import CHECKPOINT_KEY, TREE_KEY, Problem, describe_chain
from .signing import checkpoint_signature_check
from .witness import WitnessCheckpoint, witness_trust_problem

_LISTED = 10


@dataclass
class StoredCheckpoint:
    tree_size: int
    root_hash: str
    data: dict  # as witnesses hold it (signed fields and signature)
    signed_at: datetime


@dataclass
class TreeFacts:
    size: int = 0
    roots: dict[int, bytes] = field(default_factory=dict)


def _db_checkpoints(*, up_to: int | None = None, latest_only: bool = False) -> list[StoredCheckpoint]:
    """The stored checkpoints (one a minute: a year holds ~500,000), all up to a size, or the latest only."""
    from recognition.models.audit import AuditCheckpoint
    from recognition.services.audit_tree import checkpoint_json

    rows = AuditCheckpoint.objects.all()
    if up_to is not None:
        rows = rows.filter(tree_size__lte=up_to)
    if latest_only:
        rows = rows.order_by("-tree_size", "-signed_at", "-pk")[:1]
    else:
        rows = rows.order_by("tree_size", "signed_at", "pk")
    return [StoredCheckpoint(c.tree_size, c.root_hash, checkpoint_json(c), c.signed_at) for c in rows.iterator(2000)]


def _stored(size: int, root_hash: str) -> bool:
    from recognition.models.audit import AuditCheckpoint

    return AuditCheckpoint.objects.filter(tree_size=size, root_hash=root_hash).exists()


def tree_pass(report, wanted_sizes: set[int], *, name_deleted: bool = True) -> TreeFacts:
    """Stream the leaves in tree order: the roots at `wanted_sizes`, gaps; and the leaves whose record is gone.

    Two plain queries (the leaves by primary key; an anti-join for deleted records),
    no sorted join, so a million leaves stream in seconds.
    """
    from recognition.models.audit import AuditEvent, AuditLeaf

    quote = connection.ops.quote_name
    leaves, events = quote(AuditLeaf._meta.db_table), quote(AuditEvent._meta.db_table)
    frontier = merkle.Frontier()
    facts = TreeFacts()
    fromhex = bytes.fromhex
    expected = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT tree_index, leaf_hash FROM {leaves} ORDER BY tree_index")
        while rows := cursor.fetchmany(20_000):
            for tree_index, leaf_hash in rows:
                if tree_index != expected:
                    report.add(
                        Problem(
                            TREE_KEY,
                            None,
                            None,
                            (
                                _("thiếu lá ở vị trí cây %(first)s–%(last)s: đã bị xóa khỏi cây")
                                % {"first": expected, "last": tree_index - 1},
                            ),
                        )
                    )
                expected = tree_index + 1
                try:
                    frontier.append(fromhex(leaf_hash))
                except ValueError:
                    frontier.append(b"")
                if frontier.size in wanted_sizes:
                    facts.roots[frontier.size] = frontier.root()
    if name_deleted:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT l.tree_index, l.event_id, l.chain_key, l.sequence FROM {leaves} l "
                f"WHERE NOT EXISTS (SELECT 1 FROM {events} e WHERE e.id = l.event_id) ORDER BY l.tree_index"
            )
            for tree_index, event_id, chain_key, sequence in cursor.fetchall():
                report.add(
                    Problem(
                        chain_key,
                        event_id,
                        sequence,
                        (_("bản ghi đã bị xóa: lá ở vị trí cây %(index)s vẫn ghi nhận nó") % {"index": tree_index},),
                    )
                )
    facts.size = frontier.size
    if 0 in wanted_sizes:
        facts.roots[0] = merkle.EMPTY_ROOT
    return facts


def checkpoints_verify(report, *, witnesses: list[WitnessCheckpoint], public_keys: dict, now=None):
    """Check the trusted checkpoints (stored and witnessed) against the tree; localise what differs.

    Returns the latest moment vouched for by a trusted checkpoint (None without one):
    records written well before it must be in the tree.
    """
    now = now or timezone.now()
    skew = timedelta(seconds=getattr(settings, "KHEO_AUDIT_CLOCK_SKEW_SECONDS", 300))
    stored = _db_checkpoints(latest_only=True)
    latest = stored[-1] if stored else None
    if latest is not None:
        signature = checkpoint_signature_check(latest.data, public_keys)
        if not signature.is_valid:
            report.add(
                Problem(
                    CHECKPOINT_KEY,
                    None,
                    latest.tree_size,
                    (_("mốc mới nhất trong cơ sở dữ liệu: %(problem)s") % {"problem": signature.problem},),
                )
            )
            latest = None
    trusted = []
    for witness in witnesses:
        problem = witness_trust_problem(witness, public_keys=public_keys, now=now, skew=skew)
        if problem:
            report.add_untrusted(
                Problem(CHECKPOINT_KEY, None, witness.data["tree_size"], (f"{witness.source}: {problem}",))
            )
        else:
            trusted.append(witness)
    wanted = {w.data["tree_size"] for w in trusted} | ({latest.tree_size} if latest else set())
    facts = tree_pass(report, wanted)
    for witness in trusted:
        size, root = witness.data["tree_size"], witness.data["root_hash"]
        report.witnesses_checked += 1
        if not _stored(size, root):
            report.add(
                Problem(
                    CHECKPOINT_KEY,
                    None,
                    size,
                    (
                        _("%(witness)s không còn trong bảng mốc của cơ sở dữ liệu: mốc đã bị xóa")
                        % {"witness": witness.describe()},
                    ),
                )
            )
        _compare(report, facts, public_keys, size, root, witness.describe())
    if latest is not None:
        _compare(
            report,
            facts,
            public_keys,
            latest.tree_size,
            latest.root_hash,
            _("mốc mới nhất trong cơ sở dữ liệu (%(size)s lá)") % {"size": latest.tree_size},
        )
    moments = [datetime.fromisoformat(w.data["timestamp"]) for w in trusted]
    if latest is not None:
        moments.append(latest.signed_at)
    return max(moments) if moments else None


def _compare(report, facts: TreeFacts, public_keys, size: int, root_hex: str, label: str) -> None:
    if size > facts.size:
        report.add(
            Problem(
                TREE_KEY,
                None,
                None,
                (
                    _("%(label)s ghi %(size)s lá nhưng cây chỉ còn %(found)s: các lá %(found)s–%(last)s đã bị xóa")
                    % {"label": label, "size": size, "found": facts.size, "last": size - 1},
                ),
            )
        )
        return
    if facts.roots.get(size, b"").hex() == root_hex:
        return
    first, last = _localise(public_keys, size)
    report.add(
        Problem(
            TREE_KEY,
            None,
            None,
            (
                _(
                    "cây hiện tại không khớp %(label)s: các lá ở vị trí cây %(first)s–%(last)s đã bị sửa, xóa hoặc "
                    "đổi chỗ rồi tính lại (các lá trước đó khớp mốc đã ký). Bản ghi ở các vị trí đó: %(records)s"
                )
                % {"label": label, "first": first, "last": last, "records": _records_at(first, last)},
            ),
        )
    )


def _localise(public_keys: dict, size: int) -> tuple[int, int]:
    """(first, last) tree indexes holding the change: after the last stored checkpoint that still matches."""
    candidates = _db_checkpoints(up_to=size)
    sizes = sorted({c.tree_size for c in candidates} | {size})
    facts = tree_pass(_Discard(), set(sizes), name_deleted=False)
    intact = 0
    for checkpoint in candidates:
        matches = facts.roots.get(checkpoint.tree_size, b"").hex() == checkpoint.root_hash
        if matches and checkpoint_signature_check(checkpoint.data, public_keys).is_valid:
            intact = max(intact, checkpoint.tree_size)
    # The first signed checkpoint after the intact prefix that no longer matches closes the range.
    after = [
        c.tree_size
        for c in candidates
        if c.tree_size > intact
        and facts.roots.get(c.tree_size, b"").hex() != c.root_hash
        and checkpoint_signature_check(c.data, public_keys).is_valid
    ]
    return intact, (min(after) if after else size) - 1


def _records_at(first: int, last: int) -> str:
    from recognition.models.audit import AuditLeaf

    in_range = AuditLeaf.objects.filter(tree_index__gte=first, tree_index__lte=last)
    leaves = list(in_range.order_by("tree_index")[:_LISTED])
    listed = "; ".join(
        _("vị trí cây %(index)s: id=%(id)s (%(chain)s, vị trí %(sequence)s)")
        % {
            "index": leaf.tree_index,
            "id": leaf.event_id,
            "chain": describe_chain(leaf.chain_key),
            "sequence": leaf.sequence,
        }
        for leaf in leaves
    )
    more = last - first + 1 - len(leaves)
    if more > 0:
        listed += _("; và %(count)s bản ghi khác") % {"count": more}
    return listed or _("không còn lá nào")


class _Discard:
    def add(self, problem) -> None:
        pass


def leaf_differences(record_id, chain_key, sequence, record_hash, occurred_at: str, leaf, thresholds: dict) -> list:
    """What is wrong with one record against the leaf made from it (`leaf` from the LEFT JOIN; None if absent).

    `thresholds` holds "delay" (the maximum merge delay) and "first_size": the leaves
    of the first checkpoint are the trail that existed before the tree did, appended
    long after they were written, so they are not called backdated.
    """
    tree_index, leaf_chain, leaf_sequence, leaf_hash, appended_at = leaf
    differences = []
    if merkle.record_leaf_hash(record_id, chain_key, sequence, record_hash).hex() != leaf_hash:
        if (leaf_chain, leaf_sequence) != (chain_key, sequence):
            differences.append(
                _(
                    "đổi chỗ: khi vào cây (vị trí cây %(index)s) bản ghi ở vị trí %(old)s của %(old_chain)s, "
                    "nay ở vị trí %(new)s của %(new_chain)s"
                )
                % {
                    "index": tree_index,
                    "old": leaf_sequence,
                    "old_chain": describe_chain(leaf_chain),
                    "new": sequence,
                    "new_chain": describe_chain(chain_key),
                }
            )
        else:
            differences.append(
                _("bản ghi đã bị sửa (và tính lại mã băm) sau khi vào cây ở vị trí %(index)s: mã băm lá khác")
                % {"index": tree_index}
            )
    if tree_index < thresholds["first_size"]:
        return differences
    threshold = thresholds.get(appended_at)
    if threshold is None:
        threshold = thresholds[appended_at] = chain.canonical_time(
            datetime.fromisoformat(appended_at) - thresholds["delay"]
        )
    if occurred_at < threshold:
        differences.append(
            _("ghi thời điểm %(at)s nhưng đến %(appended)s mới vào cây: bản ghi chèn lùi ngày")
            % {"at": occurred_at, "appended": appended_at}
        )
    return differences
