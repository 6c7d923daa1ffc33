"""State of the single-writer agents kept in Faust tables, so it survives restarts and moves with its partition.

A changelog-backed table holds the state record by record (for dedup: one `IndexEntry` per
indexed article, keyed by article id). The in-memory structure the pure stage works on is
derived from it: rebuilt from the table whenever the consumer group generation changes
(after start-up recovery or a rebalance), and every change is written to the table in the
same step.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from workers.dedup.index import DedupConfig, DedupIndex, IndexEntry, Verdict
from workers.records import Article


class TableMirror:
    """An in-memory structure derived from a table; subclasses say how to `rebuild` it."""

    def __init__(self, table: MutableMapping[bytes, Any]) -> None:
        self.table = table
        self._generation: int | None = None

    def sync(self, generation: int) -> None:
        """Rebuild from the table if the group generation changed since the last call."""
        if generation != self._generation:
            self.rebuild()
            self._generation = generation

    def rebuild(self) -> None:
        raise NotImplementedError


class TableBackedIndex(TableMirror):
    def __init__(self, table: MutableMapping[bytes, Any], config: DedupConfig) -> None:
        super().__init__(table)
        self.config = config
        self.index = DedupIndex(config)
        self._expired_up_to = 0.0

    def rebuild(self) -> None:
        index = DedupIndex(self.config)
        for key, value in list(self.table.items()):
            entry = IndexEntry.from_dict(value)
            if entry.scheme != self.config.scheme:
                del self.table[key]  # made under another dedup configuration: cannot compare
                continue
            index.add(entry)
        self.index = index

    def process(self, article: Article, seen_at: float) -> Verdict:
        """The verdict on `article`; indexed entries go to the table too. Expires old entries."""
        entry = self.index.fingerprint(article, seen_at=seen_at)
        verdict = self.index.process(entry)
        if verdict.indexed:
            self.table[article.id.encode()] = entry.to_dict()
        if seen_at - self._expired_up_to > 60:  # expiry is cheap but need not run per record
            for article_id in self.index.expire(seen_at):
                self.table.pop(article_id.encode(), None)
            self._expired_up_to = seen_at
        return verdict
