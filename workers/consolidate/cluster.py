"""The consolidation stage without Kafka: events in, one evolving record per real-world event out.

    consolidator = Consolidator(ConsolidationConfig())
    update = consolidator.process(event)   # Update (the records to publish) or None for a late event
    gone = consolidator.expire()            # ids of clusters no report within the horizon can meet any more

**What the clusters are.** Reports are decided in a fixed *decision order*: the most precise
place first (a city, then an admin1, then a country or none: `Report.vagueness`), then by
`published_at`, then by event id. Each report joins the best-scoring cluster of the reports decided before it
that it agrees with (`workers.consolidate.match` has the scores and vetoes), or starts a new
one; when two clusters tie for the best score it joins neither (precision first). Deciding the
precise reports first means a vague report ("in Baghdad province", "in Iraq") is weighed against
every precise cluster it could belong to, whatever was published first. A cluster keeps its best
knowledge: the most specific subtype, the most precise location, the narrowest date, and the
intersection of its members' date intervals, against which later reports are compared.
The clusters are therefore a function of the *set* of reports, not of the order they arrive in.

**How arrival order stops mattering.** A report that arrives after reports that follow it in
the decision order is put at its place: the reports after it whose candidate clusters changed
are decided again, in decision order, until nothing changes any more (only reports of the same
type whose days overlap the changed clusters' and whose place and subtype could agree are
looked at). A precise report that arrives in publication order is decided once.

**Ids.** A cluster's id is derived from its earliest member by `published_at`, then event id
(`cluster_id_for`), never from arrival: the same members have the same id in every order.
When that member moves to another cluster, or an earlier-published report joins, the id is
retired: `process` returns a `RetiredCluster` record (`merged_into`: the cluster that holds
the member the id was named after) after the new versions of the clusters that changed.

**Time.** Candidates are found through the report's own date interval. The watermark is the
latest `published_at` seen; a report whose every possible day lies more than `lateness_days`
before it is late (`process` returns None). A cluster is dropped by `expire()` once all its
members' days lie more than `lateness_days` + `REACH_MAX_DAYS` before the watermark: no report
that is not late can overlap them. So for reports within the horizon of each other the result
does not depend on arrival order, on wall-clock time or on when `expire()` runs.

State: one `Cluster` (with its members' reports) per live cluster and one entry per retired id,
JSON-safe through `Consolidator.stored()` and `Consolidator.from_dict()`.
"""

from __future__ import annotations

import hashlib
import heapq
import sys
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from workers.consolidate.match import (
    ACTOR_COUNTRY_CONFLICT,
    SHARED_ACTOR,
    Interval,
    actor_countries_conflict,
    actor_words,
    actors_share,
    date_score,
    deeper_subtype,
    intersect,
    place_score,
    report_interval,
    subtype_score,
)
from workers.consolidate.records import ConsolidatedEvent, RetiredCluster, event_from_dict
from workers.extract.codes import codes_for
from workers.records import PRECISION_RANK, Actor, Event, EventDate, EventLocation, parse_timestamp, utc_now_iso

EXPIRE_EVERY = 3600.0  # seconds of event time between expiry sweeps in `consolidate()`
DAY_SECONDS = 86400.0
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
REACH_MAX_DAYS = 31  # a report whose date spans more days than this (a year) meets no other report

Key = tuple[int, float, str]  # the decision order: vagueness, published_at (epoch seconds), event id
PLACE_VAGUENESS = {"city": 0, "admin1": 1, "country": 2, "region": 2}  # the decision order's first key


