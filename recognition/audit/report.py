"""What a verification found: problems naming the chain, the record and what differs."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import chain

TREE_KEY = "merkle-tree"
CHECKPOINT_KEY = "checkpoint"


@dataclass(frozen=True)
class Problem:
    chain_key: str
    record_id: int | None
    sequence: int | None
    differences: tuple[str, ...]

    def describe(self) -> str:
        if self.chain_key in (TREE_KEY, CHECKPOINT_KEY):
            where = describe_chain(self.chain_key)
        else:
            where = _("chuỗi %(chain)s") % {"chain": describe_chain(self.chain_key)}
        if self.record_id is not None:
            where += _(", bản ghi id=%(id)s (vị trí %(sequence)s)") % {"id": self.record_id, "sequence": self.sequence}
        return f"{where}: " + "; ".join(self.differences)


@dataclass
class Report:
    records_checked: int = 0
    chains_checked: int = 0
    files_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    max_problems: int = 50
    witnesses_checked: int = 0
    untrusted: list[Problem] = field(default_factory=list)

    @property
    def is_intact(self) -> bool:
        return self.problems_total == 0 and not self.untrusted

    def add(self, problem: Problem) -> None:
        self.problems_total += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(problem)

    def add_untrusted(self, problem: Problem) -> None:
        """A witness checkpoint that cannot be trusted (another key, a broken signature, from the future)."""
        self.untrusted.append(problem)


def describe_chain(chain_key: str) -> str:
    if chain_key.startswith(chain.MODEL_CHAIN_PREFIX):
        return _("mô hình #%(id)s") % {"id": chain_key[len(chain.MODEL_CHAIN_PREFIX) :]}
    if chain_key == chain.GLOBAL_CHAIN:
        return _("chung (không gắn với mô hình)")
    if chain_key == TREE_KEY:
        return _("cây Merkle nhật ký")
    if chain_key == CHECKPOINT_KEY:
        return _("mốc kiểm tra đã ký")
    return chain_key


def short(value: str) -> str:
    return (value or "∅")[:16]
