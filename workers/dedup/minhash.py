"""MinHash signatures of word shingles and their LSH band keys, vectorized with numpy.

Hashing, in three vectorized steps (one Python-level call per token, none per shingle or
per permutation):

1. every token gets a 64-bit xxh3 hash;
2. the hash of a shingle of k consecutive tokens is a polynomial of the k token hashes
   (mod 2^64), finalized with the murmur3 64-bit mixer and cut to its high 32 bits: x;
3. permutation i maps x to h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32, with a_i odd and
   b_i random 64-bit numbers. This is Dietzfelbinger's multiply-add-shift family, which is
   2-independent for 32-bit keys: the same guarantee as the textbook (a*x + b) mod p with
   a prime p, but the modulus comes free from uint64 wraparound, so one permutation over
   all shingles is a multiply, an add and a min (a Mersenne-prime reduction measured 2.5x
   slower). Signature slot i is min over shingles of h_i(x), a uint32.

The fraction of equal slots in two signatures estimates the Jaccard similarity of the two
shingle sets; its standard error is sqrt(J(1-J)/permutations).
"""

from __future__ import annotations

import numpy as np
import xxhash

_U64 = np.uint64
_SHIFT32 = _U64(32)
# Shingles are hashed in chunks so that a huge body needs at most
# permutations * _CHUNK * 8 bytes of scratch memory.
_CHUNK = 4096
# Band keys are cut to 60 bits: Python ints below 2^60 take 32 bytes, above 36.
_BAND_KEY_SHIFT = _U64(4)


def fmix64(h: np.ndarray) -> np.ndarray:
    """The murmur3 64-bit finalizer, elementwise (spreads every input bit over the output)."""
    h = h ^ (h >> _U64(33))
    h *= _U64(0xFF51AFD7ED558CCD)
    h ^= h >> _U64(33)
    h *= _U64(0xC4CEB93FE53B5C3D)
    h ^= h >> _U64(33)
    return h


class MinHasher:
    """Shingle hashes and MinHash signatures for one (shingle size, permutations, seed)."""

    def __init__(self, shingle_size: int, permutations: int, seed: int) -> None:
        if shingle_size < 1 or permutations < 1:
            raise ValueError("shingle_size and permutations must be at least 1")
        self.shingle_size = shingle_size
        self.permutations = permutations
        self.seed = seed
        rng = np.random.default_rng(seed)
        self._a = (rng.integers(0, 2**64, permutations, dtype=_U64, endpoint=False) | _U64(1))[:, None]
        self._b = rng.integers(0, 2**64, permutations, dtype=_U64, endpoint=False)[:, None]
        self._poly = (rng.integers(0, 2**64, dtype=_U64, endpoint=False) | _U64(1))

    def shingle_hashes(self, tokens: list[bytes]) -> np.ndarray:
        """32-bit hashes (as uint64) of the word shingles of `tokens`, in text order.

        A text shorter than the shingle size is one shingle of all its words; no words,
        no shingles.
        """
        n = len(tokens)
        if n == 0:
            return np.empty(0, dtype=_U64)
        t = np.fromiter(map(xxhash.xxh3_64_intdigest, tokens), dtype=_U64, count=n)
        k = min(self.shingle_size, n)
        m = n - k + 1
        h = t[:m].copy()
        for j in range(1, k):
            h *= self._poly
            h += t[j : j + m]
        return fmix64(h) >> _SHIFT32

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """The MinHash signature (uint32, one slot per permutation) of shingle hashes.

        Empty input gives all slots 0xFFFFFFFF; callers treat empty texts separately.
        """
        sig = np.full(self.permutations, 0xFFFFFFFF, dtype=_U64)
        for start in range(0, len(shingles), _CHUNK):
            y = self._a * shingles[None, start : start + _CHUNK]
            y += self._b
            # (a*x + b) >> 32 is monotone in (a*x + b) mod 2^64: take the min first, shift once.
            np.minimum(sig, y.min(axis=1) >> _SHIFT32, out=sig)
        return sig.astype(np.uint32)


def band_keys(signature: np.ndarray, bands: int) -> list[int]:
    """One hash per LSH band of `signature` (rows = len(signature) // bands slots each).

    The band index is mixed in, so keys of all bands can share one dictionary.
    """
    rows = signature.reshape(bands, -1).astype(_U64)
    weights = _BAND_WEIGHTS[: rows.shape[1]]
    combined = (rows * weights).sum(axis=1, dtype=_U64) + _BAND_SALTS[:bands]
    return (fmix64(combined) >> _BAND_KEY_SHIFT).tolist()


def similarity(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of `signature` to each row of `others`."""
    return (others == signature).mean(axis=1)


# Fixed, not seeded: band keys only need to be a good hash of the band's slots.
_BAND_RNG = np.random.default_rng(0x5EED)
_BAND_WEIGHTS = _BAND_RNG.integers(0, 2**64, 1024, dtype=_U64, endpoint=False) | _U64(1)
_BAND_SALTS = _BAND_RNG.integers(0, 2**64, 1024, dtype=_U64, endpoint=False)
