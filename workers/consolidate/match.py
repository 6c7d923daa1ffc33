"""How strongly an event agrees with a cluster: dates as day intervals, places by precision,
actors and subtypes. Pure functions; `workers.consolidate.cluster` adds the scores up.

Every comparison returns None when the two cannot be the same happening (a veto) and
otherwise a score that grows with the evidence: two city-precise places within a few km
say more than "somewhere in Syria", and the same day says more than "in May".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import timedelta, timezone
from functools import lru_cache

from workers.extract.codes import code_table, is_refinement
from workers.extract.dates import interval
from workers.geo import distance_km
from workers.records import PRECISION_RANK, Actor, EventDate, EventLocation, parse_timestamp

Interval = tuple[int, int]  # first and last day (proleptic Gregorian ordinals), inclusive

# Scores of agreement. A join needs `ConsolidationConfig.min_score` in all, so these set
# which combinations suffice alone: see docs/consolidation.md for the table.
PLACE_SCORES = {"city": 3.0, "admin1": 2.0, "country": 1.0, "region": 0.5}
UNKNOWN_PLACE = 0.0
DAY, FEW_DAYS, WEEK, MONTH, LONGER = 3.0, 2.0, 1.5, 1.0, 0.0
SAME_SUBTYPE = 1.0
SHARED_ACTOR = 1.0
ACTOR_COUNTRY_CONFLICT = -2.0

KM_PER_DEGREE_LAT = 111.0  # a degree of latitude is at least this long on the sphere `distance_km` uses
_ADMIN_WORDS = {"governorate", "province", "state", "region", "oblast", "district", "county", "prefecture"}


def date_interval(d: EventDate, report_lag_days: int) -> Interval:
    """The days an event date may mean.

    A date taken from the publication time (no date in the text) means that day or up to
    `report_lag_days` before it: news reports what happened today or yesterday.
    """
    first, last = interval(d.value)
    start = first.toordinal() - (report_lag_days if d.source == "published_at" else 0)
    return start, last.toordinal()


def local_day_shift(published_at: str, lon: float | None) -> int:
    """How many days the calendar date at the place (its solar time zone, from the longitude)
    is ahead of the reporter's date (the `published_at` offset) at publication: -1, 0 or 1.

    A report dated relative to its publication ("today", "yesterday", "on Wednesday") counts
    in the reporter's days; the place may already be in the next day, or still in the last.
    """
    if lon is None:
        return 0
    published = parse_timestamp(published_at)
    there = published.astimezone(timezone(timedelta(hours=max(-12, min(14, round(lon / 15))))))
    return (there.date() - published.date()).days


def report_interval(d: EventDate, published_at: str, lon: float | None, report_lag_days: int) -> Interval:
    """The days a report's date may mean: `date_interval`, and for a day told relative to the
    publication (no digit in its text: "yesterday", "on Wednesday") also the neighbouring day
    the place's own calendar gives it when the place's date differs from the reporter's."""
    first, last = date_interval(d, report_lag_days)
    if d.precision == "day" and d.source == "text" and d.text and not any(c.isdigit() for c in d.text):
        shift = local_day_shift(published_at, lon)
        first, last = min(first, first + shift), max(last, last + shift)
    return first, last


def intersect(a: Interval, b: Interval) -> Interval | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def date_score(event: Interval, cluster: Interval, days: bool = False) -> float | None:
    """Agreement of an event's days with a cluster's: None when they do not overlap.

    The score follows the wider of the two: a day-precise cluster tells nothing more about a
    report that only says "in May" than that the month fits. `days`: both name a day (one of
    them may be read on either side of a time-zone line, `report_interval`): they score as one.
    """
    if intersect(event, cluster) is None:
        return None
    width = max(event[1] - event[0], cluster[1] - cluster[0]) + 1
    if width == 1 or days:
        return DAY
    if width <= 3:
        return FEW_DAYS
    if width <= 7:
        return WEEK
    if width <= 31:
        return MONTH
    return LONGER


def _name_key(name: str | None) -> str | None:
    """An admin1 name for comparison: no accents, case or words like "province"."""
    if not name:
        return None
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = [w for w in re.findall(r"[a-z0-9]+", plain) if w not in _ADMIN_WORDS]
    return " ".join(words) or None


