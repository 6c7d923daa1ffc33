"""The dedup stage without Kafka: fingerprints, the windowed index and the verdicts.

    config = DedupConfig.from_settings(settings)
    index = DedupIndex(config)
    entry = index.fingerprint(article, seen_at=record_timestamp)   # pure: Fingerprinter(config)
    verdict = index.process(entry)            # check(), then add() when the article goes on
    if verdict.kind == "duplicate":
        notice = duplicate_notice(article.id, verdict)
    removed_ids = index.expire(now)

Verdicts (`Verdict.kind`):

- ``unique``: first time this content is seen: the article goes on and is indexed.
- ``duplicate``: a later copy of an indexed article (`duplicate_of`), found by the exact key
  (`method="exact"`, similarity 1.0), by resemblance (`method="near"`: Jaccard estimate of
  the shingle sets at least `threshold`) or by containment (`method="contained"`: at least
  `containment` of its shingles are in the earlier article, and it is at least
  `min_length_ratio` of that article's length: a shortened version). Not indexed:
  `duplicate_of` always names an article that went on.
- ``replay``: the same article id with the same normalized content as its indexed entry
  (a re-delivery or a reprocessing): the article goes on again, the index is unchanged.
- ``update``: an updated version. Either the same article id with new content that is not
  a copy of another article, or (`update_of` set, `method="contained"`) a longer version of
  an indexed article under another id: the earlier one is at least `containment` contained
  in it and at most 1/`update_growth` of its length (the full story after its shortened
  lead). It goes on like ``unique`` (its events must be extracted) and is indexed; an entry
  of the same id is replaced.

Empty texts (no words after normalization) are always ``unique`` and never indexed.

Candidates come from LSH: the article's band keys (resemblance); the keys of the *lead*
(first 40 % of the shingles) of every indexed article, probed with the new article's own
signature (a shortened version is close to the lead of the full one); and the signatures of
the new article's leading parts probed against indexed articles (a full version after its
shortened lead). Every candidate is verified on the full signatures. See docs/dedup.md.

State: one packed record per indexed article (`IndexEntry.pack()`, a str of about 350
characters, the value the Faust table stores, keyed by `IndexEntry.key`). The index keeps
the record object itself, not a copy, and a numpy table of its LSH keys. `load()` rebuilds
an index from stored records in any order.

Fingerprinting (`Fingerprinter`) is most of the work and needs no index, so the worker
does it in the ingest agent, spread over the partitions of `articles`, and sends the entry
with the article (`IndexEntry.wire()`, a Kafka header); the dedup agent, the one writer of
the index, only checks and adds. See docs/dedup.md.

Time: every entry carries `seen_at`, the time the pipeline received the article (epoch
seconds; the worker passes the Kafka record timestamp). The window is on that time, not on
the publication time: see docs/dedup.md. Verdicts never look at entries more than
`retention_seconds` older than the article being checked, so they do not depend on how
often `expire()` runs.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import xxhash

from workers.dedup.minhash import PREFIXES, MinHasher, band_keys, band_salts
from workers.dedup.normalize import NORMALIZER_VERSION, exact_key, tokenize
from workers.records import Article, DedupMethod, DuplicateNotice, parse_timestamp

if TYPE_CHECKING:
    from workers.settings import Settings

VerdictKind = Literal["unique", "duplicate", "replay", "update"]

_MAX_SLOTS = 1024  # the band-key weights in minhash cover this many slots
# The lead's band keys: 16 bands of 4 slots over the first 64 slots, whatever `bands` is,
# so that they can be stored and stay valid when `bands` changes.
LEAD_BANDS, LEAD_ROWS = 16, 4
_FULL, _LEAD, _ID = 0, 1, 2  # key namespaces of the LSH table
# Record: format, scheme tag, seen_at, exact key, shingles; then the signature (uint16
# slots) and the lead's band keys (uint32).
_HEADER = struct.Struct("<BIdQI")
_WIRE_SIZE = struct.Struct("<I")  # the length of the stored form, in front of it on the wire
_FORMAT = 1
_U64 = np.uint64
_LOW32 = _U64(0xFFFFFFFF)
# LSH keys not yet merged into the sorted table, at most (then merged: see _merge).
_FRESH_LIMIT = 1 << 17
# Rows are renumbered when more than this many (and more than half) are removed ones.
_RENUMBER_MIN = 1024


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Parameters of the dedup stage. See docs/dedup.md for how the defaults were chosen."""

    shingle_size: int = 3
    permutations: int = 128
    bands: int = 32
    threshold: float = 0.5
    containment: float = 0.9
    # A contained copy must be at least this share of the original's length.
    min_length_ratio: float = 1 / 3
    # A longer version under another id is an update when it is at least this many times
    # as long as the article it contains (shorter: a near duplicate, as a copy with a
    # paragraph added is).
    update_growth: float = 1.5
    retention_seconds: float = 7 * 86400.0
    seed: int = 1
    # Only this many characters of a body are tokenized (about 16,000 words).
    max_chars: int = 100_000

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError("shingle_size must be at least 1")
        if not 1 <= self.bands <= self.permutations <= _MAX_SLOTS:
            raise ValueError(f"need 1 <= bands <= permutations <= {_MAX_SLOTS}")
        if self.permutations % self.bands:
            raise ValueError("permutations must be a multiple of bands")
        if self.permutations < LEAD_BANDS * LEAD_ROWS:
            raise ValueError(f"permutations must be at least {LEAD_BANDS * LEAD_ROWS}")
        if not 0.0 < self.threshold <= 1.0 or not 0.0 < self.containment <= 1.0:
            raise ValueError("threshold and containment must be in (0, 1]")
        if not 0.0 < self.min_length_ratio <= 1.0 or self.update_growth < 1.0:
            raise ValueError("min_length_ratio must be in (0, 1] and update_growth at least 1")
        if self.retention_seconds <= 0 or self.max_chars < 1:
            raise ValueError("retention_seconds and max_chars must be positive")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> DedupConfig:
        """The config described by the `dedup_*` settings, then keyword overrides."""
        values: dict[str, Any] = dict(
            shingle_size=settings.dedup_shingle_size,
            permutations=settings.dedup_permutations,
            bands=settings.dedup_bands,
            threshold=settings.dedup_threshold,
            containment=settings.dedup_containment,
            retention_seconds=settings.dedup_retention_days * 86400.0,
        )
        values.update(overrides)
        return cls(**values)

    @property
    def scheme(self) -> str:
        """Names everything a fingerprint depends on: entries of another scheme do not compare.

        Bands, thresholds and retention are not in it: changing them keeps stored entries valid.
        """
        return (
            f"n{NORMALIZER_VERSION}-k{self.shingle_size}-p{self.permutations}-s{self.seed}-c{self.max_chars}-r{_FORMAT}"
        )


