"""Consolidation: one record per real-world event across the articles that report it.

Extraction gives one `Event` per happening per article; different outlets report the same
bombing in their own words, with dates as "Monday" or "on May 8" or "in May", places as a
town or its province. `Consolidator` groups events of one type whose places, dates,
subtypes and actors agree, whatever order they arrive in within the lateness horizon, and
keeps one `ConsolidatedEvent` per group with its best location and date and how many
articles and sources reported it; a `RetiredCluster` says which cluster an id merged into.
The stream agent (`workers.stream.consolidate`) and `consolidate_file` call the same code.
"""

from workers.consolidate.cluster import (
    Cluster,
    ConsolidationConfig,
    Consolidator,
    Update,
    consolidate,
    consolidate_file,
    current,
    read_events,
)
from workers.consolidate.records import ConsolidatedEvent, RetiredCluster, event_from_dict

__all__ = [
    "Cluster",
    "ConsolidatedEvent",
    "ConsolidationConfig",
    "Consolidator",
    "RetiredCluster",
    "Update",
    "consolidate",
    "consolidate_file",
    "current",
    "event_from_dict",
    "read_events",
]
