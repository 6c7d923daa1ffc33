"""Consolidation: which reports are one event (precisions of place and date, subtypes, actors,
one article), window and lateness, state round trip, deterministic ids, the record's schema."""

from __future__ import annotations

import json
from datetime import date

import orjson
import pytest

from workers.consolidate import ConsolidationConfig, Consolidator, consolidate, consolidate_file
from workers.consolidate.match import date_interval
from workers.dedup.index import parse_time
from workers.records import Actor, Event, EventDate, EventLocation, Span
from workers.schemas import validator

BAGHDAD = EventLocation("Baghdad", "Baghdad", "IQ", "Baghdad", 33.34, 44.40, 98182, "city")
SADR_CITY = EventLocation("Sadr City", "Sadr City", "IQ", "Baghdad", 33.39, 44.46, 1, "city")  # ~8 km away
FALLUJAH = EventLocation("Fallujah", "Fallujah", "IQ", "Al Anbar", 33.35, 43.78, 2, "city")  # ~57 km away
BAGHDAD_GOV = EventLocation("Baghdad governorate", "Baghdād", "IQ", "Baghdād", 33.20, 44.29, 98180, "admin1")
TARMIYAH = EventLocation("Tarmiyah", "Tarmiyah", "IQ", "Baghdad", 33.67, 44.39, 4, "city")  # ~37 km, same governorate
ANBAR = EventLocation("Anbar", "Al Anbar", "IQ", "Al Anbar", 33.0, 42.0, 3, "admin1")
IRAQ = EventLocation("Iraq", "Iraq", "IQ", None, 33.0, 44.0, 99237, "country")
SYRIA = EventLocation("Syria", "Syria", "SY", None, 35.0, 38.0, 163843, "country")


def day(value: str) -> EventDate:
    return EventDate(value, "day", value, "text")


def event(event_id: str, *, article: str | None = None, published: str = "2024-03-05T10:00:00Z",
          type_: str = "attack", subtype: str = "car_bombing", location: EventLocation | None = BAGHDAD,
          when: EventDate | None = None, source: str | None = None, actors: list[Actor] | None = None) -> Event:
    span = Span("bomb", 0, 4)
    return Event(event_id=event_id, article_id=article or f"art-{event_id}", source=source or f"outlet-{event_id}",
                 url=None, published_at=published, type=type_, subtype=subtype,
                 codes={"cameo": "183", "plover": "ASSAULT", "plover_mode": None}, trigger=span, evidence=span,
                 actors=actors or [], location=location, date=when or day("2024-03-04"), confidence=0.8)


def clusters_of(*events: Event, config: ConsolidationConfig | None = None) -> list[set[str]]:
    """The final member sets, order-free."""
    latest = {r.cluster_id: r for r in consolidate(events, config)}
    return sorted((set(r.event_ids) for r in latest.values()), key=sorted)


def joined(a: Event, b: Event) -> bool:
    return len(clusters_of(a, b)) == 1


# ---- dates ------------------------------------------------------------------------------

def test_date_intervals_cover_the_days_a_date_can_mean():
    d = date.fromisoformat
    assert date_interval(day("2024-03-04"), 1) == (d("2024-03-04").toordinal(),) * 2
    assert date_interval(EventDate("2024-W10", "week", None, "text"), 1) == (
        d("2024-03-04").toordinal(), d("2024-03-10").toordinal())
    assert date_interval(EventDate("2024-02", "month", None, "text"), 1) == (
        d("2024-02-01").toordinal(), d("2024-02-29").toordinal())
    assert date_interval(EventDate("2023-12", "month", None, "text"), 0)[1] == d("2023-12-31").toordinal()
    assert date_interval(EventDate("2024", "year", None, "text"), 0) == (
        d("2024-01-01").toordinal(), d("2024-12-31").toordinal())
    # an undated report: the publication day or the day before
    assert date_interval(EventDate("2024-03-05", "day", None, "published_at"), 1) == (
        d("2024-03-04").toordinal(), d("2024-03-05").toordinal())


