"""The consolidation stage without Kafka: events in, one evolving record per real-world event out.

    consolidator = Consolidator(ConsolidationConfig())
    record = consolidator.process(event)   # ConsolidatedEvent (new version of its cluster) or None
    removed_ids = consolidator.expire()     # clusters that left the window

An event joins the best-scoring live cluster of its type that it agrees with (see
`workers.consolidate.match` for the scores and vetoes), or starts a new one. A cluster
keeps its best knowledge: the most specific subtype, the most precise location, the
narrowest date, and the intersection of its members' date intervals, against which
later events are compared (so a cluster never holds two different days or towns).

Time is event time: every event counts at its `published_at`. The watermark is the latest
such time seen; an event older than the watermark minus `window_days` is late: `process`
returns None. A cluster is a candidate for a report published within the window after its
last report; a week- or month-precise report ("in May") is also a candidate for the
clusters whose days its own days contain, as long as it is published within the window
after the end of its week or month. So a cluster is kept until the window after the later
of its last report and the end of the calendar month (and ISO week) of its last possible
day, at most `REACH_MAX_DAYS` after its last report (`Consolidator.keep_until`); `expire()`
drops it after that. So results depend only on the order of the input,
not on wall-clock time or on how often `expire()` runs, and a replay of the same events
from empty state gives the same clusters with the same ids.

State: one `Cluster` per live cluster, JSON-safe through `to_dict()`/`from_dict()`; a
`Consolidator` is rebuilt by `add()`-ing the stored clusters in any order.
"""

from __future__ import annotations

import hashlib
import heapq
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from workers.consolidate.match import (ACTOR_COUNTRY_CONFLICT, PRECISION_RANK, SHARED_ACTOR, Interval,
                                       actor_countries_conflict, actor_words, actors_share, date_interval,
                                       date_score, deeper_subtype, intersect, place_score, subtype_score)
from workers.consolidate.records import ConsolidatedEvent, event_from_dict
from workers.dedup.index import parse_time
from workers.extract.codes import codes_for
from workers.records import Actor, Event, EventDate, EventLocation, utc_now_iso

EXPIRE_EVERY = 3600.0  # seconds of event time between expiry sweeps in `consolidate()`
DAY_SECONDS = 86400.0
WIDE_MIN_DAYS = 7  # a report whose date spans this many days or more (a week, a month) ...
REACH_MAX_DAYS = 31  # ... and at most this many may join a cluster after the window (`_reach`)


@dataclass(frozen=True, slots=True)
class ConsolidationConfig:
    """Parameters of consolidation. See docs/consolidation.md for the reasons of the defaults."""

    window_days: float = 3.0
    same_place_km: float = 25.0  # two city-precise places closer than this are one place
    admin1_km: float = 150.0  # a city this close to an admin1's point may lie in it (when admin1 names are missing)
    report_lag_days: int = 1  # an undated report tells of its publication day or up to this many days before
    min_score: float = 5.0
    # Two events of one article are already merged by extraction when they are one happening;
    # they join one cluster only with this much evidence.
    same_article_score: float = 7.0
    # Types whose events are told apart by who acts: a statement by someone else is another statement.
    actor_defined_types: tuple[str, ...] = ("statement",)
    max_actors: int = 12

    def __post_init__(self) -> None:
        if self.window_days <= 0 or self.same_place_km < 0 or self.admin1_km < 0 or self.report_lag_days < 0:
            raise ValueError("window_days must be positive; distances and report_lag_days not negative")

    @property
    def window_seconds(self) -> float:
        return self.window_days * DAY_SECONDS


@dataclass(frozen=True, slots=True)
class Member:
    """One event in a cluster: what the counts need."""

    event_id: str
    article_id: str
    source: str  # the outlet; the URL's host or the article when the outlet is unknown


