"""Dedup: exact and near-duplicate detection over a bounded window of articles."""

from workers.dedup.index import (
    DedupConfig,
    DedupIndex,
    Fingerprinter,
    IndexEntry,
    Verdict,
    dedup_articles,
    duplicate_notice,
)

__all__ = ["DedupConfig", "DedupIndex", "Fingerprinter", "IndexEntry", "Verdict", "dedup_articles", "duplicate_notice"]
