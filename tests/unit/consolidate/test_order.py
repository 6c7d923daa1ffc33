"""Consolidation does not depend on arrival order: the evaluation sets, the sample feed and
generated reports in any order give the clusters (and ids) of the time-ordered run; a late report
that comes first in time merges clusters, retires ids with `merged_into`, and may split one."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.consolidate.test_consolidate import BAGHDAD, BAGHDAD_GOV, FALLUJAH, IRAQ, SADR_CITY, TARMIYAH, event
from workers.consolidate import Consolidator, RetiredCluster, consolidate, current
from workers.consolidate.cluster import cluster_id_for
from workers.errors import RecordMeta
from workers.evaluate.consolidation import gold_as_event, read_records
from workers.evaluate.events import article_of
from workers.extract.pipeline import Extractor
from workers.ingest.validate import validate
from workers.records import Actor, Article, Event, EventDate, EventLocation
from workers.settings import Settings

REPO = Path(__file__).resolve().parents[3]
EVAL_SETS = ["eval/consolidation.jsonl", "eval/consolidation-heldout.jsonl"]


def clusters(events: list[Event]) -> dict[str, frozenset[str]]:
    """Cluster id -> member event ids, as a consumer of every record published ends up holding them."""
    return {cid: frozenset(r.event_ids) for cid, r in current(consolidate(events)).items()}


def pairs(found: dict[str, frozenset[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for members in found.values() for p in combinations(sorted(members), 2)}


def assert_same_as_time_order(events: list[Event], reference: dict[str, frozenset[str]]) -> None:
    found = clusters(events)
    predicted, wanted = pairs(found), pairs(reference)
    precision = len(predicted & wanted) / len(predicted) if predicted else 1.0
    recall = len(predicted & wanted) / len(wanted) if wanted else 1.0
    assert (precision, recall, len(found)) == (1.0, 1.0, len(reference))
    assert found == reference  # and the same ids


def time_order(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.published_at, e.event_id))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def eval_events(extractor: Extractor) -> dict[str, list[Event]]:
    """Per set and pipeline (extracted end to end, or the gold events), the events in time order."""
    out = {}
    for path in EVAL_SETS:
        records = read_records(REPO / path)
        out[f"{path} end to end"] = time_order(
            [e for a in extractor.annotate_many(article_of(r) for r in records) for e in a.events]
        )
        out[f"{path} gold events"] = time_order(
            [gold_as_event(r, i) for r in records for i in range(len(r["gold"]["events"]))]
        )
    return out


@pytest.mark.parametrize("name", [f"{p} {k}" for p in EVAL_SETS for k in ("end to end", "gold events")])
def test_evaluation_sets_give_the_same_clusters_in_any_order(eval_events: dict[str, list[Event]], name: str) -> None:
    events = eval_events[name]
    reference = clusters(events)
    assert sum(map(len, reference.values())) == len(events)  # nothing is late
    assert len(reference) < len(events)  # there is something to get wrong
    assert_same_as_time_order(events[::-1], reference)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.permutations(events))
    def any_order(shuffled: list[Event]) -> None:
        assert_same_as_time_order(shuffled, reference)

    any_order()


def test_the_sample_feed_gives_the_same_clusters_with_all_its_events_in_any_order(extractor: Extractor) -> None:
    articles = []
    for line in (REPO / "samples" / "articles.jsonl").read_bytes().splitlines():
        outcome = validate(line, RecordMeta("articles", 0, 0, None), Settings())
        assert isinstance(outcome, Article)
        articles.append(outcome)
    events = [e for a in extractor.annotate_many(articles) for e in a.events]
    reference = clusters(events)
    assert sum(map(len, reference.values())) == len(events) > len(reference)
    rng = random.Random(17)
    for order in (events[::-1], *(rng.sample(events, len(events)) for _ in range(20))):
        assert clusters(order) == reference


# ---- generated reports: every order, and what the records say on the way ----------------------

PLACES = [
    BAGHDAD,
    SADR_CITY,
    TARMIYAH,
    BAGHDAD_GOV,
    IRAQ,
    None,
    EventLocation("Syria", "Syria", "SY", None, 35.0, 38.0, 163843, "country"),
]
SUBTYPES = ["attack", "bombing", "car_bombing", "suicide_bombing", "shelling", "airstrike"]
DATES = [EventDate(f"2024-03-0{d}", "day", None, "text") for d in range(3, 7)] + [
    EventDate("2024-03-04", "day", None, "published_at"),
    EventDate("2024-03", "month", None, "text"),
    EventDate("2024-W10", "week", None, "text"),
    EventDate("2024", "year", None, "text"),
]
ACTORS = [[], [], [Actor("Islamic State", "source", "group")], [Actor("Russian forces", "source", "group", "RU")]]


@st.composite
def reports(draw: st.DrawFn) -> list[Event]:
    """Up to 30 attack reports of a few days in and around Baghdad: many fit several clusters."""
    out = []
    for i in range(draw(st.integers(2, 30))):
        hour = draw(st.integers(0, 4 * 24))
        out.append(
            event(
                f"e{i:02d}",
                article=f"a{draw(st.integers(0, 40))}",
                subtype=draw(st.sampled_from(SUBTYPES)),
                location=draw(st.sampled_from(PLACES)),
                when=draw(st.sampled_from(DATES)),
                actors=draw(st.sampled_from(ACTORS)),
                source=f"s{draw(st.integers(0, 4))}",
                published=(parse("2024-03-04T00:00:00Z") + timedelta(hours=hour)).isoformat(),
            )
        )
    return out


def parse(value: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@settings(max_examples=300, deadline=None)
@given(reports(), st.randoms(use_true_random=False))
def test_generated_reports_give_the_clusters_of_time_order_in_any_order(
    events: list[Event], rng: random.Random
) -> None:
    reference = clusters(time_order(events))
    shuffled = events[:]
    rng.shuffle(shuffled)
    assert clusters(shuffled) == reference


@settings(max_examples=300, deadline=None)
@given(reports(), st.randoms(use_true_random=False))
def test_records_keep_a_consumer_consistent(events: list[Event], rng: random.Random) -> None:
    """Versions grow per id; a retired id names a cluster the consumer holds; every event is in one cluster."""
    rng.shuffle(events)
    consolidator, versions, table = Consolidator(), {}, {}
    for e in events:
        update = consolidator.process(e)
        assert update is not None
        for record in update.records:
            assert record.version == versions.get(record.cluster_id, 0) + 1
            versions[record.cluster_id] = record.version
            if isinstance(record, RetiredCluster):
                del table[record.cluster_id]
                assert record.merged_into in table
            else:
                table[record.cluster_id] = record
        members = [i for r in table.values() for i in r.event_ids]
        assert sorted(members) == sorted(x.event_id for x in events[: events.index(e) + 1])
        assert update.cluster_id in table and e.event_id in table[update.cluster_id].event_ids
    assert {cid: set(r.event_ids) for cid, r in table.items()} == {
        c.cluster_id: {m.event_id for m in c.members} for c in consolidator.clusters()
    }


# ---- merges, retired ids, splits --------------------------------------------------------------

ISIS = [Actor("Islamic State", "source", "group")]


def test_a_late_report_first_in_time_bridges_two_clusters_and_retires_their_ids() -> None:
    city = event("a", published="2024-03-05T10:00:00Z")  # a car bombing in Baghdad on March 4
    shooting = event("f", published="2024-03-05T10:30:00Z", subtype="armed_assault", location=FALLUJAH)
    # "an attack in Iraq" claimed by the Islamic State agrees with both (country 1 + day 3 +
    # the root subtype 0 = 4 each): it joins neither
    country = event("b", published="2024-03-05T11:00:00Z", subtype="attack", location=IRAQ, actors=ISIS)
    # a bombing in Baghdad governorate claimed by the Islamic State, published the evening before
    bridge = event("x", published="2024-03-04T22:00:00Z", subtype="bombing", location=BAGHDAD_GOV, actors=ISIS)
    c = Consolidator()
    assert len({c.process(e).cluster_id for e in (city, shooting, country)}) == 3
    update = c.process(bridge)
    first, *retired = update.records
    assert (first.cluster_id, first.version, first.event_ids) == (cluster_id_for("x"), 1, ["x", "a", "b"])
    assert [(r.cluster_id, r.version, r.merged_into) for r in retired] == sorted(
        [(cluster_id_for("a"), 2, first.cluster_id), (cluster_id_for("b"), 2, first.cluster_id)]
    )
    assert (first.location, first.subtype) == (BAGHDAD, "car_bombing")
    # In time order, the same clusters with the same ids, and nothing retired.
    in_order = [bridge, city, shooting, country]
    assert not any(isinstance(r, RetiredCluster) for r in consolidate(in_order))
    assert clusters(in_order) == {cluster_id_for("x"): frozenset("xab"), cluster_id_for("f"): frozenset("f")}


def test_a_late_report_can_take_a_member_away_and_the_id_comes_back_with_a_higher_version() -> None:
    # Car bombings in Baghdad and in Tarmiyah (same governorate) on March 4. "Baghdad governorate"
    # first joins the only one there is, the Baghdad cluster, and names it (published first) ...
    vague = event("g", published="2024-03-04T21:00:00Z", location=BAGHDAD_GOV)
    baghdad = event("a", published="2024-03-05T10:00:00Z")
    c = Consolidator()
    c.process(baghdad)
    joined = c.process(vague).records
    assert [(type(r).__name__, r.cluster_id, r.version) for r in joined] == [
        ("ConsolidatedEvent", cluster_id_for("g"), 1),
        ("RetiredCluster", cluster_id_for("a"), 2),
    ]
    # ... until the Tarmiyah report, published before both, arrives: now it fits two and joins
    # neither; "a" is on its own again, under its own id, version 3.
    tarmiyah = event("t", published="2024-03-04T20:00:00Z", location=TARMIYAH)
    records = c.process(tarmiyah).records
    assert sorted((r.cluster_id, r.version, r.event_ids) for r in records) == sorted(
        [(cluster_id_for("t"), 1, ["t"]), (cluster_id_for("g"), 2, ["g"]), (cluster_id_for("a"), 3, ["a"])]
    )
    assert clusters([tarmiyah, vague, baghdad]) == {cluster_id_for(x): frozenset(x) for x in "tga"}


def test_the_live_views_cluster_index_passes_on_shrunk_and_retired_clusters() -> None:
    """`GET /clusters` leaves one-event clusters out, but not those a page may show with more."""
    from workers.webpage import ClusterIndex

    index, t, c = ClusterIndex(), parse("2024-03-05T12:00:00Z"), Consolidator()

    def feed(e: Event) -> list[dict]:
        seen = index.seq
        for record in c.process(e).records:
            index.add(record.to_dict(), t)
        return index.changed_after(seen)

    feed(event("a", published="2024-03-05T10:00:00Z"))
    assert [r["event_ids"] for r in feed(event("b", published="2024-03-05T11:00:00Z"))] == [["a", "b"]]
    # "Baghdad governorate", published the evening before, joins and names the cluster: the
    # page gets the new cluster, then the old id with merged_into.
    merged = feed(event("g", published="2024-03-04T21:00:00Z", location=BAGHDAD_GOV))
    assert [(r["cluster_id"], r.get("event_ids"), r.get("merged_into")) for r in merged] == [
        (cluster_id_for("g"), ["g", "a", "b"], None),
        (cluster_id_for("a"), None, cluster_id_for("g")),
    ]
    # Tarmiyah had a car bombing that day too: "g" fits both and leaves, alone: still sent,
    # so that a page stops showing it with three reports.
    shrunk = feed(event("t", published="2024-03-04T20:00:00Z", location=TARMIYAH))
    assert sorted((r["cluster_id"], r.get("event_ids"), r.get("merged_into")) for r in shrunk) == sorted(
        [(cluster_id_for("g"), ["g"], None), (cluster_id_for("a"), ["a", "b"], None)]
    )
