"""Checkpoints held outside the database: reading them from files, and judging one before it is trusted.

A witness file is what `audit_checkpoint --out` writes (one JSON object), the
witness directory's `checkpoints.jsonl` (one object per line), a JSON array of
checkpoints, or a directory of such files. A checkpoint is trusted only when it is
well formed, signed by a trusted key and not dated in the future.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import orjson
from django.utils.translation import gettext as _

from .signing import checkpoint_shape_problem, checkpoint_signature_check


@dataclass(frozen=True)
class WitnessCheckpoint:
    source: str  # file (and line) it came from, for the verdict
    data: dict

    def describe(self) -> str:
        return _("mốc %(size)s lá, gốc %(root)s, ký lúc %(at)s, khóa %(key)s (%(source)s)") % {
            "size": self.data.get("tree_size"),
            "root": str(self.data.get("root_hash", ""))[:16],
            "at": self.data.get("timestamp"),
            "key": self.data.get("key_id"),
            "source": self.source,
        }


class WitnessUnreadable(Exception):
    """The file is not a checkpoint file at all; the message (Vietnamese) names the file and the line."""


def witness_checkpoints_load(path: str) -> list[WitnessCheckpoint]:
    """Every checkpoint in the file or directory `path`. Raises WitnessUnreadable naming what is wrong."""
    root = Path(path)
    if root.is_dir():
        files = sorted(p for p in root.iterdir() if p.suffix in (".json", ".jsonl") and p.is_file())
        if not files:
            raise WitnessUnreadable(_("Thư mục %(path)s không có tệp mốc kiểm tra (.json, .jsonl).") % {"path": path})
    else:
        files = [root]
    checkpoints = []
    for file in files:
        checkpoints.extend(witness_checkpoints_parse(_read(file), source=str(file)))
    return checkpoints


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise WitnessUnreadable(_("Không đọc được tệp %(path)s: %(error)s") % {"path": file, "error": error.strerror})


def witness_checkpoints_parse(raw: bytes, *, source: str) -> list[WitnessCheckpoint]:
    """The checkpoints in one file's bytes (a JSON object, a JSON array, or JSON lines)."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        document = None
    if isinstance(document, dict):
        items = [(source, document)]
    elif isinstance(document, list):
        items = [(f"{source}[{index}]", item) for index, item in enumerate(document)]
    else:
        items = []
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((f"{source}:{number}", orjson.loads(line)))
            except orjson.JSONDecodeError:
                raise WitnessUnreadable(
                    _(
                        "Tệp %(source)s, dòng %(line)s: không phải JSON (tệp bị cắt cụt, bị sửa hỏng "
                        "hoặc không phải mốc)."
                    )
                    % {"source": source, "line": number}
                )
    if not items:
        raise WitnessUnreadable(_("Tệp %(source)s không chứa mốc kiểm tra nào.") % {"source": source})
    checkpoints = []
    for where, item in items:
        problem = checkpoint_shape_problem(item)
        if problem:
            raise WitnessUnreadable(_("%(source)s: %(problem)s.") % {"source": where, "problem": problem})
        checkpoints.append(WitnessCheckpoint(where, item))
    return checkpoints


def witness_trust_problem(checkpoint: WitnessCheckpoint, *, public_keys: dict, now: datetime, skew: timedelta) -> str:
    """Why this checkpoint cannot be trusted (another key, a broken signature, from the future), or ""."""
    signature = checkpoint_signature_check(checkpoint.data, public_keys)
    if not signature.is_valid:
        return signature.problem
    try:
        signed_at = datetime.fromisoformat(checkpoint.data["timestamp"])
    except ValueError:
        return _("thời điểm ký “%(value)s” không đọc được") % {"value": checkpoint.data["timestamp"]}
    if signed_at.tzinfo is None:
        return _("thời điểm ký “%(value)s” thiếu múi giờ") % {"value": checkpoint.data["timestamp"]}
    if signed_at > now + skew:
        return _(
            "mốc ghi thời điểm ký %(at)s, sau thời điểm hiện tại %(now)s: mốc “từ tương lai” (đồng hồ sai hoặc mốc giả)"
        ) % {"at": checkpoint.data["timestamp"], "now": now.isoformat(timespec="seconds")}
    return ""