def test_same_day_from_a_weekday_and_from_a_full_date_joins():
    monday = event("a", when=EventDate("2024-03-04", "day", "Monday", "text"))
    full = event("b", when=EventDate("2024-03-04", "day", "March 4", "text"), published="2024-03-06T08:00:00Z")
    assert joined(monday, full)


def test_consecutive_days_in_one_city_stay_apart():
    assert not joined(event("a", when=day("2024-03-04")), event("b", when=day("2024-03-05")))


def test_month_or_week_precise_report_joins_a_day_precise_cluster_of_that_month():
    assert joined(event("a"), event("b", when=EventDate("2024-03", "month", "in March", "text")))
    assert joined(event("a"), event("b", when=EventDate("2024-W10", "week", "last week", "text")))
    assert not joined(event("a"), event("b", when=EventDate("2024-02", "month", "in February", "text")))


def test_the_cluster_keeps_the_narrowest_date():
    month = event("a", when=EventDate("2024-03", "month", "in March", "text"))
    monday = event("b", when=EventDate("2024-03-04", "day", "Monday", "text"))
    (record,) = {r.cluster_id: r for r in consolidate([month, monday])}.values()
    assert (record.date.value, record.date.precision) == ("2024-03-04", "day")


# ---- places -----------------------------------------------------------------------------

def test_city_agrees_with_the_admin1_that_contains_it_only():
    assert joined(event("a", location=BAGHDAD), event("b", location=BAGHDAD_GOV))
    assert not joined(event("a", location=BAGHDAD), event("b", location=ANBAR))


def test_cities_join_within_the_distance_and_not_beyond():
    assert joined(event("a", location=BAGHDAD), event("b", location=SADR_CITY))
    assert not joined(event("a", location=BAGHDAD), event("b", location=FALLUJAH))
    assert len(clusters_of(event("a", location=BAGHDAD), event("b", location=FALLUJAH),
                           config=ConsolidationConfig(same_place_km=80))) == 1


def test_country_precision_is_weaker_evidence():
    # Same day and same specific subtype: enough for "somewhere in Iraq".
    assert joined(event("a", location=BAGHDAD), event("b", location=IRAQ))
    # "in March" and only the country: not enough.
    assert not joined(event("a", location=BAGHDAD),
                      event("b", location=IRAQ, when=EventDate("2024-03", "month", None, "text")))
    # Same day, but only the root subtype: not enough either.
    assert not joined(event("a", subtype="attack", location=BAGHDAD), event("b", subtype="attack", location=IRAQ))
    assert not joined(event("a", location=BAGHDAD), event("b", location=SYRIA))


def test_the_cluster_keeps_the_most_precise_location():
    records = {r.cluster_id: r for r in consolidate([event("a", location=IRAQ), event("b", location=BAGHDAD_GOV),
                                                     event("c", location=BAGHDAD)])}
    (record,) = records.values()
    assert record.location == BAGHDAD
    # Another town of the governorate joins the governorate, but not once the city is known.
    assert joined(event("a", location=BAGHDAD_GOV), event("b", location=TARMIYAH))
    assert len(clusters_of(event("a", location=BAGHDAD_GOV), event("b", location=BAGHDAD),
                           event("c", location=TARMIYAH))) == 2


# ---- subtypes, actors, articles ---------------------------------------------------------

def test_a_subtype_and_its_refinement_join_siblings_do_not():
    records = {r.cluster_id: r for r in consolidate([event("a", subtype="bombing"), event("b", subtype="car_bombing")])}
    (record,) = records.values()
    assert record.subtype == "car_bombing"
    assert record.codes["cameo"] == "1832"
    assert not joined(event("a", subtype="airstrike"), event("b", subtype="shelling"))
    assert not joined(event("a", type_="protest", subtype="demonstration"), event("b"))


