"""The audit log's Merkle tree, exactly as Certificate Transparency defines it (RFC 9162, section 2.1).

    leaf hash  = SHA-256(0x00 || data)
    node hash  = SHA-256(0x01 || left || right)
    MTH(D[n])  = split at k, the largest power of two smaller than n

Pure functions over 32-byte hashes: the sequencer, the verifier, the API and
offline bundles share them. Nothing here imports Django.

A tree of size n is the fold, right to left, of its perfect subtrees (sizes
given by the binary digits of n, largest first): `Frontier` keeps those
subtree roots, so appending a leaf costs O(log n) and the root is known
without reading earlier leaves.
"""

import hashlib
from collections.abc import Iterable, Sequence

import orjson

EMPTY_ROOT = hashlib.sha256(b"").digest()
LEAF_VERSION = 1
_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def record_leaf_data(event_id: int, chain_key: str, sequence: int, record_hash: str) -> bytes:
    """The bytes a record contributes to the tree: its id, its place in its chain and its chained hash.

    `record_hash` already covers the record's content and its link to the previous
    record, so rewriting, moving or re-chaining a record changes its leaf.
    """
    return orjson.dumps([LEAF_VERSION, event_id, chain_key, sequence, record_hash])


def record_leaf_hash(event_id: int, chain_key: str, sequence: int, record_hash: str) -> bytes:
    return _sha256(b"\x00" + orjson.dumps([LEAF_VERSION, event_id, chain_key, sequence, record_hash])).digest()


def _split(size: int) -> int:
    """The largest power of two strictly smaller than `size` (size ≥ 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class Frontier:
    """The roots of the perfect subtrees of a tree, largest first, with their sizes: O(log n) state."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()):
        self.size = size
        self.hashes = list(hashes)
        if len(self.hashes) != bin(size).count("1"):
            raise ValueError("frontier does not match tree size")

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash: merge equal-sized subtrees, as binary addition carries."""
        node = leaf
        size = self.size
        while size & 1:
            node = node_hash(self.hashes.pop(), node)
            size >>= 1
        self.hashes.append(node)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        node = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            node = node_hash(left, node)
        return node

    def hex_hashes(self) -> list[str]:
        return [value.hex() for value in self.hashes]


def tree_root(leaves: Iterable[bytes]) -> bytes:
    frontier = Frontier()
    frontier.extend(leaves)
    return frontier.root()


class Tree:
    """Every complete node of a tree over `leaves`, level by level: proofs in O(log² n) after one O(n) pass."""

    def __init__(self, leaves: Sequence[bytes]):
        self.size = len(leaves)
        levels = [list(leaves)]
        while len(levels[-1]) > 1:
            below = levels[-1]
            levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
        self.levels = levels

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); `start` is a multiple of the largest power of two ≤ end − start (as in proofs)."""
        size = end - start
        if size == 0:
            return EMPTY_ROOT
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            return self.levels[level][start >> level]
        k = _split(size)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        return self.subtree(0, self.size if size is None else size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) of RFC 9162 section 2.1.3.1."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError("leaf index outside the tree")
        return self._path(index, 0, size)

    def _path(self, index: int, start: int, end: int) -> list[bytes]:
        if end - start == 1:
            return []
        k = _split(end - start)
        if index < k:
            return [*self._path(index, start, start + k), self.subtree(start + k, end)]
        return [*self._path(index - k, start + k, end), self.subtree(start, start + k)]

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) of RFC 9162 section 2.1.4.1."""
        new_size = self.size if new_size is None else new_size
        if not 0 <= old_size <= new_size <= self.size:
            raise ValueError("tree sizes out of range")
        if old_size in (0, new_size):
            return []
        return self._subproof(old_size, 0, new_size, True)

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [self.subtree(start, end)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, whole), self.subtree(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self.subtree(start, start + k)]


def inclusion_verify(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if index >= size or index < 0:
        return False
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == root


def consistency_verify(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2: the tree of `new_size` leaves extends the tree of `old_size` leaves."""
    if old_size < 0 or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first = node_hash(node, first)
            second = node_hash(node, second)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            second = node_hash(second, node)
        fn >>= 1
        sn >>= 1
    return sn == 0 and first == old_root and second == new_root