@dataclass(slots=True)
class Cluster:
    """The live state of one consolidated event."""

    cluster_id: str
    type: str
    subtype: str
    location: EventLocation | None
    date: EventDate
    interval: Interval  # the days every member's date allows
    actors: list[Actor]
    members: list[Member]
    first_seen: float
    last_seen: float
    confidence: float
    version: int = 1
    updated_at: str = field(default_factory=utc_now_iso)

    @property
    def country(self) -> str | None:
        return self.location.country_code if self.location is not None else None

    def has_article(self, article_id: str) -> bool:
        return any(m.article_id == article_id for m in self.members)

    def record(self) -> ConsolidatedEvent:
        """The record published for the cluster's current version."""
        return ConsolidatedEvent(
            cluster_id=self.cluster_id,
            version=self.version,
            type=self.type,
            subtype=self.subtype,
            codes=codes_for(self.type, self.subtype),
            location=self.location,
            date=self.date,
            actors=list(self.actors),
            event_ids=[m.event_id for m in self.members],
            sources=sorted({m.source for m in self.members}),
            num_events=len(self.members),
            num_articles=len({m.article_id for m in self.members}),
            num_sources=len({m.source for m in self.members}),
            first_seen=_iso(self.first_seen),
            last_seen=_iso(self.last_seen),
            confidence=self.confidence,
            updated_at=self.updated_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.cluster_id,
            "type": self.type,
            "subtype": self.subtype,
            "location": self.location.to_dict() if self.location is not None else None,
            "date": self.date.to_dict(),
            "interval": list(self.interval),
            "actors": [a.to_dict() for a in self.actors],
            "members": [[m.event_id, m.article_id, m.source] for m in self.members],
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "confidence": self.confidence,
            "version": self.version,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Cluster":
        location = data["location"]
        start, end = data["interval"]
        return cls(
            cluster_id=data["id"],
            type=data["type"],
            subtype=data["subtype"],
            location=EventLocation(**location) if location is not None else None,
            date=EventDate(**data["date"]),
            interval=(int(start), int(end)),
            actors=[Actor(**a) for a in data["actors"]],
            members=[Member(*m) for m in data["members"]],
            first_seen=float(data["first_seen"]),
            last_seen=float(data["last_seen"]),
            confidence=float(data["confidence"]),
            version=int(data["version"]),
            updated_at=data["updated_at"],
        )


def cluster_id_for(event_id: str) -> str:
    """The id of a cluster started by `event_id`: the same on every replay."""
    return "c-" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:20]