def test_statements_by_different_speakers_stay_apart():
    un = [Actor("UN Secretary-General", "source", "organization")]
    iraq = [Actor("Iraqi government", "source", "organization")]
    un_again = [Actor("UN Secretary-General Antonio Guterres", "source", "person")]
    kw = dict(type_="statement", subtype="condemnation")
    assert not joined(event("a", actors=un, **kw), event("b", actors=iraq, **kw))
    assert joined(event("a", actors=un, **kw), event("b", actors=un_again, **kw))


def test_a_shared_actor_adds_evidence_and_opposed_actor_countries_remove_it():
    # Undated, country-precise reports: 1 (country) + 2 (a two-day interval) + 1 (same subtype) = 4 < 5.
    undated = EventDate("2024-03-05", "day", None, "published_at")
    isis = [Actor("Islamic State", "source", "group")]
    assert not joined(event("a", location=IRAQ, when=undated), event("b", location=IRAQ, when=undated))
    assert joined(event("a", location=IRAQ, when=undated, actors=isis),
                  event("b", location=IRAQ, when=undated, actors=[Actor("Islamic State militants", "source", "group")]))
    russia = [Actor("Russian forces", "source", "organization", "RU")]
    ukraine = [Actor("Ukrainian forces", "source", "organization", "UA")]
    kw = dict(subtype="shelling", location=BAGHDAD_GOV)  # 2 + 3 + 1 = 6, minus 2 for the conflict
    assert joined(event("a", **kw), event("b", **kw))
    assert not joined(event("a", actors=russia, **kw), event("b", actors=ukraine, **kw))


def test_a_report_that_fits_two_clusters_equally_joins_neither():
    # Car bombings in Baghdad and in Tarmiyah (same governorate, 37 km apart) on March 4;
    # "a car bombing in Baghdad governorate on March 4" scores 2 + 3 + 1 = 6 against both.
    baghdad, tarmiyah = event("a"), event("b", location=TARMIYAH)
    vague = event("c", location=BAGHDAD_GOV, published="2024-03-05T12:00:00Z")
    assert clusters_of(baghdad, tarmiyah, vague) == [{"a"}, {"b"}, {"c"}]
    # Still none when one of the two has more reports: size is no evidence of which one it is.
    assert clusters_of(baghdad, tarmiyah, event("d", location=TARMIYAH), vague) == [{"a"}, {"b", "d"}, {"c"}]
    # What separates them decides: the subtype (a roadside bombing in Tarmiyah) ...
    assert clusters_of(baghdad, event("b", location=TARMIYAH, subtype="roadside_bombing"),
                       vague) == [{"a", "c"}, {"b"}]
    # ... or a shared source actor.
    isis = [Actor("Islamic State", "source", "group")]
    assert clusters_of(baghdad, event("b", location=TARMIYAH, actors=isis),
                       event("c", location=BAGHDAD_GOV, published="2024-03-05T12:00:00Z", actors=isis)) == \
        [{"a"}, {"b", "c"}]


def test_events_of_one_article_join_only_when_they_are_really_the_same():
    assert not joined(event("a", article="x"), event("b", article="x", location=BAGHDAD_GOV))
    assert joined(event("a", article="x"), event("b", article="x", location=SADR_CITY))


def test_counts_of_events_articles_and_sources():
    a = event("a", source="reuters")
    b = event("b", source="reuters", published="2024-03-05T12:00:00Z")  # a second Reuters story
    c = event("c", source="afp", published="2024-03-04T20:00:00Z")
    (record,) = {r.cluster_id: r for r in consolidate([a, b, c])}.values()
    assert (record.num_events, record.num_articles, record.num_sources) == (3, 3, 2)
    assert record.sources == ["afp", "reuters"]
    assert (record.first_seen, record.last_seen) == ("2024-03-04T20:00:00Z", "2024-03-05T12:00:00Z")
    assert record.version == 3


# ---- window, ids, state -----------------------------------------------------------------

