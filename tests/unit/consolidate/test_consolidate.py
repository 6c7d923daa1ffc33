"""Consolidation: which reports are one event (precisions of place and date, subtypes, actors,
one article), lateness and expiry, state round trip, deterministic ids, the record's schema.
Arrival order, merges and retired ids: test_consolidate_order.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import orjson
import pytest

from workers.consolidate import (
    ConsolidationConfig,
    Consolidator,
    RetiredCluster,
    consolidate,
    consolidate_file,
    current,
)
from workers.consolidate.cluster import cluster_id_for
from workers.consolidate.match import date_interval
from workers.evaluate.consolidation import main as evaluation_main
from workers.records import Actor, Event, EventDate, EventLocation, Span, parse_timestamp
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


def event(
    event_id: str,
    *,
    article: str | None = None,
    published: str = "2024-03-05T10:00:00Z",
    type_: str = "attack",
    subtype: str = "car_bombing",
    location: EventLocation | None = BAGHDAD,
    when: EventDate | None = None,
    source: str | None = None,
    actors: list[Actor] | None = None,
) -> Event:
    span = Span("bomb", 0, 4)
    return Event(
        event_id=event_id,
        article_id=article or f"art-{event_id}",
        source=source or f"outlet-{event_id}",
        url=None,
        published_at=published,
        type=type_,
        subtype=subtype,
        codes={"cameo": "183", "plover": "ASSAULT", "plover_mode": None},
        trigger=span,
        evidence=span,
        actors=actors or [],
        location=location,
        date=when or day("2024-03-04"),
        confidence=0.8,
    )


def clusters_of(*events: Event, config: ConsolidationConfig | None = None) -> list[set[str]]:
    """The final member sets, order-free."""
    latest = current(consolidate(events, config))
    return sorted((set(r.event_ids) for r in latest.values()), key=sorted)


def joined(a: Event, b: Event) -> bool:
    return len(clusters_of(a, b)) == 1


# ---- dates ------------------------------------------------------------------------------


def test_date_intervals_cover_the_days_a_date_can_mean():
    d = date.fromisoformat
    assert date_interval(day("2024-03-04"), 1) == (d("2024-03-04").toordinal(),) * 2
    assert date_interval(EventDate("2024-W10", "week", None, "text"), 1) == (
        d("2024-03-04").toordinal(),
        d("2024-03-10").toordinal(),
    )
    assert date_interval(EventDate("2024-02", "month", None, "text"), 1) == (
        d("2024-02-01").toordinal(),
        d("2024-02-29").toordinal(),
    )
    assert date_interval(EventDate("2023-12", "month", None, "text"), 0)[1] == d("2023-12-31").toordinal()
    assert date_interval(EventDate("2024", "year", None, "text"), 0) == (
        d("2024-01-01").toordinal(),
        d("2024-12-31").toordinal(),
    )
    # an undated report: the publication day or the day before
    assert date_interval(EventDate("2024-03-05", "day", None, "published_at"), 1) == (
        d("2024-03-04").toordinal(),
        d("2024-03-05").toordinal(),
    )


def test_quarters_halves_and_seasons_are_intervals_and_consolidate():
    # Extraction dates "the fourth quarter", "the first half", "last winter" at year precision.
    d = date.fromisoformat
    assert date_interval(EventDate("2023-Q4", "year", None, "text"), 0) == (
        d("2023-10-01").toordinal(),
        d("2023-12-31").toordinal(),
    )
    assert date_interval(EventDate("2024-H1", "year", None, "text"), 0)[1] == d("2024-06-30").toordinal()
    assert date_interval(EventDate("2023-WI", "year", None, "text"), 0)[0] == d("2023-12-01").toordinal()
    quarter = EventDate("2024-Q1", "year", "the first quarter", "text")
    assert sum(map(len, clusters_of(event("q1", when=quarter), event("q2", when=quarter)))) == 2


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
    (record,) = current(consolidate([month, monday])).values()
    assert (record.date.value, record.date.precision) == ("2024-03-04", "day")


# ---- places -----------------------------------------------------------------------------


def test_city_agrees_with_the_admin1_that_contains_it_only():
    assert joined(event("a", location=BAGHDAD), event("b", location=BAGHDAD_GOV))
    assert not joined(event("a", location=BAGHDAD), event("b", location=ANBAR))


def test_cities_join_within_the_distance_and_not_beyond():
    assert joined(event("a", location=BAGHDAD), event("b", location=SADR_CITY))
    assert not joined(event("a", location=BAGHDAD), event("b", location=FALLUJAH))
    assert (
        len(
            clusters_of(
                event("a", location=BAGHDAD),
                event("b", location=FALLUJAH),
                config=ConsolidationConfig(same_place_km=80),
            )
        )
        == 1
    )


def test_country_precision_is_weaker_evidence():
    # Same day and same specific subtype: enough for "somewhere in Iraq".
    assert joined(event("a", location=BAGHDAD), event("b", location=IRAQ))
    # "in March" and only the country: not enough.
    assert not joined(
        event("a", location=BAGHDAD), event("b", location=IRAQ, when=EventDate("2024-03", "month", None, "text"))
    )
    # Same day, but only the root subtype: 4, not enough on its own (two country-level reports
    # of "an attack in Iraq on Monday" stay apart) ...
    undated_iraq = dict(subtype="attack", location=IRAQ)
    assert not joined(event("a", **undated_iraq), event("b", **undated_iraq))
    assert not joined(event("a", location=BAGHDAD), event("b", location=SYRIA))


def test_a_vaguer_report_joins_the_one_cluster_it_agrees_with_when_nothing_else_competes():
    # "An attack in Iraq on March 4" scores 4 against the Baghdad car bombing (country 1, the day
    # 3, the root subtype 0), one short: it is the only cluster it agrees with, so it joins ...
    country = event("c", subtype="attack", location=IRAQ, published="2024-03-05T12:00:00Z")
    assert clusters_of(event("a"), country) == [{"a", "c"}]
    # ... but not when a shooting in Fallujah that day fits it too, nor a cluster no more precise
    # than itself (another country-level report).
    fallujah = event("f", subtype="armed_assault", location=FALLUJAH)
    assert clusters_of(event("a"), fallujah, country) == [{"a"}, {"c"}, {"f"}]
    assert not joined(event("a", subtype="attack", location=IRAQ), country)
    # A month report of an offensive in an admin1 whose only offensive that month was on the 10th.
    offensive = dict(type_="operation", subtype="offensive", location=ANBAR)
    assert joined(
        event("o", when=day("2024-03-10"), **offensive),
        event("p", when=EventDate("2024-03", "month", None, "text"), published="2024-03-29T10:00:00Z", **offensive),
    )


def test_a_day_told_relative_to_publication_may_be_the_next_day_at_the_place():
    # Published at 22:30 UTC on March 5, already 01:30 on March 6 in Baghdad (UTC+3 by its
    # longitude): "yesterday" (March 4 by the reporter's calendar) may be March 5 there.
    late = event("y", published="2024-03-05T22:30:00Z", when=EventDate("2024-03-04", "day", "yesterday", "text"))
    assert joined(event("a", when=day("2024-03-05")), late)
    assert joined(event("a", when=day("2024-03-04")), late)
    assert not joined(event("a", when=day("2024-03-03")), late)
    # Published at 10:00 UTC, the same date in Baghdad: consecutive days stay apart.
    morning = event("m", published="2024-03-05T10:00:00Z", when=EventDate("2024-03-04", "day", "yesterday", "text"))
    assert not joined(event("a", when=day("2024-03-05")), morning)
    # A date with its day written out is the place's date: no slack.
    written = event("w", published="2024-03-05T22:30:00Z", when=EventDate("2024-03-04", "day", "March 4", "text"))
    assert not joined(event("a", when=day("2024-03-05")), written)
    # Still a day: "an attack in Iraq yesterday" scores the day against a day (1 + 3 + 1 = 5).
    assert joined(
        event("a", when=day("2024-03-05")),
        event(
            "i",
            location=IRAQ,
            published="2024-03-05T22:30:00Z",
            when=EventDate("2024-03-04", "day", "yesterday", "text"),
        ),
    )


def test_the_cluster_keeps_the_most_precise_location():
    records = current(
        consolidate([event("a", location=IRAQ), event("b", location=BAGHDAD_GOV), event("c", location=BAGHDAD)])
    )
    (record,) = records.values()
    assert record.location == BAGHDAD
    # Another town of the governorate joins the governorate; but a governorate report of the
    # day that two of its towns had a car bombing fits both and joins neither, in any order.
    assert joined(event("a", location=BAGHDAD_GOV), event("b", location=TARMIYAH))
    assert clusters_of(
        event("a", location=BAGHDAD_GOV), event("b", location=BAGHDAD), event("c", location=TARMIYAH)
    ) == [{"a"}, {"b"}, {"c"}]


# ---- subtypes, actors, articles ---------------------------------------------------------


def test_a_subtype_and_its_refinement_join_siblings_do_not():
    records = current(consolidate([event("a", subtype="bombing"), event("b", subtype="car_bombing")]))
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
    assert joined(
        event("a", location=IRAQ, when=undated, actors=isis),
        event("b", location=IRAQ, when=undated, actors=[Actor("Islamic State militants", "source", "group")]),
    )
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
    assert clusters_of(baghdad, event("b", location=TARMIYAH, subtype="roadside_bombing"), vague) == [{"a", "c"}, {"b"}]
    # ... or a shared source actor.
    isis = [Actor("Islamic State", "source", "group")]
    assert clusters_of(
        baghdad,
        event("b", location=TARMIYAH, actors=isis),
        event("c", location=BAGHDAD_GOV, published="2024-03-05T12:00:00Z", actors=isis),
    ) == [{"a"}, {"b", "c"}]


def test_events_of_one_article_join_only_when_they_are_really_the_same():
    assert not joined(event("a", article="x"), event("b", article="x", location=BAGHDAD_GOV))
    assert joined(event("a", article="x"), event("b", article="x", location=SADR_CITY))


def test_counts_of_events_articles_and_sources():
    a = event("a", source="reuters")
    b = event("b", source="reuters", published="2024-03-05T12:00:00Z")  # a second Reuters story
    c = event("c", source="afp", published="2024-03-04T20:00:00Z")
    (record,) = current(consolidate([a, b, c])).values()
    assert (record.num_events, record.num_articles, record.num_sources) == (3, 3, 2)
    assert record.sources == ["afp", "reuters"]
    assert (record.first_seen, record.last_seen) == ("2024-03-04T20:00:00Z", "2024-03-05T12:00:00Z")
    # "c" was published first: the cluster is named after it, whatever the arrival order.
    assert (record.cluster_id, record.version) == (cluster_id_for("c"), 1)


MONTH = EventDate("2024-03", "month", None, "text")


# ---- lateness, expiry, ids, state -------------------------------------------------------


def test_an_event_is_late_only_when_every_day_it_may_mean_is_beyond_the_horizon():
    c = Consolidator(ConsolidationConfig(lateness_days=10))
    assert c.process(event("a", published="2024-03-20T10:00:00Z", when=day("2024-03-19"))) is not None
    # Published later but about March 4: more than 10 days before the newest report (March 20).
    assert c.process(event("b", published="2024-03-21T10:00:00Z", when=day("2024-03-04"))) is None
    # "In March" may mean March 11 or later: not late, and it meets the March 19 cluster.
    month = c.process(event("c", published="2024-03-21T10:00:00Z", when=EventDate("2024-03", "month", None, "text")))
    assert month is not None and month.cluster.event_ids == ["a", "c"]
    # A report published long before the newest one, of a day within the horizon, is not late.
    # It is another March car bombing in Baghdad, so "in March" fits two clusters now: it
    # leaves the March 19 cluster (precision first), as if everything had come in time order.
    late = c.process(event("d", published="2024-03-12T10:00:00Z", when=day("2024-03-11")))
    assert sorted(r.event_ids for r in late.records) == [["a"], ["c"], ["d"]]
    assert sorted(sorted(m.event_id for m in cl.members) for cl in c.clusters()) == [["a"], ["c"], ["d"]]


def test_a_day_report_joins_its_cluster_however_long_after_it_is_published():
    # The window of publication times is gone: the dates decide. The Baghdad car bombing of
    # March 4, reported again on March 25, is the same happening.
    assert clusters_of(event("a", published="2024-03-05T10:00:00Z"), event("b", published="2024-03-25T10:00:00Z")) == [
        {"a", "b"}
    ]
    # A month-only report published late in the next month still meets it.
    assert clusters_of(
        event("a", published="2024-03-05T10:00:00Z"), event("b", published="2024-04-20T10:00:00Z", when=MONTH)
    ) == [{"a", "b"}]


def test_a_year_says_nothing_about_which_happening():
    year = EventDate("2024", "year", None, "text")
    assert clusters_of(event("a"), event("b", when=year), event("c", when=year)) == [{"a"}, {"b"}, {"c"}]


def test_expiry_drops_clusters_no_report_within_the_horizon_can_meet():
    c = Consolidator(ConsolidationConfig(lateness_days=10))
    first = c.process(event("a", published="2024-03-05T10:00:00Z")).cluster_id  # March 4
    month = c.process(event("b", subtype="shelling", published="2024-03-05T10:00:00Z", when=MONTH)).cluster_id
    # A report not late on April 10 (days from March 31 on) could still be "in March" and meet
    # a March 4 report's days: the day cluster is kept while (March 4) + 10 + 31 days >= now.
    assert c.expire(now=parse_timestamp("2024-04-14T12:00:00Z").timestamp()) == []
    assert c.expire(now=parse_timestamp("2024-04-15T12:00:00Z").timestamp()) == [first]
    assert c.expire(now=parse_timestamp("2024-05-11T12:00:00Z").timestamp()) == []
    assert c.expire(now=parse_timestamp("2024-05-12T12:00:00Z").timestamp()) == [month]
    assert len(c) == 0


def test_expiry_does_not_change_results():
    events = [
        event("a", published="2024-03-05T10:00:00Z"),
        event("b", published="2024-03-27T11:00:00Z"),
        event("c", published="2024-03-06T09:00:00Z", when=MONTH),
        event("d", published="2024-04-02T09:00:00Z"),
    ]
    config = ConsolidationConfig(lateness_days=30)
    swept, unswept = Consolidator(config), Consolidator(config)
    for e in events:
        swept.process(e)
        swept.expire()
        unswept.process(e)
    assert (
        [sorted(m.event_id for m in c.members) for c in swept.clusters()]
        == [sorted(m.event_id for m in c.members) for c in unswept.clusters()]
        == [["a", "b", "c", "d"]]
    )


def test_ids_are_deterministic_and_a_redelivered_event_changes_nothing():
    events = [event("a"), event("b", when=day("2024-03-05")), event("c")]
    first = [r.cluster_id for r in consolidate(events)]
    assert first == [r.cluster_id for r in consolidate(events)]
    assert first[0] == first[2] != first[1]
    c = Consolidator()
    assert [c.process(e).again for e in events] == [False, False, False]  # type: ignore[union-attr]
    again = c.process(events[2])
    assert again is not None and again.again  # counted as "again" in /metrics, not as a new cluster
    assert [(r.version, r.event_ids) for r in again.records] == [(2, ["a", "c"])]


def test_a_redelivered_event_gives_again_the_retirements_into_its_cluster():
    # A worker killed after the state of "d" (published first: "a"'s id retired into "d"'s
    # cluster) reached the changelog but before its records reached the topic: the restarted
    # worker restores that state and gets "d" again. The retirement must come out again.
    events = [event("a"), event("d", published="2024-03-04T20:00:00Z")]
    c = Consolidator()
    first = [c.process(e) for e in events][1]
    assert first is not None
    retired = [r for r in first.records if isinstance(r, RetiredCluster)]
    assert [(r.cluster_id, r.merged_into) for r in retired] == [(cluster_id_for("a"), first.cluster_id)]
    restored = Consolidator.from_dict(json.loads(json.dumps(c.to_dict())))
    again = restored.process(events[1])
    assert again is not None and again.again
    assert [without_time(r.to_dict()) for r in again.records] == [without_time(r.to_dict()) for r in first.records]


def test_state_round_trip_continues_like_an_uninterrupted_run():
    # "d" arrives late and bridges: the round trip must keep retired ids and their versions too.
    events = [
        event("a"),
        event("b", location=BAGHDAD_GOV),
        event("c", when=day("2024-03-05")),
        event("d", location=IRAQ, published="2024-03-06T10:00:00Z"),
        event("e", location=BAGHDAD_GOV, published="2024-03-04T20:00:00Z"),
        event("f", location=SADR_CITY),
    ]
    whole = Consolidator()
    whole_out = [whole.process(e) for e in events]
    assert any(isinstance(r, RetiredCluster) for r in whole_out[4].records)  # "e" came first: "a" is retired
    for cut in range(1, len(events)):
        half = Consolidator()
        for e in events[:cut]:
            half.process(e)
        restored = Consolidator.from_dict(json.loads(json.dumps(half.to_dict())))
        assert restored.to_dict() == half.to_dict()
        assert restored.watermark == half.watermark
        rest = [restored.process(e) for e in events[cut:]]
        assert [[without_time(r.to_dict()) for r in u.records] for u in rest] == [
            [without_time(r.to_dict()) for r in u.records] for u in whole_out[cut:]
        ]
        assert [without_time(c) for c in restored.to_dict()["clusters"]] == [
            without_time(c) for c in whole.to_dict()["clusters"]
        ]


def without_time(data: dict) -> dict:
    """A record or stored cluster without its wall-clock `updated_at`."""
    return {k: v for k, v in data.items() if k != "updated_at"}


def test_records_follow_the_schema():
    v = validator("consolidated")
    records = list(
        consolidate(
            [
                event("a"),
                event("b", location=None),
                event("c", location=BAGHDAD_GOV),
                event("d", published="2024-03-04T20:00:00Z"),
            ]
        )
    )
    assert isinstance(records[-1], RetiredCluster)  # "d" was published first: "a"'s id is retired
    for record in records:
        errors = list(v.iter_errors(orjson.loads(record.to_json())))
        assert errors == []
    assert list(v.iter_errors({**orjson.loads(records[-1].to_json()), "event_ids": ["x"]}))  # a retired id is only that


def test_consolidate_file_writes_the_final_version_of_every_cluster(tmp_path):
    events = [event("a"), event("b"), event("c", when=day("2024-03-06"))]
    src = tmp_path / "events.jsonl"
    src.write_bytes(b"".join(e.to_json() + b"\n" for e in events))
    out = tmp_path / "clusters.jsonl"
    assert consolidate_file(src, out) == 2
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert sorted((r["event_ids"], r["version"]) for r in rows) == [(["a", "b"], 2), (["c"], 1)]


def test_config_rejects_a_horizon_of_nothing():
    with pytest.raises(ValueError):
        ConsolidationConfig(lateness_days=0)


def test_the_real_news_evaluation_without_its_texts_skips_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = "eval/consolidation-realnews.jsonl"
    assert evaluation_main([gold, "--split", "dev", "--texts", str(tmp_path / "absent.jsonl")]) == 0
    assert "nothing to evaluate" in capsys.readouterr().err
