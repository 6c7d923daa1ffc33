"""Consolidation: one record per real-world event across the articles that report it.

Extraction gives one `Event` per happening per article; different outlets report the same
bombing in their own words, with dates as "Monday" or "on May 8" or "in May", places as a
town or its province. `Consolidator` groups events of one type whose places, dates,
subtypes and actors agree within a window of time, and keeps one `ConsolidatedEvent` per
group with its best location and date and how many articles and sources reported it.
The stream agent (`workers.stream.consolidate`) and `consolidate_file` call the same code.
"""

from workers.consolidate.cluster import (Cluster, ConsolidationConfig, Consolidator, consolidate,
                                         consolidate_file, read_events)
from workers.consolidate.records import ConsolidatedEvent, event_from_dict

__all__ = ["Cluster", "ConsolidatedEvent", "ConsolidationConfig", "Consolidator", "consolidate",
           "consolidate_file", "event_from_dict", "read_events"]