@dataclass(frozen=True, slots=True)
class ConsolidationConfig:
    """Parameters of consolidation. See docs/consolidation.md for the reasons of the defaults."""

    lateness_days: float = 30.0  # reports whose days all lie further before the watermark are late
    same_place_km: float = 25.0  # two city-precise places closer than this are one place
    admin1_km: float = 150.0  # a city this close to an admin1's point may lie in it (when admin1 names are missing)
    report_lag_days: int = 1  # an undated report tells of its publication day or up to this many days before
    min_score: float = 5.0
    # A report that agrees with one cluster only, a more precise one, joins it with this much less.
    sole_match_slack: float = 1.0
    # Two events of one article are already merged by extraction when they are one happening;
    # they join one cluster only with this much evidence.
    same_article_score: float = 7.0
    # Types whose events are told apart by who acts: a statement by someone else is another statement.
    actor_defined_types: tuple[str, ...] = ("statement",)
    max_actors: int = 12

    def __post_init__(self) -> None:
        if self.lateness_days <= 0 or self.same_place_km < 0 or self.admin1_km < 0 or self.report_lag_days < 0:
            raise ValueError("lateness_days must be positive; distances and report_lag_days not negative")

    @classmethod
    def from_settings(cls, settings: Any) -> ConsolidationConfig:
        """The configuration the `EVENTWIRE_CONSOLIDATION_*` settings give (`workers.settings`)."""
        return cls(lateness_days=settings.consolidation_lateness_days)


@dataclass(frozen=True, slots=True)
class Report:
    """One member event: what the scores, the cluster's best knowledge and its counts need."""

    event_id: str
    article_id: str
    source: str  # the outlet; the URL's host or the article when the outlet is unknown
    seen: float  # published_at, epoch seconds
    type: str
    subtype: str
    location: EventLocation | None
    date: EventDate
    interval: Interval  # the days the date may mean
    actors: tuple[Actor, ...]
    confidence: float
    key: Key = field(init=False, repr=False, compare=False)  # the decision order

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.vagueness, self.seen, self.event_id))

    @property
    def vagueness(self) -> int:
        """How coarse the place is: 0 for a city, 1 for an admin1, 2 for a country, a region or none.

        Dates do not count: a report that says "in March" can only mean what happened before it
        was published, and reports published before it are decided before it anyway.
        """
        return PLACE_VAGUENESS[self.location.precision] if self.location is not None else 2

    @property
    def born(self) -> tuple[float, str]:
        """The naming order: the earliest member by published_at, then event id, names its cluster."""
        return (self.seen, self.event_id)

    @property
    def country(self) -> str | None:
        return self.location.country_code if self.location is not None else None

    @property
    def wide(self) -> bool:
        """A date too vague to tell one happening from another (a year): meets no other report."""
        return _width(self.interval) + 1 > REACH_MAX_DAYS

    @property
    def day(self) -> bool:
        """The text names a day."""
        return _names_day(self.date)

    @classmethod
    def of(cls, event: Event, report_lag_days: int) -> Report:
        lon = event.location.lon if event.location is not None else None
        return cls(
            event.event_id,
            event.article_id,
            source_key(event),
            parse_timestamp(event.published_at).timestamp(),
            event.type,
            event.subtype,
            event.location,
            event.date,
            report_interval(event.date, event.published_at, lon, report_lag_days),
            tuple(event.actors),
            event.confidence,
        )

    def to_list(self) -> list[Any]:
        return [
            self.event_id,
            self.article_id,
            self.source,
            self.seen,
            self.type,
            self.subtype,
            self.location.to_dict() if self.location is not None else None,
            self.date.to_dict(),
            list(self.interval),
            [a.to_dict() for a in self.actors],
            self.confidence,
        ]

    @classmethod
    def from_list(cls, data: list[Any]) -> Report:
        event_id, article_id, source, seen, type_, subtype, location, when, interval, actors, confidence = data
        return cls(
            event_id,
            article_id,
            source,
            float(seen),
            type_,
            subtype,
            EventLocation(**location) if location is not None else None,
            EventDate(**when),
            (int(interval[0]), int(interval[1])),
            tuple(Actor(**a) for a in actors),
            float(confidence),
        )