def scheme_tag(scheme: str) -> int:
    """The 32-bit tag of a scheme that records carry."""
    return xxhash.xxh32_intdigest(scheme.encode())


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """The fingerprint of one article: what the index (and the Faust table) stores."""

    key: bytes  # the article id, UTF-8
    seen_at: float
    exact: int  # 64-bit hash of the normalized text
    shingles: int  # number of shingles; 0 for an empty text
    signature: bytes  # permutations x uint16 codes, little-endian
    lead: bytes  # LEAD_BANDS x uint32 band keys of the lead's signature, little-endian
    scheme: str
    # The LSH keys to look up (uint32: the bands of the signature, then of its leading parts,
    # then the lead bands of the signature), computed with the fingerprint: not stored,
    # empty in entries read back from records.
    probes: bytes = b""

    @property
    def article_id(self) -> str:
        return self.key.decode("utf-8", "surrogatepass")

    @property
    def empty(self) -> bool:
        return self.shingles == 0

    def signature_array(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype="<u2")

    def wire(self) -> bytes:
        """The entry as it travels with its article between stages: the stored form, then
        the probe keys. `from_wire` reads it back."""
        stored = self.pack().encode("latin-1")
        return _WIRE_SIZE.pack(len(stored)) + stored + self.probes

    @classmethod
    def from_wire(cls, key: bytes, data: bytes, seen_at: float, scheme: str) -> IndexEntry:
        """The entry sent as `data` (`wire()`) for the article with id `key`, received at
        `seen_at`. ValueError if `data` is not such an entry or was made under another scheme."""
        try:
            (size,) = _WIRE_SIZE.unpack_from(data)
            stored = data[_WIRE_SIZE.size : _WIRE_SIZE.size + size]
            entry = cls.unpack(key, stored.decode("latin-1"), scheme)
        except struct.error as exc:
            raise ValueError(f"not a wire entry: {exc}") from None
        return replace(entry, seen_at=seen_at, probes=data[_WIRE_SIZE.size + size :])

    def pack(self) -> str:
        """The stored form: a str of one character per byte (U+0000-U+00FF), JSON-safe."""
        head = _HEADER.pack(_FORMAT, scheme_tag(self.scheme), self.seen_at, self.exact, self.shingles)
        return (head + self.signature + self.lead).decode("latin-1")

    @classmethod
    def unpack(cls, key: bytes, record: str, scheme: str) -> IndexEntry:
        """The entry stored as `record` under `key`. ValueError if made under another scheme."""
        raw = record.encode("latin-1")
        fmt, tag, seen_at, exact, shingles = _HEADER.unpack_from(raw)
        if fmt != _FORMAT or tag != scheme_tag(scheme):
            raise ValueError(f"record of {key!r} was made under another dedup scheme")
        lead_at = len(raw) - 4 * LEAD_BANDS
        return cls(key, seen_at, exact, shingles, raw[_HEADER.size : lead_at], raw[lead_at:], scheme)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the index says about one article (see the module docstring for the kinds)."""

    kind: VerdictKind
    duplicate_of: str | None = None
    method: DedupMethod | None = None
    similarity: float | None = None
    update_of: str | None = None  # for an update of another article: its id

    @property
    def indexed(self) -> bool:
        """Whether `DedupIndex.process` adds the article to the index."""
        return self.kind in ("unique", "update")


_UNIQUE = Verdict("unique")
_UPDATE = Verdict("update")
_REPLAY = Verdict("replay")


def duplicate_notice(article_id: str, verdict: Verdict) -> DuplicateNotice:
    """The `DuplicateNotice` for a ``duplicate`` verdict on article `article_id`."""
    if verdict.kind != "duplicate" or verdict.duplicate_of is None or verdict.method is None:
        raise ValueError(f"not a duplicate verdict: {verdict}")
    return DuplicateNotice(
        article_id=article_id,
        duplicate_of=verdict.duplicate_of,
        method=verdict.method,
        similarity=round(float(verdict.similarity or 0.0), 4),
    )


def _id_key(key: bytes) -> int:
    return xxhash.xxh3_64_intdigest(key) >> 32


class Fingerprinter:
    """Makes the `IndexEntry` of an article under one `DedupConfig`. Pure, and most of the
    dedup stage's work: the worker runs it in the ingest agent (see the module docstring)."""

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self.scheme = self.config.scheme
        self._hasher = MinHasher(self.config.shingle_size, self.config.permutations, self.config.seed)
        self._salts: dict[tuple[int, int], np.ndarray] = {}

    def fingerprint(self, article: Article, seen_at: float | None = None) -> IndexEntry:
        """The entry of `article`, received at `seen_at` (default: its `published_at`).

        Pure: neither reads nor changes the index. Raises ValueError only for a
        `published_at` that is not an ISO time when `seen_at` is not given.
        """
        if seen_at is None:
            seen_at = parse_timestamp(article.published_at).timestamp()
        cfg = self.config
        body = article.body or ""
        tokens = tokenize(body, cfg.max_chars)
        shingles = self._hasher.shingle_hashes(tokens)
        signature, prefixes = self._hasher.sketch(shingles)
        full, leads = self.probe_keys(signature, prefixes)
        return IndexEntry(
            key=article.id.encode("utf-8", "surrogatepass"),
            seen_at=float(seen_at),
            exact=int.from_bytes(exact_key(tokens, body, cfg.max_chars)[:8], "little"),
            shingles=len(shingles),
            signature=signature.astype("<u2").tobytes(),
            lead=leads[0].astype("<u4").tobytes(),
            scheme=self.scheme,
            probes=np.concatenate([full.ravel(), leads[1]]).astype("<u4").tobytes(),
        )

    def received(self, article: Article, seen_at: float, wire: bytes | None) -> IndexEntry:
        """The entry of `article` received at `seen_at`: the one sent with it (`wire`), if it
        was made under this scheme, else made now (a record from before an upgrade or a
        config change, or one sent without it)."""
        if wire is not None:
            try:
                return IndexEntry.from_wire(article.id.encode("utf-8", "surrogatepass"), wire, seen_at, self.scheme)
            except ValueError:
                pass
        return self.fingerprint(article, seen_at)

    def probe_keys(self, signature: np.ndarray, prefixes: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Band keys of the signature and its leading parts (rows: signature first), and lead
        keys of the lead (first row, when `prefixes` are given) and of the signature (last row)."""
        sigs = signature[None, :] if prefixes is None else np.vstack([signature[None, :], prefixes])
        leads = sigs[[1, 0] if prefixes is not None else [0], : LEAD_BANDS * LEAD_ROWS]
        if self.config.permutations // self.config.bands != LEAD_ROWS:
            return band_keys(sigs, self.config.bands, _FULL), band_keys(leads, LEAD_BANDS, _LEAD)
        # Same rows per band: both kinds of keys in one pass.
        salts = self._salts.get((len(sigs), len(leads)))
        if salts is None:
            salts = self._salts[len(sigs), len(leads)] = np.concatenate(
                [
                    np.tile(band_salts(self.config.bands, _FULL), len(sigs)),
                    np.tile(band_salts(LEAD_BANDS, _LEAD), len(leads)),
                ]
            )
        keys = band_keys(np.concatenate([sigs.ravel(), leads.ravel()]), len(salts), salts=salts)
        cut = len(sigs) * self.config.bands
        return keys[:cut].reshape(len(sigs), -1), keys[cut:].reshape(len(leads), -1)


class DedupIndex:
    """Exact, near and containment duplicate index over a sliding window of articles.

    Per indexed article ("row"): its id key and packed record (the objects, shared with the
    table that stores them), its `seen_at` in a numpy column, and 1 + bands + LEAD_BANDS
    LSH entries. The LSH entries are uint64 `key32 << 32 | row` in one sorted numpy array,
    searched with `searchsorted`; new entries wait in a dict until `_FRESH_LIMIT` of them
    are merged in. Removed rows are skipped on lookup and dropped at the next merge; rows
    are renumbered when more than half are removed. Memory per article: docs/dedup.md.
    """

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self.fingerprinter = Fingerprinter(self.config)
        self._scheme = self.config.scheme
        self._keys: list[bytes | None] = []
        self._records: list[str | None] = []
        self._seen = np.empty(1024, dtype=np.float64)
        self._sorted = np.empty(0, dtype=_U64)
        self._recent = np.empty(0, dtype=_U64)
        self._fresh: dict[int, int | list[int]] = {}
        self._fresh_count = 0
        self._live = 0
        self._oldest = math.inf  # no live row is older (expire() scans only past it)

    def __len__(self) -> int:
        return self._live

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self._row_of(article_id.encode("utf-8", "surrogatepass")) is not None

    def entries(self) -> Iterator[IndexEntry]:
        for key, record in zip(self._keys, self._records):
            if key is not None and record is not None:
                yield IndexEntry.unpack(key, record, self._scheme)

    def stored(self, article_id: str | bytes) -> tuple[bytes, str] | None:
        """(key, record) as held for `article_id`: the very objects, so a table can share them."""
        key = article_id if isinstance(article_id, bytes) else article_id.encode("utf-8", "surrogatepass")
        row = self._row_of(key)
        if row is None:
            return None
        return self._keys[row], self._records[row]  # type: ignore[return-value]

    # ---- fingerprint, verdict ------------------------------------------------------------

    def fingerprint(self, article: Article, seen_at: float | None = None) -> IndexEntry:
        """`Fingerprinter.fingerprint` under this index's config."""
        return self.fingerprinter.fingerprint(article, seen_at)

    def check(self, entry: IndexEntry) -> Verdict:
        """The verdict on `entry` against the index, without changing the index."""
        return self._check(entry)[0]

    def _check(self, entry: IndexEntry) -> tuple[Verdict, int | None]:
        """The verdict and the row of `entry`'s id, if indexed."""
        self._require_scheme(entry)
        if entry.empty:
            return _UNIQUE, None
        found = self._candidates(entry)
        own = next((r for r in found if self._keys[r] == entry.key), None)
        if own is not None and self._entry(own).exact == entry.exact:
            return _REPLAY, own
        horizon = entry.seen_at - self.config.retention_seconds
        seen = self._seen
        rows = [r for r in found if r != own and seen[r] >= horizon]
        return self._judge(entry, rows, own), own

    def _judge(self, entry: IndexEntry, rows: list[int], own: int | None) -> Verdict:
        if not rows:
            return _UNIQUE if own is None else _UPDATE
        raws = [self._records[r].encode("latin-1") for r in rows]  # type: ignore[union-attr]
        heads = [_HEADER.unpack_from(raw) for raw in raws]  # (format, tag, seen_at, exact, shingles)
        exact = [i for i, head in enumerate(heads) if head[3] == entry.exact]
        if exact:
            first = min(exact, key=lambda i: heads[i][2])
            return Verdict("duplicate", self._id(rows[first]), "exact", 1.0)

        cfg = self.config
        sig = entry.signature_array()
        width = 2 * cfg.permutations
        sigs = np.frombuffer(b"".join(raw[_HEADER.size : _HEADER.size + width] for raw in raws), dtype="<u2").reshape(
            len(rows), -1
        )
        sizes = np.array([head[4] for head in heads], dtype=np.float64)
        n = float(entry.shingles)
        # Slot by slot (see minhash.containment): equal, or the minimum over both texts lies
        # in this article (sig <= theirs), or in the candidate (theirs <= sig).
        equal = (sigs == sig).sum(axis=1)
        jaccard = equal / cfg.permutations
        in_earlier = equal / np.maximum((sig <= sigs).sum(axis=1), 1)  # share of this article in each candidate
        earlier_in = equal / np.maximum((sigs <= sig).sum(axis=1), 1)  # share of each candidate in this one
        extends = (
            (earlier_in >= cfg.containment) & (sizes * cfg.update_growth <= n) & (sizes >= n * cfg.min_length_ratio)
        )
        near = (jaccard >= cfg.threshold) & ~extends
        contained = (in_earlier >= cfg.containment) & (n >= sizes * cfg.min_length_ratio) & ~extends

        def best(mask: np.ndarray, score: np.ndarray) -> int:
            # Best score first, then the earliest original.
            return max(np.flatnonzero(mask).tolist(), key=lambda i: (score[i], -heads[i][2]))

        if near.any():
            i = best(near, jaccard)
            return Verdict("duplicate", self._id(rows[i]), "near", float(jaccard[i]))
        if contained.any():
            i = best(contained, in_earlier)
            return Verdict("duplicate", self._id(rows[i]), "contained", float(in_earlier[i]))
        if extends.any():
            i = best(extends, earlier_in)
            return Verdict("update", method="contained", similarity=float(earlier_in[i]), update_of=self._id(rows[i]))
        return _UNIQUE if own is None else _UPDATE

    def process(self, entry: IndexEntry) -> Verdict:
        """`check(entry)`, then `add(entry)` when the verdict is ``unique`` or ``update``."""
        verdict, own = self._check(entry)
        if verdict.indexed and not entry.empty:
            if own is not None:
                self._remove(own)
            self._insert(entry.key, entry.pack(), entry, replace=False)
        return verdict

    # ---- changes -----------------------------------------------------------------------

    def add(self, entry: IndexEntry) -> None:
        """Index `entry`, replacing any entry with the same id. Empty entries are ignored."""
        self._require_scheme(entry)
        if entry.empty:
            return
        self._insert(entry.key, entry.pack(), entry)

    def load(self, stored: Iterable[tuple[bytes, str]]) -> list[bytes]:
        """Add stored (key, record) pairs, sharing the objects; returns the keys of records of
        another scheme, which are skipped (the caller should drop them).

        Into an empty index (a rebuild) this is one vectorized pass: the LSH keys of all
        records are computed together and sorted once.
        """
        foreign: list[bytes] = []
        rows: dict[bytes, tuple[str, IndexEntry]] = {}
        for key, record in stored:
            try:
                entry = IndexEntry.unpack(key, record, self._scheme)
            except (ValueError, struct.error, UnicodeEncodeError, AttributeError):
                foreign.append(key)
                continue
            if not entry.empty:
                rows[key] = (record, entry)
        if self._keys:
            for key, (record, entry) in rows.items():
                self._insert(key, record, entry)
            return foreign
        n = len(rows)
        self._keys = list(rows)
        self._records = [record for record, _ in rows.values()]
        entries = [entry for _, entry in rows.values()]
        self._seen = np.array([e.seen_at for e in entries] + [0.0] * max(n, 1024), dtype=np.float64)
        self._live = n
        self._oldest = float(self._seen[:n].min()) if n else math.inf
        if n:
            lsh = np.empty((n, self.config.bands + LEAD_BANDS + 1), dtype=_U64)
            sigs = np.frombuffer(b"".join(e.signature for e in entries), dtype="<u2").reshape(n, -1)
            lsh[:, : self.config.bands] = band_keys(sigs, self.config.bands, _FULL)
            lsh[:, self.config.bands : -1] = np.frombuffer(b"".join(e.lead for e in entries), dtype="<u4").reshape(
                n, -1
            )
            lsh[:, -1] = [_id_key(k) for k in rows]  # the keys of a rebuild, none removed yet
            lsh <<= _U64(32)
            lsh |= np.arange(n, dtype=_U64)[:, None]
            self._sorted = np.sort(lsh, axis=None)
        return foreign

    def expire(self, now: float) -> list[str]:
        """Remove the entries seen more than `retention_seconds` before `now`; their ids."""
        horizon = now - self.config.retention_seconds
        if horizon <= self._oldest:
            return []
        n = len(self._keys)
        old = np.flatnonzero(self._seen[:n] < horizon)
        removed = []
        for row in old.tolist():
            key = self._keys[row]
            if key is not None:
                removed.append(key.decode("utf-8", "surrogatepass"))
                self._remove(row)
        live = self._seen[:n][~np.isnan(self._seen[:n])]
        self._oldest = float(live.min()) if len(live) else math.inf
        return removed

    # ---- internals ---------------------------------------------------------------------

    def _probes(self, entry: IndexEntry) -> np.ndarray | None:
        """The entry's probe keys, if they were made for this index's bands."""
        n = (1 + len(PREFIXES)) * self.config.bands + LEAD_BANDS
        return np.frombuffer(entry.probes, dtype="<u4").astype(_U64) if len(entry.probes) == 4 * n else None

    def _band_keys(self, entry: IndexEntry) -> np.ndarray:
        probes = self._probes(entry)
        if probes is not None:
            return probes[: self.config.bands]
        return band_keys(entry.signature_array(), self.config.bands, _FULL)

    def _insert(self, key: bytes, record: str, entry: IndexEntry, replace: bool = True) -> None:
        """Index `entry` under `key`, stored as `record` (its packed form); `replace`: remove
        an entry with the same key first."""
        seen_at = entry.seen_at
        bands, lead = self._band_keys(entry), np.frombuffer(entry.lead, dtype="<u4").astype(_U64)
        old = self._row_of(key) if replace else None
        if old is not None:
            self._remove(old)
        row = len(self._keys)
        if row == len(self._seen):
            self._seen = np.concatenate([self._seen, np.empty(len(self._seen), dtype=np.float64)])
        self._keys.append(key)
        self._records.append(record)
        self._seen[row] = seen_at
        self._live += 1
        self._oldest = min(self._oldest, seen_at)
        fresh = self._fresh
        for k in [*bands.tolist(), *lead.tolist(), _id_key(key)]:
            held = fresh.get(k)
            if held is None:
                fresh[k] = row
            elif isinstance(held, int):
                fresh[k] = [held, row]
            else:
                held.append(row)
        self._fresh_count += self.config.bands + LEAD_BANDS + 1
        if self._fresh_count >= _FRESH_LIMIT:
            self._merge()

    def _remove(self, row: int) -> None:
        self._keys[row] = None
        self._records[row] = None
        self._seen[row] = np.nan
        self._live -= 1

    def _merge(self) -> None:
        """Move the fresh LSH entries into the sorted arrays, dropping those of removed rows.

        Two sorted arrays, like a small LSM tree: fresh entries are merged into `_recent`
        (small, cheap to rewrite), and `_recent` into `_sorted` once it holds an eighth as
        many entries, so the big array is rewritten only every so often.
        """
        n = len(self._keys)
        alive = ~np.isnan(self._seen[:n])
        parts = []
        for k, held in self._fresh.items():
            if isinstance(held, int):
                parts.append((k << 32) | held)
            else:
                parts.extend((k << 32) | r for r in held)
        self._fresh = {}
        self._fresh_count = 0
        self._recent = _merged(self._recent, np.sort(np.array(parts, dtype=_U64)), alive)
        if len(self._recent) * 8 >= len(self._sorted):
            self._sorted = _merged(self._sorted, self._recent, alive)
            self._recent = np.empty(0, dtype=_U64)
            if n - self._live > max(self._live, _RENUMBER_MIN):
                self._renumber(alive)

    def _renumber(self, alive: np.ndarray) -> None:
        """Drop removed rows from the row arrays (called when `_sorted` holds live rows only and
        `_recent` and the fresh entries are empty)."""
        new_row = np.cumsum(alive) - 1
        rows = (self._sorted & _LOW32).astype(np.int64)
        self._sorted = (self._sorted & ~_LOW32) | new_row[rows].astype(_U64)  # order is kept
        keep = np.flatnonzero(alive).tolist()
        self._keys = [self._keys[r] for r in keep]
        self._records = [self._records[r] for r in keep]
        seen = self._seen[: len(alive)][alive]
        self._seen = np.concatenate([seen, np.empty(max(len(seen), 1024), dtype=np.float64)])

    def _lookup(self, keys: np.ndarray) -> set[int]:
        """Rows of the live entries under any of `keys` (uint64 values below 2^32)."""
        rows: set[int] = set()
        fresh = self._fresh
        for k in fresh.keys() & keys.tolist():
            held = fresh[k]
            if isinstance(held, int):
                rows.add(held)
            else:
                rows.update(held)
        for table in (self._recent, self._sorted):
            if len(table):
                lo = np.searchsorted(table, keys << _U64(32))
                hi = np.searchsorted(table, (keys + _U64(1)) << _U64(32))
                for a, b in zip(lo[hi > lo].tolist(), hi[hi > lo].tolist()):
                    rows.update((table[a:b] & _LOW32).tolist())
        return {r for r in rows if self._keys[r] is not None}

    def _row_of(self, key: bytes) -> int | None:
        for row in self._lookup(np.array([_id_key(key)], dtype=_U64)):
            if self._keys[row] == key:
                return row
        return None

    def _candidates(self, entry: IndexEntry) -> set[int]:
        """Rows under any LSH key of `entry` or under its id."""
        keys = self._probes(entry)
        if keys is None:  # an entry read back from a record, or made for other bands
            full, leads = self.fingerprinter.probe_keys(entry.signature_array(), None)
            keys = np.concatenate([full.ravel(), leads[-1]])
        return self._lookup(np.append(keys, _U64(_id_key(entry.key))))

    def _id(self, row: int) -> str:
        return self._keys[row].decode("utf-8", "surrogatepass")  # type: ignore[union-attr]

    def _entry(self, row: int) -> IndexEntry:
        return IndexEntry.unpack(self._keys[row], self._records[row], self._scheme)  # type: ignore[arg-type]

    def _require_scheme(self, entry: IndexEntry) -> None:
        if entry.scheme != self._scheme:
            raise ValueError(
                f"entry {entry.article_id!r} was made with scheme {entry.scheme!r}, "
                f"this index uses {self._scheme!r}: drop stored entries after a config change"
            )


def _merged(table: np.ndarray, new: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Sorted `table` and sorted `new` in one sorted array, without entries of removed rows."""
    table = table[alive[(table & _LOW32).astype(np.int64)]]
    new = new[alive[(new & _LOW32).astype(np.int64)]]
    return np.insert(table, np.searchsorted(table, new), new)


def dedup_articles(articles: Iterable[Article], config: DedupConfig | None = None) -> Iterator[tuple[Article, Verdict]]:
    """The offline path (`eventwire dedup`): each article with its verdict, in input order.

    Without a record timestamp, an article's `published_at` stands for the time it was
    received, and the window follows the latest such time seen so far.
    """
    index = DedupIndex(config)
    watermark = float("-inf")
    for article in articles:
        entry = index.fingerprint(article)
        if entry.seen_at > watermark:
            watermark = entry.seen_at
            index.expire(watermark)
        yield article, index.process(entry)