def source_key(event: Event) -> str:
    if event.source:
        return event.source
    host = urlsplit(event.url).hostname if event.url else None
    return host or f"article:{event.article_id}"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day_of(epoch: float) -> int:
    return int(epoch // DAY_SECONDS)


def _width(interval: Interval) -> int:
    return interval[1] - interval[0]


def _day_start(ordinal: int) -> float:
    """The epoch second at which the day `ordinal` (proleptic Gregorian) begins, UTC."""
    return datetime.combine(date.fromordinal(ordinal), time(), timezone.utc).timestamp()


def _reach(cluster: Cluster) -> float:
    """The latest event time at which a report may still join `cluster`, before the window.

    A report is read against the cluster's latest report (`last_seen`), and a week- or
    month-precise report ("in May", "last week") also against the cluster's days: it may
    name the calendar month or the ISO week that holds the cluster's last possible day, so
    the cluster is kept until that month and that week are over. Clusters whose days span
    more than `REACH_MAX_DAYS` (a year-precise report) are not kept longer, and no cluster is
    kept more than `REACH_MAX_DAYS` after its last report (a date far in the future).
    """
    if _width(cluster.interval) + 1 > REACH_MAX_DAYS:
        return cluster.last_seen
    return max(cluster.last_seen, min(_period_end(cluster.interval[1]), cluster.last_seen + REACH_MAX_DAYS * DAY_SECONDS))


@lru_cache(maxsize=4096)
def _period_end(ordinal: int) -> float:
    """When the later of the calendar month and the ISO week that hold day `ordinal` is over."""
    last = date.fromordinal(ordinal)
    month_end = date(last.year + last.month // 12, last.month % 12 + 1, 1).toordinal()  # the day after
    week_end = ordinal + 8 - last.isoweekday()  # the Monday after
    return _day_start(max(month_end, week_end))


class Consolidator:
    """Clusters of events over a sliding window of event time (see the module docstring)."""

    def __init__(self, config: ConsolidationConfig | None = None) -> None:
        self.config = config or ConsolidationConfig()
        self._clusters: dict[str, Cluster] = {}
        self._member_of: dict[str, str] = {}  # event id -> cluster id
        # type -> country (None: unknown) -> day of last_seen -> cluster ids; an event only
        # meets clusters of its own type and of its country or of none, and (unless it gives
        # only a week or a month) of the days its window reaches.
        self._buckets: dict[str, dict[str | None, dict[int, set[str]]]] = {}
        # (keep_until, cluster id) for every index update; an entry whose cluster has moved on
        # since is skipped when it comes up, so expiry costs a heap pop per update, not a walk
        self._expiry: list[tuple[float, str]] = []
        self.watermark = float("-inf")

    def __len__(self) -> int:
        return len(self._clusters)

    def cluster(self, cluster_id: str) -> Cluster:
        return self._clusters[cluster_id]

    def clusters(self) -> Iterator[Cluster]:
        return iter(self._clusters.values())

    def add(self, cluster: Cluster) -> None:
        """Put a stored cluster back (rebuilding from a table or a snapshot), replacing one with its id."""
        if cluster.cluster_id in self._clusters:
            self._remove(cluster.cluster_id)
        self._clusters[cluster.cluster_id] = cluster
        for member in cluster.members:
            self._member_of[member.event_id] = cluster.cluster_id
        self._index(cluster)
        self.watermark = max(self.watermark, cluster.last_seen)

    def process(self, event: Event) -> ConsolidatedEvent | None:
        """Add `event` and return the new version of its cluster; None for a late event.

        An event already in a cluster (a replay) returns that cluster's current record unchanged.
        """
        seen = parse_time(event.published_at)
        window = self.config.window_seconds
        if seen < self.watermark - window:
            return None
        known = self._member_of.get(event.event_id)
        if known is not None:
            return self._clusters[known].record()
        self.watermark = max(self.watermark, seen)
        interval = date_interval(event.date, self.config.report_lag_days)
        best: tuple[float, int, str] | None = None
        tied = False  # another cluster scores as high as the best one
        for cluster in self._candidates(event, seen, interval):
            score = self.score(cluster, event, interval)
            if score is None:
                continue
            needed = self.config.same_article_score if cluster.has_article(event.article_id) else self.config.min_score
            if score < needed:
                continue
            key = (score, len(cluster.members), cluster.cluster_id)
            if best is not None and score == best[0]:
                tied = True
            elif best is None or score > best[0]:
                tied = False
            if best is None or key > best:
                best = key
        if best is None or tied:
            # Nothing to join, or two clusters fit equally well and nothing in the report tells
            # which one it is (an arrest "in Saxony" when Dresden and Leipzig both had one that
            # day): a cluster of its own rather than a guess.
            cluster = self._start(event, seen, interval)
        else:
            cluster = self._clusters[best[2]]
            self._join(cluster, event, seen, interval)
        return cluster.record()

    def score(self, cluster: Cluster, event: Event, interval: Interval | None = None) -> float | None:
        """How well `event` agrees with `cluster`: None when it cannot be the same happening."""
        cfg = self.config
        if event.type != cluster.type:
            return None
        when = date_score(interval or date_interval(event.date, cfg.report_lag_days), cluster.interval)
        if when is None:  # the cheapest veto first: most candidates fail on the date
            return None
        subtype = subtype_score(event.type, cluster.subtype, event.subtype)
        if subtype is None:
            return None
        where = place_score(event.location, cluster.location, cfg.same_place_km, cfg.admin1_km)
        if where is None:
            return None
        shared = actors_share(event.actors, cluster.actors)
        if shared is False and event.type in cfg.actor_defined_types:
            return None
        score = subtype + when + where
        if shared:
            score += SHARED_ACTOR
        if actor_countries_conflict(event.actors, cluster.actors):
            score += ACTOR_COUNTRY_CONFLICT
        return score

    def keep_until(self, cluster: Cluster) -> float:
        """The event time after which `cluster` can take no more reports (see `_reach`)."""
        return _reach(cluster) + self.config.window_seconds

    def expire(self, now: float | None = None) -> list[str]:
        """Drop the clusters that can take no more reports at `now` (default: the watermark):
        those whose `keep_until` is before it."""
        now = self.watermark if now is None else now
        gone = []
        while self._expiry and self._expiry[0][0] < now:
            until, cid = heapq.heappop(self._expiry)
            cluster = self._clusters.get(cid)
            if cluster is not None and self.keep_until(cluster) == until:
                self._remove(cid)
                gone.append(cid)
        return gone

    def to_dict(self) -> dict[str, Any]:
        """The whole state; the watermark is the latest `last_seen` of the clusters."""
        return {"clusters": [c.to_dict() for c in sorted(self._clusters.values(), key=lambda c: c.cluster_id)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], config: ConsolidationConfig | None = None) -> "Consolidator":
        consolidator = cls(config)
        for item in data["clusters"]:
            consolidator.add(Cluster.from_dict(item))
        return consolidator

    # ---- internals -----------------------------------------------------------------------

    def _candidates(self, event: Event, seen: float, interval: Interval) -> Iterator[Cluster]:
        by_country = self._buckets.get(event.type, {})
        country = event.location.country_code if event.location is not None else None
        groups = by_country.values() if country is None else (by_country.get(country, {}), by_country.get(None, {}))
        window = self.config.window_seconds
        now = max(self.watermark, seen)
        oldest = now - window
        # A week- or month-precise report ("in May") may come long after the happening: it
        # also meets the live clusters whose days its own days contain, while it is published
        # no later than the window after the end of its week or month (`_reach`).
        wide = WIDE_MIN_DAYS <= _width(interval) + 1 <= REACH_MAX_DAYS and \
            seen <= _day_start(interval[1] + 1) + window
        first_day = _day_of(oldest)
        ids = (cid for days in groups for day, cids in days.items() if wide or day >= first_day for cid in cids)
        for cid in ids:
            cluster = self._clusters[cid]
            if cluster.first_seen > seen + window:
                continue
            if cluster.last_seen >= oldest or (wide and self.keep_until(cluster) >= now
                                               and interval[0] <= cluster.interval[0]
                                               and cluster.interval[1] <= interval[1]):
                yield cluster

    def _start(self, event: Event, seen: float, interval: Interval) -> Cluster:
        cluster = Cluster(
            cluster_id=cluster_id_for(event.event_id),
            type=event.type,
            subtype=event.subtype,
            location=event.location,
            date=event.date,
            interval=interval,
            actors=list(event.actors[: self.config.max_actors]),
            members=[Member(event.event_id, event.article_id, source_key(event))],
            first_seen=seen,
            last_seen=seen,
            confidence=event.confidence,
        )
        self.add(cluster)
        return cluster

    def _join(self, cluster: Cluster, event: Event, seen: float, interval: Interval) -> None:
        self._unindex(cluster)  # its country and last_seen may change
        cluster.members.append(Member(event.event_id, event.article_id, source_key(event)))
        self._member_of[event.event_id] = cluster.cluster_id
        cluster.subtype = deeper_subtype(cluster.type, cluster.subtype, event.subtype)
        cluster.interval = intersect(cluster.interval, interval) or cluster.interval
        best_width = _width(date_interval(cluster.date, self.config.report_lag_days))
        if (_width(interval), event.date.source != "text") < (best_width, cluster.date.source != "text"):
            cluster.date = event.date
        if event.location is not None and (cluster.location is None or PRECISION_RANK[event.location.precision]
                                           > PRECISION_RANK[cluster.location.precision]):
            cluster.location = event.location
        self._merge_actors(cluster, event.actors)
        cluster.first_seen = min(cluster.first_seen, seen)
        cluster.last_seen = max(cluster.last_seen, seen)
        cluster.confidence = max(cluster.confidence, event.confidence)
        cluster.version += 1
        cluster.updated_at = utc_now_iso()
        self._index(cluster)

    def _index(self, cluster: Cluster) -> None:
        days = self._buckets.setdefault(cluster.type, {}).setdefault(cluster.country, {})
        days.setdefault(_day_of(cluster.last_seen), set()).add(cluster.cluster_id)
        heapq.heappush(self._expiry, (self.keep_until(cluster), cluster.cluster_id))

    def _unindex(self, cluster: Cluster) -> None:
        days = self._buckets[cluster.type][cluster.country]
        day = _day_of(cluster.last_seen)
        days[day].discard(cluster.cluster_id)
        if not days[day]:
            del days[day]

    def _merge_actors(self, cluster: Cluster, actors: list[Actor]) -> None:
        """Add the actors the cluster does not name yet ("Hamas" is named by "Hamas militants")."""
        for actor in actors:
            if len(cluster.actors) >= self.config.max_actors:
                return
            words = actor_words(actor.text)
            if words and not any(a.role == actor.role and (words <= (known := actor_words(a.text)) or known <= words)
                                 for a in cluster.actors):
                cluster.actors.append(actor)

    def _remove(self, cluster_id: str) -> None:
        cluster = self._clusters.pop(cluster_id)
        for member in cluster.members:
            if self._member_of.get(member.event_id) == cluster_id:
                del self._member_of[member.event_id]
        self._unindex(cluster)


def consolidate(events: Iterable[Event], config: ConsolidationConfig | None = None,
                consolidator: Consolidator | None = None) -> Iterator[ConsolidatedEvent]:
    """Every cluster update, in input order (late events yield nothing)."""
    if consolidator is None:
        consolidator = Consolidator(config)
    swept = consolidator.watermark
    for event in events:
        record = consolidator.process(event)
        if record is not None:
            yield record
        if consolidator.watermark - swept >= EXPIRE_EVERY:
            consolidator.expire()
            swept = consolidator.watermark


def read_events(path: str | Path) -> Iterator[Event]:
    """Events from a JSONL file of `Event` records (the output of `eventwire extract`)."""
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield event_from_dict(orjson.loads(line))


def consolidate_file(in_path: str | Path, out_path: str | Path, config: ConsolidationConfig | None = None) -> int:
    """Consolidate a JSONL file of events; write the final version of every cluster, in order
    of first report, to `out_path` ("-": stdout). Returns the number of clusters written."""
    latest: dict[str, ConsolidatedEvent] = {}
    for record in consolidate(read_events(in_path), config):
        latest[record.cluster_id] = record
    rows = sorted(latest.values(), key=lambda r: (r.first_seen, r.cluster_id))
    out = sys.stdout.buffer if str(out_path) == "-" else open(out_path, "wb")
    try:
        for row in rows:
            out.write(row.to_json() + b"\n")
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    return len(rows)