def test_window_bounds_joins_expires_clusters_and_drops_late_events():
    config = ConsolidationConfig(window_days=2)
    c = Consolidator(config)
    first = c.process(event("a", published="2024-03-05T10:00:00Z"))
    # Three days later a day-precise report of a Baghdad car bombing on March 4 is another
    # cluster: a day-precise report is read only against the window of the latest report.
    later = c.process(event("b", published="2024-03-08T10:00:00Z"))
    assert later.cluster_id != first.cluster_id
    # Both are kept until March is over and the window after it (a month-precise report may
    # still name them), not longer.
    assert c.expire() == []
    assert c.expire(now=parse_time("2024-04-02T23:59:00Z")) == []
    assert c.expire(now=parse_time("2024-04-03T00:01:00Z")) == sorted([first.cluster_id, later.cluster_id])
    assert len(c) == 0
    # Published before the window of the latest event: late, not consolidated.
    assert c.process(event("c", published="2024-03-05T12:00:00Z")) is None
    assert len(c) == 0


def test_a_cluster_a_later_report_keeps_alive_expires_at_its_new_time_only():
    c = Consolidator(ConsolidationConfig(window_days=5))
    first = c.process(event("a", published="2024-03-31T10:00:00Z", when=day("2024-03-30")))
    # alone it would be kept to the end of March plus 5 days (April 6); a report on April 4
    # moves that to April 9, 10:00
    assert c.process(event("b", published="2024-04-04T10:00:00Z", when=day("2024-03-30"))).cluster_id \
        == first.cluster_id
    assert c.expire(now=parse_time("2024-04-07T00:00:00Z")) == []
    assert c.expire(now=parse_time("2024-04-09T09:59:00Z")) == []
    assert c.expire(now=parse_time("2024-04-09T10:01:00Z")) == [first.cluster_id]


MONTH = EventDate("2024-03", "month", None, "text")


def test_month_report_published_after_the_window_joins_the_cluster_it_contains():
    # The bombing of March 4 is reported on March 5; "a car bombing in Baghdad in March" is
    # reported 27 days later, long after the 3-day window of the last report but within the
    # window after the end of March: it joins.
    assert clusters_of(event("a", published="2024-03-05T10:00:00Z"),
                       event("b", published="2024-04-01T10:00:00Z", when=MONTH)) == [{"a", "b"}]
    # Published more than the window after the end of March: nothing left to join.
    assert clusters_of(event("a", published="2024-03-05T10:00:00Z"),
                       event("b", published="2024-04-04T10:00:00Z", when=MONTH)) == [{"a"}, {"b"}]
    # A week-precise report within the window after its ISO week (March 4-10) joins too.
    week = EventDate("2024-W10", "week", None, "text")
    assert clusters_of(event("a", published="2024-03-05T10:00:00Z"),
                       event("b", published="2024-03-12T10:00:00Z", when=week)) == [{"a", "b"}]


def test_late_wide_reports_join_only_clusters_their_days_contain():
    # A month report of February does not reach a cluster of March 4 (the dates veto anyway),
    # and a day-precise report 9 days after the last report stays out although the cluster
    # is still kept for month reports.
    assert clusters_of(event("a", published="2024-03-05T10:00:00Z"),
                       event("b", published="2024-03-14T10:00:00Z")) == [{"a"}, {"b"}]
    # A cluster that only knows "March" (a month report) is contained by a later March report.
    assert clusters_of(event("a", published="2024-03-05T10:00:00Z", when=MONTH),
                       event("b", published="2024-03-25T10:00:00Z", when=MONTH)) == [{"a", "b"}]


