"""The dedup stage without Kafka: fingerprints, the windowed index and the verdicts.

    config = DedupConfig.from_settings(settings)
    index = DedupIndex(config)
    entry = index.fingerprint(article, seen_at=record_timestamp)   # pure
    verdict = index.process(entry)            # check(), then add() when the article goes on
    if verdict.kind == "duplicate":
        notice = duplicate_notice(article.id, verdict)
    removed_ids = index.expire(now)

Verdicts (`Verdict.kind`):

- ``unique``: first time this content is seen: the article goes on and is indexed.
- ``duplicate``: a later copy of an indexed article (`duplicate_of`), found by the exact key
  (`method="exact"`, similarity 1.0) or by MinHash/LSH (`method="near"`, similarity = the
  full-signature Jaccard estimate of the best candidate). Not indexed: `duplicate_of`
  always names an article that went on.
- ``replay``: the same article id with the same normalized content as its indexed entry
  (a re-delivery or a reprocessing): the article goes on again, the index is unchanged.
- ``update``: the same article id with new content that is not a copy of another article:
  an updated version. It goes on like ``unique`` (its events must be re-extracted) and its
  entry replaces the old one. An updated version that copies *another* article is a
  ``duplicate`` of that article; the old entry of its id stays.

Empty texts (no words after normalization) are always ``unique`` and never indexed.

State: one `IndexEntry` per indexed article, JSON-safe through `to_dict()`/`from_dict()`.
A `DedupIndex` is rebuilt from stored entries by calling `add(entry)` for each, in any
order; the band keys and the expiry order are derived from the entries.

Time: every entry carries `seen_at`, the time the pipeline received the article (epoch
seconds; the worker passes the Kafka record timestamp). The window is on that time, not on
the publication time: see docs/dedup.md. Verdicts never look at entries more than
`retention_seconds` older than the article being checked, so they do not depend on how
often `expire()` runs.
"""

from __future__ import annotations

import base64
import heapq
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from workers.dedup.minhash import MinHasher, band_keys, similarity
from workers.dedup.normalize import NORMALIZER_VERSION, exact_key, tokenize
from workers.records import Article, DedupMethod, DuplicateNotice

if TYPE_CHECKING:
    from workers.settings import Settings

VerdictKind = Literal["unique", "duplicate", "replay", "update"]

