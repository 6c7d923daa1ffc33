"""The dedup index kept in a Faust table, so it survives restarts and moves with its partition.

The table (changelog-backed) holds one `IndexEntry` per indexed article, keyed by article
id. The in-memory `DedupIndex` is derived from it: it is rebuilt from the table whenever the
consumer group generation changes (after start-up recovery or a rebalance), and every
change to the index is written to the table in the same step.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from workers.dedup.index import DedupConfig, DedupIndex, IndexEntry, Verdict
from workers.records import Article


class TableBackedIndex:
    def __init__(self, table: MutableMapping[bytes, Any], config: DedupConfig) -> None:
        self.table = table
        self.config = config
        self.index = DedupIndex(config)
        self._generation: int | None = None
        self._expired_up_to = 0.0

    def sync(self, generation: int) -> None:
        """Rebuild the index from the table if the group generation changed since the last call."""
        if generation == self._generation:
            return
        index = DedupIndex(self.config)
        for key, value in list(self.table.items()):
            entry = IndexEntry.from_dict(value)
            if entry.scheme != self.config.scheme:
                del self.table[key]  # made under another dedup configuration: cannot compare
                continue
            index.add(entry)
        self.index = index
        self._generation = generation

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
