"""The records of `events.consolidated` (a cluster's version, a retired id) and reading events back from JSON.

`schemas/consolidated.schema.json` is the contract of `ConsolidatedEvent.to_dict()` and
`RetiredCluster.to_dict()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workers.records import (
    PIPELINE_VERSION,
    Actor,
    Event,
    EventDate,
    EventLocation,
    Record,
    Span,
    parse_timestamp,
    utc_now_iso,
)


@dataclass(slots=True)
class ConsolidatedEvent(Record):
    """One real-world event as reported by one or more articles, in its latest version.

    Keyed by `cluster_id`; every change is a new record with the same key and a higher
    `version`, so the last record of a key is the current state. Members may also leave
    (to another cluster published in the same update).
    """

    cluster_id: str
    version: int
    type: str
    subtype: str
    codes: dict[str, str | None]
    location: EventLocation | None
    date: EventDate
    actors: list[Actor]
    event_ids: list[str]
    sources: list[str]
    num_events: int
    num_articles: int
    num_sources: int
    first_seen: str  # earliest published_at of a member event
    last_seen: str  # latest published_at of a member event
    confidence: float
    pipeline_version: str = PIPELINE_VERSION
    updated_at: str = field(default_factory=utc_now_iso)


@dataclass(slots=True)
class RetiredCluster(Record):
    """The end of a cluster id: the report it was named after now belongs to `merged_into`.

    Published after the new versions of the clusters that changed, then followed by a
    tombstone (a null value) for the id on the compacted topic.
    """

    cluster_id: str
    version: int
    merged_into: str
    pipeline_version: str = PIPELINE_VERSION
    updated_at: str = field(default_factory=utc_now_iso)


def event_from_dict(data: dict[str, Any]) -> Event:
    """An `Event` from its JSON form (`Event.to_dict()`, as on the `events` topic).

    Raises KeyError, TypeError or ValueError for a record that is not one (a missing field,
    a `published_at` that is not an ISO time).
    """
    parse_timestamp(data["published_at"])
    location = data.get("location")
    return Event(
        event_id=data["event_id"],
        article_id=data["article_id"],
        source=data.get("source"),
        url=data.get("url"),
        published_at=data["published_at"],
        type=data["type"],
        subtype=data["subtype"],
        codes=dict(data["codes"]),
        trigger=Span(**data["trigger"]),
        evidence=Span(**data["evidence"]),
        actors=[Actor(**a) for a in data.get("actors", [])],
        location=EventLocation(**location) if location else None,
        date=EventDate(**data["date"]),
        confidence=float(data["confidence"]),
        pipeline_version=data.get("pipeline_version", PIPELINE_VERSION),
        extracted_at=data.get("extracted_at") or utc_now_iso(),
    )