@dataclass(slots=True)
class View:
    """The best knowledge of some members of a cluster, folded in canonical order."""

    type: str
    subtype: str
    location: EventLocation | None
    date: EventDate
    date_width: int
    interval: Interval  # the days every member's date allows
    actors: list[Actor]
    articles: set[str]
    last: Key  # the key of the last member folded in

    @classmethod
    def of(cls, members: Iterable[Report], max_actors: int) -> View | None:
        view: View | None = None
        for report in members:
            if view is None:
                view = cls(
                    report.type,
                    report.subtype,
                    report.location,
                    report.date,
                    _width(report.interval),
                    report.interval,
                    list(report.actors[:max_actors]),
                    {report.article_id},
                    report.key,
                )
            else:
                view.add(report, max_actors)
        return view

    def add(self, report: Report, max_actors: int) -> None:
        """Fold in a member that comes after every member folded so far."""
        self.subtype = deeper_subtype(self.type, self.subtype, report.subtype)
        self.interval = intersect(self.interval, report.interval) or self.interval
        width = _width(report.interval)
        if (width, report.date.source != "text") < (self.date_width, self.date.source != "text"):
            self.date, self.date_width = report.date, width
        if report.location is not None and (
            self.location is None or PRECISION_RANK[report.location.precision] > PRECISION_RANK[self.location.precision]
        ):
            self.location = report.location
        _merge_actors(self.actors, report.actors, max_actors)
        self.articles.add(report.article_id)
        self.last = report.key


@dataclass(slots=True)
class Cluster:
    """The live state of one consolidated event: its members in decision order."""

    members: list[Report]
    version: int = 0  # of the last record published under its id
    updated_at: str = field(default_factory=utc_now_iso)
    _view: View | None = None  # of all members, cached
    _id: str | None = None  # cached

    @property
    def head(self) -> str:
        """The event id of the first member in decision order: the cluster's name inside the stage."""
        return self.members[0].event_id

    @property
    def cluster_id(self) -> str:
        """The published id: from the earliest member by published_at, then event id."""
        if self._id is None:
            self._id = cluster_id_for(min(self.members, key=_born).event_id)
        return self._id

    @property
    def type(self) -> str:
        return self.members[0].type

    @property
    def last_day(self) -> int:
        """The latest day any member's date may mean."""
        return max(m.interval[1] for m in self.members)

    def view(self, max_actors: int, before: Key | None = None) -> View | None:
        """The best knowledge of the members that come before `before` (all members when None)."""
        if before is None or self.members[-1].key < before:
            if self._view is None:
                self._view = View.of(self.members, max_actors)
            return self._view
        return View.of(self.members[: bisect_left(self.members, before, key=_key)], max_actors)

    def insert(self, report: Report, max_actors: int) -> None:
        if self._view is not None and self.members and report.key > self.members[-1].key:
            self._view.add(report, max_actors)
        else:
            self._view = None
        insort(self.members, report, key=_key)
        self._id = None

    def remove(self, report: Report) -> None:
        self.members.remove(report)
        self._view = self._id = None

    def record(self, max_actors: int) -> ConsolidatedEvent:
        """The record published for the cluster's current version."""
        view = self.view(max_actors)
        assert view is not None
        sources = {m.source for m in self.members}
        return ConsolidatedEvent(
            cluster_id=self.cluster_id,
            version=self.version,
            type=view.type,
            subtype=view.subtype,
            codes=codes_for(view.type, view.subtype),
            location=view.location,
            date=view.date,
            actors=list(view.actors),
            event_ids=[m.event_id for m in sorted(self.members, key=_born)],
            sources=sorted(sources),
            num_events=len(self.members),
            num_articles=len(view.articles),
            num_sources=len(sources),
            first_seen=_iso(min(m.seen for m in self.members)),
            last_seen=_iso(max(m.seen for m in self.members)),
            confidence=max(m.confidence for m in self.members),
            updated_at=self.updated_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.cluster_id,
            "members": [m.to_list() for m in self.members],
            "version": self.version,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cluster:
        members = sorted((Report.from_list(m) for m in data["members"]), key=_key)
        return cls(members, int(data["version"]), data["updated_at"])


@dataclass(frozen=True, slots=True)
class Update:
    """What one event changed: the records to publish, in order, and the event's cluster.

    A `RetiredCluster` among the records ends its id: publish it, then a tombstone.
    """

    cluster_id: str
    records: list[ConsolidatedEvent | RetiredCluster]
    again: bool = False  # a re-delivered event: its cluster's current record and the ids retired into it, unchanged

    @property
    def cluster(self) -> ConsolidatedEvent | None:
        """The event's cluster, when this update publishes it."""
        return next(
            (r for r in self.records if isinstance(r, ConsolidatedEvent) and r.cluster_id == self.cluster_id), None
        )


def cluster_id_for(event_id: str) -> str:
    """The id of a cluster whose earliest member is `event_id`: the same on every run."""
    return "c-" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:20]