def test_kept_clusters_are_bounded_by_a_month_after_the_last_report():
    c = Consolidator(ConsolidationConfig(window_days=3))
    # A protest announced for a day four months ahead is not kept until then.
    far = c.process(event("a", type_="protest", subtype="protest", when=day("2024-07-01"),
                          published="2024-03-05T10:00:00Z"))
    assert c.keep_until(c.cluster(far.cluster_id)) == parse_time("2024-04-08T10:00:00Z")
    # A year-precise cluster is kept only the window after its last report.
    year = c.process(event("b", subtype="shelling", when=EventDate("2024", "year", None, "text"),
                           published="2024-03-05T10:00:00Z"))
    assert c.keep_until(c.cluster(year.cluster_id)) == parse_time("2024-03-08T10:00:00Z")


def test_expiry_does_not_change_results():
    events = [event("a", published="2024-03-05T10:00:00Z"), event("b", published="2024-03-07T11:00:00Z"),
              event("c", published="2024-03-06T09:00:00Z")]
    config = ConsolidationConfig(window_days=1.5)
    swept, unswept = Consolidator(config), Consolidator(config)
    out_swept, out_unswept = [], []
    for e in events:
        out_swept.append(swept.process(e))
        swept.expire()
        out_unswept.append(unswept.process(e))
    key = [(r.cluster_id, r.version) if r else None for r in out_swept]
    assert key == [(r.cluster_id, r.version) if r else None for r in out_unswept]
    # "b" is more than 1.5 days after "a": a cluster of its own. "c" is within 1.5 days of
    # both, but "a" fell out of the window of the watermark ("b"), expired or not: "c" joins "b".
    assert key[1][0] != key[0][0]
    assert key[2] == (key[1][0], 2)


def test_ids_are_deterministic_and_a_replayed_event_changes_nothing():
    events = [event("a"), event("b", when=day("2024-03-05")), event("c")]
    first = [r.cluster_id for r in consolidate(events)]
    assert first == [r.cluster_id for r in consolidate(events)]
    assert first[0] == first[2] != first[1]
    c = Consolidator()
    for e in events:
        c.process(e)
    replay = c.process(events[2])
    assert (replay.version, replay.event_ids) == (2, ["a", "c"])


def test_state_round_trip_continues_like_an_uninterrupted_run():
    events = [event("a"), event("b", location=BAGHDAD_GOV), event("c", when=day("2024-03-05")),
              event("d", location=IRAQ, published="2024-03-06T10:00:00Z")]
    whole = Consolidator()
    whole_out = [whole.process(e) for e in events]
    half = Consolidator()
    for e in events[:2]:
        half.process(e)
    restored = Consolidator.from_dict(json.loads(json.dumps(half.to_dict())))
    assert restored.to_dict() == half.to_dict()
    assert restored.watermark == half.watermark
    rest = [restored.process(e) for e in events[2:]]
    assert [without_time(r.to_dict()) for r in rest] == [without_time(r.to_dict()) for r in whole_out[2:]]
    assert [without_time(c) for c in restored.to_dict()["clusters"]] == \
        [without_time(c) for c in whole.to_dict()["clusters"]]


def without_time(data: dict) -> dict:
    """A record or stored cluster without its wall-clock `updated_at`."""
    return {k: v for k, v in data.items() if k != "updated_at"}


def test_records_follow_the_schema():
    v = validator("consolidated")
    for record in consolidate([event("a"), event("b", location=None), event("c", location=BAGHDAD_GOV)]):
        errors = list(v.iter_errors(orjson.loads(record.to_json())))
        assert errors == []


def test_consolidate_file_writes_the_final_version_of_every_cluster(tmp_path):
    events = [event("a"), event("b"), event("c", when=day("2024-03-06"))]
    src = tmp_path / "events.jsonl"
    src.write_bytes(b"".join(e.to_json() + b"\n" for e in events))
    out = tmp_path / "clusters.jsonl"
    assert consolidate_file(src, out) == 2
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert sorted((r["event_ids"], r["version"]) for r in rows) == [(["a", "b"], 2), (["c"], 1)]


def test_config_rejects_a_window_of_nothing():
    with pytest.raises(ValueError):
        ConsolidationConfig(window_days=0)