def _admin1_of(loc: EventLocation) -> str | None:
    return _name_key(loc.admin1 or (loc.name if loc.precision == "admin1" else None))


def _km(a: EventLocation, b: EventLocation) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    return distance_km((a.lat, a.lon), (b.lat, b.lon))  # type: ignore[arg-type]


def place_score(
    a: EventLocation | None, b: EventLocation | None, same_place_km: float, admin1_km: float
) -> float | None:
    """Agreement of two locations, each read at its own precision; None when they differ.

    A city agrees with the admin1 that contains it and a country with any place in it;
    the score is that of the coarser of the two. An unknown location agrees with
    everything and adds nothing.
    """
    if a is None or b is None:
        return UNKNOWN_PLACE
    if a == b:  # the same place (the common case, and no distance to compute)
        return PLACE_SCORES[a.precision]
    if a.country_code and b.country_code and a.country_code != b.country_code:
        return None
    coarse = min(a.precision, b.precision, key=PRECISION_RANK.__getitem__)
    if coarse in ("country", "region"):
        return PLACE_SCORES[coarse]
    if coarse == "city":
        if a.geonames_id is not None and a.geonames_id == b.geonames_id:
            return PLACE_SCORES["city"]
        if a.lat is not None and b.lat is not None and abs(a.lat - b.lat) * KM_PER_DEGREE_LAT > same_place_km:
            return None  # further apart in latitude alone: no distance to compute
        km = _km(a, b)
        if km is not None:
            return PLACE_SCORES["city"] if km <= same_place_km else None
        return PLACE_SCORES["city"] if _name_key(a.name) == _name_key(b.name) else None
    admin_a, admin_b = _admin1_of(a), _admin1_of(b)
    if admin_a and admin_b:
        return PLACE_SCORES["admin1"] if admin_a == admin_b else None
    km = _km(a, b)
    if km is not None:
        return PLACE_SCORES["admin1"] if km <= admin1_km else None
    return PLACE_SCORES["country"]  # nothing to check the nesting with: only the country agrees


@lru_cache(maxsize=4096)
def subtype_score(type_: str, a: str, b: str) -> float | None:
    """Same subtype (below the type's root) scores; a subtype and its refinement agree; others veto."""
    table = code_table()
    if (type_, a) not in table or (type_, b) not in table:
        return 0.0 if a == b else None
    if a == b:
        return SAME_SUBTYPE if table[(type_, a)].parent else 0.0
    if is_refinement(type_, a, b) or is_refinement(type_, b, a):
        # they agree, but less than the same subtype does: "a car bombing in March" is the car
        # bombing of March 4, not the bombing of March 5 (cons-a4)
        return 0.0
    return None


@lru_cache(maxsize=4096)
def deeper_subtype(type_: str, a: str, b: str) -> str:
    """Of two compatible subtypes, the more specific one (`a` on a tie)."""
    if (type_, b) in code_table() and a != b and is_refinement(type_, a, b):
        return b
    return a


def actor_words(text: str) -> frozenset[str]:
    """The words of an actor mention that identify it (articles dropped, case folded)."""
    return frozenset(re.findall(r"\w+", text.casefold())) - {"the", "a", "an", "s"}


def source_actor_words(actors: Sequence[Actor]) -> list[frozenset[str]]:
    return [w for w in (actor_words(a.text) for a in actors if a.role == "source") if w]


def actors_share(a: Sequence[Actor], b: Sequence[Actor]) -> bool | None:
    """True when a source actor of one names a source actor of the other ("Hamas" and
    "Hamas militants"); None when one side names no source actor (nothing to compare)."""
    wa, wb = source_actor_words(a), source_actor_words(b)
    if not wa or not wb:
        return None
    return any(x <= y or y <= x for x in wa for y in wb)


def actor_countries_conflict(a: Sequence[Actor], b: Sequence[Actor]) -> bool:
    """Both sides name the country of their source actors and no country is shared."""
    ca = {x.country_code for x in a if x.role == "source" and x.country_code}
    cb = {x.country_code for x in b if x.role == "source" and x.country_code}
    return bool(ca and cb and not ca & cb)
