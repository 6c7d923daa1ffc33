"""Dedup: exact and near-duplicate detection over a bounded window of articles."""