_MAX_SLOTS = 1024  # the band-key weights in minhash cover this many slots


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Parameters of the dedup stage. See docs/dedup.md for how the defaults were chosen."""

    shingle_size: int = 3
    permutations: int = 128
    bands: int = 32
    threshold: float = 0.5
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
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.retention_seconds <= 0 or self.max_chars < 1:
            raise ValueError("retention_seconds and max_chars must be positive")

    @classmethod
    def from_settings(cls, settings: "Settings", **overrides: Any) -> "DedupConfig":
        """The config described by the `dedup_*` settings, then keyword overrides."""
        values: dict[str, Any] = dict(
            shingle_size=settings.dedup_shingle_size,
            permutations=settings.dedup_permutations,
            bands=settings.dedup_bands,
            threshold=settings.dedup_threshold,
            retention_seconds=settings.dedup_retention_days * 86400.0,
        )
        values.update(overrides)
        return cls(**values)

    @property
    def scheme(self) -> str:
        """Names everything a fingerprint depends on: entries of another scheme do not compare.

        Bands, threshold and retention are not in it: changing them keeps stored entries valid.
        """
        return (
            f"n{NORMALIZER_VERSION}-k{self.shingle_size}-p{self.permutations}"
            f"-s{self.seed}-c{self.max_chars}"
        )


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """The fingerprint of one article: what the index (and the Faust table) stores."""

    article_id: str
    seen_at: float
    exact: bytes  # 16-byte hash of the normalized text
    signature: bytes  # MinHash signature: permutations x uint32, little-endian
    shingles: int  # number of shingles; 0 for an empty text
    scheme: str

    @property
    def empty(self) -> bool:
        return self.shingles == 0

    def signature_array(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype="<u4")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (about 0.8 kB with 128 permutations)."""
        return {
            "id": self.article_id,
            "seen_at": self.seen_at,
            "exact": base64.b64encode(self.exact).decode("ascii"),
            "sig": base64.b64encode(self.signature).decode("ascii"),
            "shingles": self.shingles,
            "scheme": self.scheme,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IndexEntry":
        return cls(
            article_id=data["id"],
            seen_at=float(data["seen_at"]),
            exact=base64.b64decode(data["exact"]),
            signature=base64.b64decode(data["sig"]),
            shingles=int(data["shingles"]),
            # Thousands of entries share a handful of schemes: keep one string of each.
            scheme=sys.intern(data["scheme"]),
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the index says about one article (see the module docstring for the kinds)."""

    kind: VerdictKind
    duplicate_of: str | None = None
    method: DedupMethod | None = None
    similarity: float | None = None

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


def parse_time(value: str) -> float:
    """Epoch seconds of an RFC 3339 / ISO 8601 time; a time without zone is taken as UTC."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


class DedupIndex:
    """Exact and near-duplicate index over a sliding window of articles.

    Holds, per indexed article: its entry, its exact key and one LSH key per band. Memory
    is bounded by the number of articles seen in `retention_seconds` (see docs/dedup.md
    for the measured bytes per article).
    """

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self._hasher = MinHasher(self.config.shingle_size, self.config.permutations, self.config.seed)
        self._scheme = self.config.scheme
        self._entries: dict[str, IndexEntry] = {}
        self._exact: dict[bytes, str] = {}
        # LSH buckets: band key -> id, or a tuple of ids when several articles share the key
        # (a tuple only where needed: most keys have one id, and a str costs nothing extra).
        self._buckets: dict[int, str | tuple[str, ...]] = {}
        # (seen_at, id) in expiry order; items of replaced entries are skipped when popped.
        self._expiry: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def entries(self) -> Iterator[IndexEntry]:
        return iter(self._entries.values())

    def fingerprint(self, article: Article, seen_at: float | None = None) -> IndexEntry:
        """The entry of `article`, received at `seen_at` (default: its `published_at`).

        Pure: neither reads nor changes the index. Raises ValueError only for a
        `published_at` that is not an ISO time when `seen_at` is not given.
        """
        if seen_at is None:
            seen_at = parse_time(article.published_at)
        cfg = self.config
        body = article.body or ""
        tokens = tokenize(body, cfg.max_chars)
        shingles = self._hasher.shingle_hashes(tokens)
        return IndexEntry(
            article_id=article.id,
            seen_at=float(seen_at),
            exact=exact_key(tokens, body, cfg.max_chars),
            signature=self._hasher.signature(shingles).astype("<u4").tobytes(),
            shingles=len(shingles),
            scheme=self._scheme,
        )

    def check(self, entry: IndexEntry) -> Verdict:
        """The verdict on `entry` against the index, without changing the index."""
        self._require_scheme(entry)
        if entry.empty:
            return _UNIQUE
        own = self._entries.get(entry.article_id)
        if own is not None and own.exact == entry.exact:
            return _REPLAY
        horizon = entry.seen_at - self.config.retention_seconds

        first = self._exact.get(entry.exact)
        if first is not None and first != entry.article_id and self._entries[first].seen_at >= horizon:
            return Verdict("duplicate", first, "exact", 1.0)

        candidates = [
            c
            for c in self._candidates(entry)
            if c.article_id != entry.article_id and c.seen_at >= horizon
        ]
        if candidates:
            sims = similarity(
                entry.signature_array(), np.stack([c.signature_array() for c in candidates])
            )
            # Best estimate first, then the earliest original.
            best = max(range(len(candidates)), key=lambda i: (sims[i], -candidates[i].seen_at))
            if sims[best] >= self.config.threshold:
                return Verdict("duplicate", candidates[best].article_id, "near", float(sims[best]))
        return _UNIQUE if own is None else _UPDATE

    def add(self, entry: IndexEntry) -> None:
        """Index `entry`, replacing any entry with the same id. Empty entries are ignored."""
        self._require_scheme(entry)
        if entry.empty:
            return
        article_id = entry.article_id
        if article_id in self._entries:
            self._remove(article_id)
        self._entries[article_id] = entry
        # The first indexed holder of an exact key stays its canonical original.
        self._exact.setdefault(entry.exact, article_id)
        buckets = self._buckets
        for key in band_keys(entry.signature_array(), self.config.bands):
            held = buckets.get(key)
            if held is None:
                buckets[key] = article_id
            elif isinstance(held, str):
                buckets[key] = (held, article_id)
            else:
                buckets[key] = (*held, article_id)
        heapq.heappush(self._expiry, (entry.seen_at, article_id))

    def process(self, entry: IndexEntry) -> Verdict:
        """`check(entry)`, then `add(entry)` when the verdict is ``unique`` or ``update``."""
        verdict = self.check(entry)
        if verdict.indexed:
            self.add(entry)
        return verdict

    def expire(self, now: float) -> list[str]:
        """Remove the entries seen more than `retention_seconds` before `now`; their ids."""
        horizon = now - self.config.retention_seconds
        removed = []
        expiry = self._expiry
        while expiry and expiry[0][0] < horizon:
            seen_at, article_id = heapq.heappop(expiry)
            entry = self._entries.get(article_id)
            if entry is not None and entry.seen_at == seen_at:
                self._remove(article_id)
                removed.append(article_id)
        return removed

    def _candidates(self, entry: IndexEntry) -> list[IndexEntry]:
        ids: set[str] = set()
        buckets = self._buckets
        for key in band_keys(entry.signature_array(), self.config.bands):
            held = buckets.get(key)
            if held is None:
                continue
            if isinstance(held, str):
                ids.add(held)
            else:
                ids.update(held)
        return [self._entries[i] for i in ids]

    def _remove(self, article_id: str) -> None:
        entry = self._entries.pop(article_id)
        if self._exact.get(entry.exact) == article_id:
            del self._exact[entry.exact]
        buckets = self._buckets
        for key in band_keys(entry.signature_array(), self.config.bands):
            held = buckets.get(key)
            rest = () if held is None or isinstance(held, str) else tuple(i for i in held if i != article_id)
            if not rest:
                buckets.pop(key, None)
            else:
                buckets[key] = rest[0] if len(rest) == 1 else rest

    def _require_scheme(self, entry: IndexEntry) -> None:
        if entry.scheme != self._scheme:
            raise ValueError(
                f"entry {entry.article_id!r} was made with scheme {entry.scheme!r}, "
                f"this index uses {self._scheme!r}: drop stored entries after a config change"
            )


def dedup_articles(
    articles: Iterable[Article], config: DedupConfig | None = None
) -> Iterator[tuple[Article, Verdict]]:
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
