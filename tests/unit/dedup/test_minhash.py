"""MinHash: shingle hashes, signatures as Jaccard estimators, band keys."""

from __future__ import annotations

import numpy as np
import pytest

from workers.dedup.minhash import MinHasher, band_keys, similarity


def toks(*words: str) -> list[bytes]:
    return [w.encode() for w in words]


def sets_with_jaccard(jaccard: float, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two sets of distinct 32-bit shingle hashes, each of `size`, whose Jaccard is `jaccard`."""
    # |A ∩ B| = s, |A ∪ B| = 2*size - s, J = s / (2*size - s)  =>  s = 2*size*J / (1 + J)
    shared = round(2 * size * jaccard / (1 + jaccard))
    values = rng.choice(2**32, 2 * size - shared, replace=False).astype(np.uint64)
    a = values[:size]
    b = np.concatenate([values[:shared], values[size:]])
    return a, b


def test_shingle_count_and_short_texts() -> None:
    h = MinHasher(shingle_size=3, permutations=16, seed=1)
    assert len(h.shingle_hashes(toks("a", "b", "c", "d", "e"))) == 3
    assert len(h.shingle_hashes(toks("a", "b"))) == 1  # shorter than a shingle: one shingle
    assert len(h.shingle_hashes([])) == 0


def test_shingle_hashes_are_32_bit_and_follow_word_order() -> None:
    h = MinHasher(shingle_size=2, permutations=16, seed=1)
    ab, ba = h.shingle_hashes(toks("a", "b")), h.shingle_hashes(toks("b", "a"))
    assert ab[0] != ba[0]
    # The same shingle in two places hashes the same, whatever surrounds it.
    x = h.shingle_hashes(toks("x", "a", "b", "y"))
    assert x[1] == ab[0]
    assert int(x.max()) < 2**32


def test_signature_shape_dtype_and_determinism() -> None:
    shingles = np.arange(1, 500, dtype=np.uint64) * 7919
    s1 = MinHasher(3, 64, seed=7).signature(shingles)
    assert s1.dtype == np.uint16 and s1.shape == (64,)
    assert np.array_equal(s1, MinHasher(3, 64, seed=7).signature(shingles))
    assert not np.array_equal(s1, MinHasher(3, 64, seed=8).signature(shingles))


def test_signature_ignores_order_and_repeats() -> None:
    h = MinHasher(3, 64, seed=1)
    shingles = np.arange(100, 400, dtype=np.uint64)
    shuffled = np.random.default_rng(0).permutation(np.concatenate([shingles, shingles[:50]]))
    assert np.array_equal(h.signature(shingles), h.signature(shuffled))


def test_chunked_signature_equals_the_min_of_its_parts() -> None:
    h = MinHasher(3, 32, seed=1)
    big = np.random.default_rng(1).choice(2**32, 10_000, replace=False).astype(np.uint64)
    parts = [h.signature(big[:3000]), h.signature(big[3000:])]
    assert np.array_equal(h.signature(big), np.minimum(*parts))


@pytest.mark.parametrize("jaccard", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_signature_estimates_jaccard(jaccard: float) -> None:
    rng = np.random.default_rng(int(jaccard * 100))
    perms = 256
    errors = []
    for seed in range(20):
        h = MinHasher(3, perms, seed=seed)
        a, b = sets_with_jaccard(jaccard, 400, rng)
        est = float(similarity(h.signature(a), h.signature(b)[None, :])[0])
        errors.append(est - jaccard)
    sigma = (jaccard * (1 - jaccard) / perms) ** 0.5
    # Unbiased: the mean of 20 estimates is within 4 standard errors of the mean.
    assert abs(np.mean(errors)) < 4 * sigma / 20**0.5
    assert max(abs(e) for e in errors) < 5 * sigma


def test_identical_and_disjoint_sets() -> None:
    h = MinHasher(3, 128, seed=1)
    a, b = sets_with_jaccard(0.0, 300, np.random.default_rng(2))
    sa = h.signature(a)
    assert similarity(sa, sa[None, :])[0] == 1.0
    assert similarity(sa, h.signature(b)[None, :])[0] < 0.05


def test_band_keys_match_exactly_the_equal_bands() -> None:
    sig = np.arange(32, dtype=np.uint16)
    other = sig.copy()
    other[5] += 1  # slot 5 is in band 1 of 8 (4 slots per band)
    k1, k2 = band_keys(sig, 8), band_keys(other, 8)
    assert len(k1) == 8
    assert [i for i in range(8) if k1[i] != k2[i]] == [1]
    assert all(0 <= k < 2**32 for k in k1)


def test_band_keys_differ_between_bands_with_equal_slots() -> None:
    keys = band_keys(np.zeros(32, dtype=np.uint16), 8)
    assert len(set(keys)) == 8


@pytest.mark.parametrize("n", [1, 2, 3, 7, 600, 9000])
def test_prefix_signatures_are_the_signatures_of_the_leading_shingles(n: int) -> None:
    import math

    from workers.dedup.minhash import PREFIXES

    h = MinHasher(3, 64, seed=2)
    shingles = np.random.default_rng(n).choice(2**32, n, replace=False).astype(np.uint64)
    full, prefixes = h.sketch(shingles)
    assert np.array_equal(full, h.signature(shingles))
    for share, prefix in zip(PREFIXES, prefixes):
        assert np.array_equal(prefix, h.signature(shingles[: max(1, math.ceil(share * n))]))


def test_containment_estimates_the_share_of_a_found_in_b() -> None:
    from workers.dedup.minhash import containment

    rng = np.random.default_rng(5)
    values = rng.choice(2**32, 3000, replace=False).astype(np.uint64)
    big, half, mixed = values[:2000], values[:1000], np.concatenate([values[:900], values[2000:2100]])
    h = MinHasher(3, 256, seed=3)
    sb, sh, sm = h.signature(big), h.signature(half), h.signature(mixed)
    assert containment(sh, sb[None, :])[0] == 1.0  # all of `half` is in `big`
    assert abs(containment(sm, sb[None, :])[0] - 0.9) < 0.08
    assert abs(containment(sb, sh[None, :])[0] - 0.5) < 0.1  # half of `big` is in `half`