def source_key(event: Event) -> str:
    if event.source:
        return event.source
    host = urlsplit(event.url).hostname if event.url else None
    return host or f"article:{event.article_id}"


def _key(report: Report) -> Key:
    return report.key


def _names_day(d: EventDate) -> bool:
    return d.precision == "day" and d.source == "text"


def _born(report: Report) -> tuple[float, str]:
    return report.born


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day(epoch: float) -> int:
    """The day (proleptic Gregorian ordinal, UTC) of an epoch second."""
    return int(epoch // DAY_SECONDS) + EPOCH_ORDINAL


def _width(interval: Interval) -> int:
    return interval[1] - interval[0]


def _days(*intervals: Interval) -> range:
    return range(min(i[0] for i in intervals), max(i[1] for i in intervals) + 1)


def _merge_actors(known: list[Actor], actors: Iterable[Actor], max_actors: int) -> None:
    """Add the actors `known` does not name yet ("Hamas" is named by "Hamas militants")."""
    for actor in actors:
        if len(known) >= max_actors:
            return
        words = actor_words(actor.text)
        if words and not any(
            a.role == actor.role and (words <= (have := actor_words(a.text)) or have <= words) for a in known
        ):
            known.append(actor)


class _DayIndex:
    """Ids by (type, country) and by day: what overlaps some days, of a type, in some countries."""

    def __init__(self) -> None:
        self._days: dict[tuple[str, str | None], dict[int, set[str]]] = {}
        self._countries: dict[str, set[str | None]] = {}

    def add(self, type_: str, countries: Iterable[str | None], days: range, item: str) -> None:
        for country in countries:
            self._countries.setdefault(type_, set()).add(country)
            by_day = self._days.setdefault((type_, country), {})
            for d in days:
                by_day.setdefault(d, set()).add(item)

    def remove(self, type_: str, countries: Iterable[str | None], days: range, item: str) -> None:
        for country in countries:
            by_day = self._days[(type_, country)]
            for d in days:
                held = by_day[d]
                held.discard(item)
                if not held:
                    del by_day[d]

    def find(self, type_: str, countries: Iterable[str | None] | None, days: range) -> set[str]:
        """Items of `type_` in `countries` (None: every country) on any of `days`."""
        out: set[str] = set()
        for country in self._countries.get(type_, ()) if countries is None else countries:
            by_day = self._days.get((type_, country))
            if by_day:
                for d in days:
                    out.update(by_day.get(d, ()))
        return out


def _rank(location: EventLocation | None) -> int:
    return PRECISION_RANK[location.precision] if location is not None else -1


def _vaguer(report: Report, view: View) -> bool:
    """The report's place or date is coarser than the cluster's, and neither is finer."""
    place, days = _rank(report.location) - _rank(view.location), _width(report.interval) - _width(view.interval)
    return place <= 0 and days >= 0 and (place < 0 or days > 0)


def _countries_met(country: str | None) -> tuple[str | None, ...] | None:
    """The countries whose clusters a report in `country` may join (None: all of them)."""
    return None if country is None else (country, None)


class Consolidator:
    """Clusters of reports, independent of arrival order within the lateness horizon (module docstring)."""

    def __init__(self, config: ConsolidationConfig | None = None) -> None:
        self.config = config or ConsolidationConfig()
        # Inside the stage a cluster is named by its head (first member in decision order): a
        # report only ever joins clusters whose head comes before it, so the head does not change.
        self._clusters: dict[str, Cluster] = {}  # head event id -> cluster
        self._head_of: dict[str, str] = {}  # event id -> head of its cluster
        self._ids: dict[str, str] = {}  # published cluster id -> head
        self._reports: dict[str, Report] = {}
        # Clusters by the days of their head and every member's country: the clusters a report
        # may join (a cluster's interval lies within its head's days).
        self._heads = _DayIndex()
        self._head_entries: dict[str, tuple[frozenset[str | None], range]] = {}
        # Reports by their own days: those a change to a cluster may concern.
        self._by_day = _DayIndex()
        # (last day, head or retired id); stale entries are skipped
        self._expiry: list[tuple[int, str]] = []
        # retired id -> (its last version, last day, the cluster it merged into)
        self._retired: dict[str, tuple[int, int, str | None]] = {}
        self._newest: Key = (-1, float("-inf"), "")  # the largest key of any report added
        self.watermark = float("-inf")

    def __len__(self) -> int:
        return len(self._clusters)

    def cluster(self, cluster_id: str) -> Cluster:
        return self._clusters[self._ids[cluster_id]]

    def clusters(self) -> Iterator[Cluster]:
        return iter(self._clusters.values())

    def record(self, cluster_id: str) -> ConsolidatedEvent:
        return self.cluster(cluster_id).record(self.config.max_actors)

    # ---- the stage ----------------------------------------------------------------------

    def process(self, event: Event) -> Update | None:
        """Add `event`; the records that changed, or None for a late event.

        An event already in a cluster (a re-delivery) gives its cluster's current record again,
        and the records that retired ids into it: after a crash the state may hold what the
        event's first processing changed while its records never reached the topic.
        """
        self.watermark = max(self.watermark, parse_timestamp(event.published_at).timestamp())
        known = self._head_of.get(event.event_id)
        if known is not None:
            cluster = self._clusters[known]
            retired = [
                RetiredCluster(rid, version, cluster.cluster_id)
                for rid, (version, _, into) in sorted(self._retired.items())
                if into == cluster.cluster_id
            ]
            return Update(cluster.cluster_id, [cluster.record(self.config.max_actors), *retired], again=True)
        report = Report.of(event, self.config.report_lag_days)
        if report.interval[1] < self.cutoff_day():
            return None
        self._reports[report.event_id] = report
        if not report.wide:
            self._by_day.add(report.type, (report.country,), _days(report.interval), report.event_id)
        before: dict[str, tuple[tuple[Report, ...], str | None, int]] = {}
        self._settle(report, before)
        self._newest = max(self._newest, report.key)
        records = self._publish(before)
        return Update(self._clusters[self._head_of[report.event_id]].cluster_id, records)

    def cutoff_day(self, now: float | None = None) -> int:
        """The first day a report's date must reach not to be late at `now` (default: the watermark)."""
        now = self.watermark if now is None else now
        return _day(now - self.config.lateness_days * DAY_SECONDS) if now != float("-inf") else -sys.maxsize

    def expire(self, now: float | None = None) -> list[str]:
        """Drop the clusters (and forget the retired ids) whose days all lie more than the horizon
        and `REACH_MAX_DAYS` before `now` (default: the watermark); returns their ids."""
        limit = self.cutoff_day(now) - REACH_MAX_DAYS
        gone = []
        while self._expiry and self._expiry[0][0] < limit:
            day, name = heapq.heappop(self._expiry)
            cluster = self._clusters.get(name)
            if cluster is not None and cluster.last_day == day:
                gone.append(cluster.cluster_id)
                self._drop(name)
            elif name in self._retired and self._retired[name][1] == day:
                del self._retired[name]
                gone.append(name)
        return gone

    def score(self, view: View, report: Report) -> float | None:
        """How well `report` agrees with what a cluster knows: None when it cannot be the same happening."""
        cfg = self.config
        if report.type != view.type:
            return None
        when = date_score(report.interval, view.interval, report.day and _names_day(view.date))
        if when is None:  # the cheapest veto first: most candidates fail on the date
            return None
        subtype = subtype_score(report.type, view.subtype, report.subtype)
        if subtype is None:
            return None
        where = place_score(report.location, view.location, cfg.same_place_km, cfg.admin1_km)
        if where is None:
            return None
        shared = actors_share(report.actors, view.actors)
        if shared is False and report.type in cfg.actor_defined_types:
            return None
        score = subtype + when + where
        if shared:
            score += SHARED_ACTOR
        if actor_countries_conflict(report.actors, view.actors):
            score += ACTOR_COUNTRY_CONFLICT
        return score

    # ---- state ---------------------------------------------------------------------------

    def add(self, cluster: Cluster) -> None:
        """Put a stored cluster back (rebuilding from a table), replacing one with its id."""
        self._retired.pop(cluster.cluster_id, None)
        if cluster.cluster_id in self._ids:
            self._drop(self._ids[cluster.cluster_id])
        members, cluster.members = cluster.members, []
        head = members[0].event_id
        self._clusters[head] = cluster
        for report in members:
            self._reports[report.event_id] = report
            if not report.wide:
                self._by_day.add(report.type, (report.country,), _days(report.interval), report.event_id)
            self._enter(head, report)
            self._newest = max(self._newest, report.key)
            self.watermark = max(self.watermark, report.seen)
        self._ids[cluster.cluster_id] = head

    def stored(self, cluster_id: str) -> dict[str, Any] | None:
        """The state kept for an id: a live cluster, a retired id, or None (expired)."""
        if cluster_id in self._ids:
            return self.cluster(cluster_id).to_dict()
        if cluster_id in self._retired:
            version, day, into = self._retired[cluster_id]
            return {"id": cluster_id, "retired": True, "version": version, "last_day": day, "merged_into": into}
        return None

    def to_dict(self) -> dict[str, Any]:
        """The whole state; the watermark is the latest `published_at` of the members."""
        return {"clusters": [self.stored(cid) for cid in sorted(self._ids) + sorted(self._retired)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], config: ConsolidationConfig | None = None) -> Consolidator:
        consolidator = cls(config)
        for item in data["clusters"]:
            if item.get("retired"):
                consolidator._retire(item["id"], int(item["version"]), int(item["last_day"]), item.get("merged_into"))
            else:
                consolidator.add(Cluster.from_dict(item))
        return consolidator

    # ---- internals -----------------------------------------------------------------------

    def _settle(self, first: Report, before: dict[str, tuple[tuple[Report, ...], str | None, int]]) -> None:
        """Decide `first`, then again every later report whose candidate clusters changed, in decision order."""
        queue: list[tuple[Key, str]] = [(first.key, first.event_id)]
        queued = {first.event_id}
        while queue:
            key, event_id = heapq.heappop(queue)
            queued.discard(event_id)
            report = self._reports[event_id]
            old = self._head_of.get(event_id)
            if old is not None:
                self._touch(old, before)
                self._leave(old, report)
            new = self._decide(report)
            self._touch(new, before)
            self._enter(new, report)
            if new == old or key >= self._newest:  # nothing changed, or no report comes after it
                continue
            for head in (old, new):
                if head is not None:
                    for later in self._concerned(head, report, queued):
                        heapq.heappush(queue, (later.key, later.event_id))
                        queued.add(later.event_id)

    def _decide(self, report: Report) -> str:
        """The head of the cluster `report` joins among the clusters before it (itself: a new cluster)."""
        if report.wide:
            return report.event_id
        cfg = self.config
        best: float | None = None
        chosen: list[str] = []
        agreeing: list[tuple[float, str, View]] = []  # every cluster the report is compatible with
        for head in self._heads.find(report.type, _countries_met(report.country), _days(report.interval)):
            view = self._clusters[head].view(cfg.max_actors, before=report.key)
            if view is None:
                continue
            score = self.score(view, report)
            if score is None:
                continue
            agreeing.append((score, head, view))
            if score < (cfg.same_article_score if report.article_id in view.articles else cfg.min_score):
                continue
            if best is None or score > best:
                best, chosen = score, [head]
            elif score == best:
                chosen.append(head)
        if len(chosen) == 1:
            return chosen[0]
        # A vaguer report ("an attack in Greece on Monday", "the offensive in Arauca in May") that
        # agrees with one cluster only, and scores just short, joins it: nothing else competes.
        if not chosen and len(agreeing) == 1:
            score, head, view = agreeing[0]
            if (
                score >= cfg.min_score - cfg.sole_match_slack
                and report.article_id not in view.articles
                and _vaguer(report, view)
            ):
                return head
        # Nothing to join, or two clusters fit equally well and nothing in the report tells which
        # one it is (an arrest "in Saxony" when Dresden and Leipzig both had one that day): a
        # cluster of its own rather than a guess.
        return report.event_id

    def _concerned(self, head: str, changed: Report, queued: set[str]) -> Iterator[Report]:
        """The reports after `changed`, not queued yet, that may have had the cluster as a candidate
        before or after `changed` moved: those of its type whose days overlap its head's, then or
        now, in a country it is indexed under, and whose place and subtype agree with some
        member's (what the cluster knows is some member's place and subtype)."""
        cfg = self.config
        now = self._clusters[head].members
        if not now:
            heads = [changed]
        elif now[0] is changed:  # it came in first: the head was the next one
            heads = now[:2]
        elif changed.key < now[0].key:  # it left, and it was the head
            heads = [changed, now[0]]
        else:
            heads = [now[0]]
        members = [changed, *now]
        countries = {r.country for r in members}
        days = _days(*(r.interval for r in heads))
        for event_id in self._by_day.find(changed.type, None if None in countries else countries | {None}, days):
            report = self._reports[event_id]
            if report.key <= changed.key or event_id in queued:
                continue
            if any(
                subtype_score(report.type, m.subtype, report.subtype) is not None
                and place_score(report.location, m.location, cfg.same_place_km, cfg.admin1_km) is not None
                for m in members
            ):
                yield report

    def _touch(self, head: str, before: dict[str, tuple[tuple[Report, ...], str | None, int]]) -> None:
        """Remember how a cluster was before this update (once): its members, id and version."""
        if head not in before:
            cluster = self._clusters.get(head)
            if cluster is not None and cluster.members:
                before[head] = (tuple(cluster.members), cluster.cluster_id, cluster.version)
            else:
                before[head] = ((), None, 0)

    def _enter(self, head: str, report: Report) -> None:
        cluster = self._clusters.get(head)
        if cluster is None:
            cluster = self._clusters[head] = Cluster([])
        self._unindex(head, cluster)
        cluster.insert(report, self.config.max_actors)
        self._head_of[report.event_id] = head
        self._index(head, cluster)

    def _leave(self, head: str, report: Report) -> None:
        """Take a report out of its cluster; an emptied cluster stays (unindexed) until the caller drops it."""
        cluster = self._clusters[head]
        self._unindex(head, cluster)
        cluster.remove(report)
        del self._head_of[report.event_id]
        if cluster.members:
            self._index(head, cluster)

    def _drop(self, head: str) -> None:
        """Remove a cluster and its reports."""
        cluster = self._clusters[head]
        self._ids.pop(cluster.cluster_id, None)
        for report in list(cluster.members):
            self._leave(head, report)
            del self._reports[report.event_id]
            if not report.wide:
                self._by_day.remove(report.type, (report.country,), _days(report.interval), report.event_id)
        del self._clusters[head]

    def _index(self, head: str, cluster: Cluster) -> None:
        first = cluster.members[0]
        if not first.wide:
            entry = (frozenset(m.country for m in cluster.members), _days(first.interval))
            self._heads.add(first.type, *entry, head)
            self._head_entries[head] = entry
        heapq.heappush(self._expiry, (cluster.last_day, head))

    def _unindex(self, head: str, cluster: Cluster) -> None:
        entry = self._head_entries.pop(head, None)
        if entry is not None:
            self._heads.remove(cluster.type, *entry, head)

    def _retire(self, cluster_id: str, version: int, last_day: int, merged_into: str | None) -> None:
        self._retired[cluster_id] = (version, last_day, merged_into)
        heapq.heappush(self._expiry, (last_day, cluster_id))

    def _publish(
        self, before: dict[str, tuple[tuple[Report, ...], str | None, int]]
    ) -> list[ConsolidatedEvent | RetiredCluster]:
        """The new versions of the clusters whose members changed, then a record per retired id."""
        was: dict[str, tuple[tuple[Report, ...], int]] = {}  # published id -> (members, version) before
        for members, cluster_id, version in before.values():
            if cluster_id is not None:
                was[cluster_id] = (members, version)
                del self._ids[cluster_id]
        now: dict[str, Cluster] = {}
        for head in before:
            cluster = self._clusters.get(head)
            if cluster is not None and not cluster.members:
                del self._clusters[head]
            elif cluster is not None:
                now[cluster.cluster_id] = cluster
                self._ids[cluster.cluster_id] = head
        stamp = utc_now_iso()
        changed: list[Cluster] = []
        for cluster_id, cluster in now.items():
            members, version = was.get(cluster_id) or ((), self._retired.pop(cluster_id, (0, 0, None))[0])
            if tuple(cluster.members) != members:
                cluster.version, cluster.updated_at = version + 1, stamp
                changed.append(cluster)
            else:
                cluster.version = version
        retired = []
        for cluster_id in sorted(set(was) - set(now)):
            members, version = was[cluster_id]
            namer = min(members, key=_born).event_id
            survivor = self._clusters[self._head_of[namer]].cluster_id
            retired.append(RetiredCluster(cluster_id, version + 1, survivor, updated_at=stamp))
            self._retire(cluster_id, version + 1, max(m.interval[1] for m in members), survivor)
        changed.sort(key=lambda c: c.cluster_id)
        return [*(c.record(self.config.max_actors) for c in changed), *retired]


def consolidate(
    events: Iterable[Event], config: ConsolidationConfig | None = None, consolidator: Consolidator | None = None
) -> Iterator[ConsolidatedEvent | RetiredCluster]:
    """Every record published, in input order (late events yield nothing)."""
    if consolidator is None:
        consolidator = Consolidator(config)
    swept = consolidator.watermark
    for event in events:
        update = consolidator.process(event)
        if update is not None:
            yield from update.records
        if consolidator.watermark - swept >= EXPIRE_EVERY:
            consolidator.expire()
            swept = consolidator.watermark


def current(records: Iterable[ConsolidatedEvent | RetiredCluster]) -> dict[str, ConsolidatedEvent]:
    """The clusters a consumer holds after upserting `records` by id and dropping retired ids."""
    table: dict[str, ConsolidatedEvent] = {}
    for record in records:
        if isinstance(record, RetiredCluster):
            table.pop(record.cluster_id, None)
        else:
            table[record.cluster_id] = record
    return table


def read_events(path: str | Path) -> Iterator[Event]:
    """Events from a JSONL file of `Event` records (the output of `eventwire extract`)."""
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield event_from_dict(orjson.loads(line))


def consolidate_file(in_path: str | Path, out_path: str | Path, config: ConsolidationConfig | None = None) -> int:
    """Consolidate a JSONL file of events; write the final version of every cluster, in order
    of first report, to `out_path` ("-": stdout). Returns the number of clusters written."""
    rows = sorted(
        current(consolidate(read_events(in_path), config)).values(), key=lambda r: (r.first_seen, r.cluster_id)
    )
    out = sys.stdout.buffer if str(out_path) == "-" else open(out_path, "wb")  # noqa: SIM115 - closed below unless stdout
    try:
        for row in rows:
            out.write(row.to_json() + b"\n")
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    return len(rows)
