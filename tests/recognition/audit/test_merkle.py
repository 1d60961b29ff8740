"""The Merkle tree against RFC 9162 / RFC 6962 vectors: roots, inclusion and consistency proofs."""

import hashlib

import pytest

from recognition.audit import merkle

# The test vectors of Certificate Transparency's reference implementation (RFC 6962 hashing, as RFC 9162).
DATA = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
LEAVES = [merkle.leaf_hash(item) for item in DATA]


def h(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()


def test_hashing_prefixes_leaves_with_0_and_nodes_with_1():
    assert merkle.leaf_hash(b"abc") == h(b"\x00abc")
    assert merkle.node_hash(b"L" * 32, b"R" * 32) == h(b"\x01", b"L" * 32, b"R" * 32)
    assert merkle.tree_root([]) == h(b"")


@pytest.mark.parametrize("size", sorted(ROOTS))
def test_roots_match_the_reference_vectors(size):
    assert merkle.Tree(LEAVES[:size]).root().hex() == ROOTS[size]
    # The O(log n) frontier the sequencer keeps gives the same root.
    assert merkle.tree_root(LEAVES[:size]).hex() == ROOTS[size]


def test_a_tree_of_three_is_split_at_two_by_hand():
    l0, l1, l2 = LEAVES[:3]
    assert merkle.Tree([l0, l1, l2]).root() == h(b"\x01", h(b"\x01", l0, l1), l2)


def test_inclusion_proofs_match_the_reference_vectors():
    tree = merkle.Tree(LEAVES)
    assert [node.hex()[:8] for node in tree.inclusion_proof(0)] == ["96a296d2", "5f083f0a", "6b47aaf2"]
    assert [node.hex()[:8] for node in tree.inclusion_proof(5)] == ["bc1a0643", "ca854ea1", "d37ee418"]
    assert [node.hex()[:8] for node in tree.inclusion_proof(2, 3)] == ["fac54203"]


def test_inclusion_proof_by_hand_for_leaf_2_of_5():
    l0, l1, l2, l3, l4 = LEAVES[:5]
    left = h(b"\x01", h(b"\x01", l0, l1), h(b"\x01", l2, l3))
    root = h(b"\x01", left, l4)
    proof = merkle.Tree(LEAVES[:5]).inclusion_proof(2)
    assert proof == [l3, h(b"\x01", l0, l1), l4]
    assert merkle.inclusion_verify(l2, 2, 5, proof, root)


@pytest.mark.parametrize("size", range(1, 9))
def test_every_inclusion_proof_verifies_and_a_moved_or_changed_leaf_does_not(size):
    tree = merkle.Tree(LEAVES[:size])
    root = bytes.fromhex(ROOTS[size])
    for index in range(size):
        proof = tree.inclusion_proof(index)
        assert merkle.inclusion_verify(LEAVES[index], index, size, proof, root)
        assert not merkle.inclusion_verify(merkle.leaf_hash(b"forged"), index, size, proof, root)
        if size > 1:
            assert not merkle.inclusion_verify(LEAVES[index], (index + 1) % size, size, proof, root)
    assert not merkle.inclusion_verify(LEAVES[0], size, size, [], root)


def test_consistency_proofs_match_the_reference_vectors():
    tree = merkle.Tree(LEAVES)
    assert [node.hex()[:8] for node in tree.consistency_proof(1)] == ["96a296d2", "5f083f0a", "6b47aaf2"]
    assert [node.hex()[:8] for node in tree.consistency_proof(6)] == ["0ebc5d34", "ca854ea1", "d37ee418"]
    assert [node.hex()[:8] for node in merkle.Tree(LEAVES[:5]).consistency_proof(2)] == ["5f083f0a", "bc1a0643"]


def test_consistency_proof_by_hand_from_3_to_4():
    l0, l1, l2, l3 = LEAVES[:4]
    proof = merkle.Tree(LEAVES[:4]).consistency_proof(3)
    assert proof == [l2, l3, h(b"\x01", l0, l1)]
    assert merkle.consistency_verify(3, 4, bytes.fromhex(ROOTS[3]), bytes.fromhex(ROOTS[4]), proof)


@pytest.mark.parametrize("new_size", range(1, 9))
def test_every_consistency_proof_verifies_and_a_rewritten_history_does_not(new_size):
    tree = merkle.Tree(LEAVES[:new_size])
    rewritten = merkle.Tree([merkle.leaf_hash(b"rewritten"), *LEAVES[1:new_size]])
    for old_size in range(0, new_size + 1):
        proof = tree.consistency_proof(old_size)
        old_root = merkle.Tree(LEAVES[:old_size]).root()
        assert merkle.consistency_verify(old_size, new_size, old_root, tree.root(), proof)
        if 0 < old_size < new_size:
            other = rewritten.consistency_proof(old_size)
            assert not merkle.consistency_verify(old_size, new_size, old_root, rewritten.root(), other)
    assert not merkle.consistency_verify(new_size + 1, new_size, tree.root(), tree.root(), [])


def test_frontier_resumes_where_a_checkpoint_left_it():
    first = merkle.Frontier()
    first.extend(LEAVES[:5])
    resumed = merkle.Frontier(first.size, [bytes.fromhex(value) for value in first.hex_hashes()])
    resumed.extend(LEAVES[5:])
    assert resumed.root().hex() == ROOTS[8]
    with pytest.raises(ValueError):
        merkle.Frontier(5, [LEAVES[0]])
