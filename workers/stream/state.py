"""State of the single-writer agents kept in Faust tables, so it survives restarts and moves with its partition.

A changelog-backed table holds the state record by record (for dedup: one packed
`IndexEntry` per indexed article, keyed by article id). The in-memory structure the pure stage works on is
derived from it: rebuilt from the table whenever the consumer group generation changes
(after start-up recovery or a rebalance), and every change is written to the table in the
same step.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from workers.dedup.index import DedupConfig, DedupIndex, Verdict
from workers.records import Article

EXPIRE_EVERY = 60.0  # seconds of record time between expiry sweeps: expiry need not run per record


class TableMirror:
    """An in-memory structure derived from a table; subclasses say how to `rebuild` it."""

    def __init__(self, table: MutableMapping[bytes, Any]) -> None:
        self.table = table
        self._generation: int | None = None
        self._swept = float("-inf")

    def expiry_due(self, now: float) -> bool:
        """Whether an expiry sweep is due at `now` (the newest record time); if so, it counts as done."""
        if now - self._swept <= EXPIRE_EVERY:
            return False
        self._swept = now
        return True

    def sync(self, generation: int) -> None:
        """Rebuild from the table if the group generation changed since the last call."""
        if generation != self._generation:
            self.rebuild()
            self._generation = generation

    def rebuild(self) -> None:
        raise NotImplementedError


class TableBackedIndex(TableMirror):
    """The dedup index over a table of packed records (`IndexEntry.pack()`, keyed by article id).

    The index holds the table's own key and value objects rather than copies, so with the
    in-memory store an article costs its record once (see docs/dedup.md for the bytes).
    """

    def __init__(self, table: MutableMapping[bytes, Any], config: DedupConfig) -> None:
        super().__init__(table)
        self.config = config
        self.index = DedupIndex(config)

    def rebuild(self) -> None:
        index = DedupIndex(self.config)
        # Records made under another dedup configuration (or in an older format) cannot be
        # compared: they are dropped from the table.
        for key in index.load(list(self.table.items())):
            del self.table[key]
        self.index = index

    def process(self, article: Article, seen_at: float, wire: bytes | None = None) -> Verdict:
        """The verdict on `article`, received at `seen_at` with the entry `wire` (see
        `Fingerprinter.received`); indexed entries go to the table too. Expires old entries."""
        entry = self.index.fingerprinter.received(article, seen_at, wire)
        verdict = self.index.process(entry)
        if verdict.indexed:
            stored = self.index.stored(entry.key)
            if stored is not None:  # None: an empty text, never indexed
                key, record = stored
                self.table[key] = record
        if self.expiry_due(seen_at):
            for article_id in self.index.expire(seen_at):
                self.table.pop(article_id.encode(), None)
        return verdict
