"""Event filters, `since` parsing and the recent-events table behind the HTTP endpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workers.geo import distance_km
from workers.publish.filters import EventFilter, FilterError, parse_since
from workers.publish.recent import RecentEvents

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def event(
    event_id: str,
    type_: str = "attack",
    subtype: str = "bombing",
    country: str | None = "SY",
    lat: float | None = 33.51,
    lon: float | None = 36.29,
) -> dict:
    location = None if country is None else {"country_code": country, "lat": lat, "lon": lon}
    return {"event_id": event_id, "type": type_, "subtype": subtype, "location": location}


def test_parse_since_forms():
    assert parse_since("2h", NOW) == NOW - timedelta(hours=2)
    assert parse_since("7d", NOW) == NOW - timedelta(days=7)
    assert parse_since("90s", NOW) == NOW - timedelta(seconds=90)
    assert parse_since("2026-11-01T10:00:00Z", NOW) == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert parse_since("2026-11-01T10:00:00+03:00", NOW) == datetime(2026, 11, 1, 7, tzinfo=UTC)
    assert parse_since("beginning", NOW).year == 1970
    assert parse_since(None) is None and parse_since("") is None
    assert parse_since("2026-11-01", NOW) == datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(FilterError):
        parse_since("last tuesday", NOW)


def test_a_since_time_without_offset_is_refused_not_taken_as_utc():
    with pytest.raises(FilterError, match="no UTC offset"):
        parse_since("2026-11-01T10:00:00", NOW)


def test_distance_between_known_cities():
    # Damascus (33.51N 36.29E) to Beirut (33.89N 35.50E) is about 85 km by great circle.
    assert 80 < distance_km((33.51, 36.29), (33.89, 35.50)) < 90
    assert distance_km((10, 10), (10, 10)) == 0


def test_filter_fields_combine():
    damascus = event("e1")
    beirut = event("e2", "statement", "condemnation", "LB", 33.89, 35.50)
    nowhere = event("e3", country=None)
    assert EventFilter().matches(nowhere)
    assert EventFilter.from_args(type="attack").matches(damascus)
    assert not EventFilter.from_args(type="attack").matches(beirut)
    assert EventFilter.from_args(subtype="condemnation").matches(beirut)
    assert EventFilter.from_args(country="sy").matches(damascus)
    assert not EventFilter.from_args(country="SY").matches(nowhere)
    near_damascus = EventFilter.from_args(near="33.5,36.3,50")
    assert near_damascus.matches(damascus) and not near_damascus.matches(beirut)
    assert EventFilter.from_args(near="33.5,36.3,100").matches(beirut)
    assert not near_damascus.matches(nowhere)


@pytest.mark.parametrize("near", ["33.5,36.3", "a,b,c", "95,0,10", "0,0,-5"])
def test_bad_near_is_rejected(near):
    with pytest.raises(FilterError):
        EventFilter.from_args(near=near)


def test_recent_events_upsert_order_query_and_prune():
    recent = RecentEvents(max_age=timedelta(hours=2), max_count=3)
    recent.add(event("a"), NOW - timedelta(minutes=50))
    recent.add(event("b", "protest", "demonstration", "CL"), NOW - timedelta(minutes=10))
    recent.add(event("c"), NOW - timedelta(minutes=30))  # out of order: another partition
    recent.add(event("a"), NOW - timedelta(minutes=50))  # a retry: replaces, never doubles
    assert [e["event_id"] for e in recent.query(EventFilter())] == ["b", "c", "a"]
    assert [e["event_id"] for e in recent.query(EventFilter.from_args(type="attack"), limit=1)] == ["c"]
    assert [e["event_id"] for e in recent.query(EventFilter(), since=NOW - timedelta(minutes=40))] == ["b", "c"]
    recent.add(event("d"), NOW)  # over max_count: the oldest goes
    assert len(recent) == 3 and "a" not in {e["event_id"] for e in recent.query(EventFilter())}
    recent.add(event("e"), NOW + timedelta(hours=3))  # older than max_age relative to the newest
    assert [e["event_id"] for e in recent.query(EventFilter())] == ["e"]


def test_stats_by_type_and_country_per_window():
    recent = RecentEvents()
    recent.add(event("a"), NOW - timedelta(hours=5))
    recent.add(event("b"), NOW - timedelta(minutes=5))
    recent.add(event("c", "protest", "demonstration", None), NOW - timedelta(minutes=1))
    stats = recent.stats(NOW)
    assert stats["last_hour"] == {
        "total": 2,
        "by_type": {"attack": 1, "protest": 1},
        "by_country": {"SY": 1, "unknown": 1},
    }
    assert stats["last_day"]["total"] == 3 and stats["last_day"]["by_type"]["attack"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"type": "bogus"}, "type: 'bogus' is not an event type; one of attack, statement"),
        ({"country": "Syria"}, "country: expected an ISO 3166-1 alpha-2 code"),
        ({"country": "S1"}, "country: expected an ISO 3166-1 alpha-2 code"),
    ],
)
def test_a_filter_that_can_match_nothing_is_an_error_not_an_empty_answer(args, message):
    with pytest.raises(FilterError, match=message):
        EventFilter.from_args(**args)
