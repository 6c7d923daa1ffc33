"""Consolidation through the real broker: reports of one event meet in one cluster on
`events.consolidated`; a record on its input that is not an event becomes a dead letter and the
next event is consolidated; the cluster index survives SIGKILL and restart; a backfill
published newest first gives the clusters (and ids) of one published in time order, retiring
ids with `merged_into` and a tombstone on the way; events beyond the horizon are counted late."""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from datetime import UTC
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from tests.integration.conftest import REPO, Stack, current_clusters
from tests.integration.test_live_view import browser_page  # noqa: F401  (a fixture)
from workers.clients import client_kwargs
from workers.schemas import validator

pytestmark = pytest.mark.integration


def event(
    event_id: str,
    article_id: str,
    source: str,
    published_at: str,
    day: str,
    *,
    subtype: str = "car_bombing",
    city: tuple[str, float, float] = ("Baghdad", 33.34, 44.40),
) -> bytes:
    name, lat, lon = city
    return orjson.dumps(
        {
            "event_id": event_id,
            "article_id": article_id,
            "source": source,
            "url": f"https://{source}.example/{article_id}",
            "published_at": published_at,
            "type": "attack",
            "subtype": subtype,
            "codes": {"cameo": "1832", "plover": "ASSAULT", "plover_mode": "explosives"},
            "trigger": {"text": "car bomb", "start": 0, "end": 8},
            "evidence": {"text": "A car bomb exploded.", "start": 0, "end": 20},
            "actors": [],
            "location": {
                "text": name,
                "name": name,
                "country_code": "IQ",
                "admin1": "Baghdad",
                "lat": lat,
                "lon": lon,
                "geonames_id": None,
                "precision": "city",
            },
            "date": {"value": day, "precision": "day", "text": None, "source": "text"},
            "confidence": 0.9,
            "pipeline_version": "0.1.0",
            "extracted_at": "2024-03-05T10:00:00Z",
        }
    )


def consolidated(
    stack: Stack, topic: str | None = None, settle: float = 3.0, timeout: float = 90.0
) -> list[tuple[int, bytes, dict | None]]:
    """Every record of events.consolidated (or `topic`) as (partition, key, value; None for a
    tombstone), in the order of each partition, once nothing new came for `settle` seconds."""
    cons = KafkaConsumer(enable_auto_commit=False, isolation_level="read_committed", **client_kwargs(stack.settings))
    topic = topic or stack.topics.consolidated
    partitions = [TopicPartition(topic, p) for p in cons.partitions_for_topic(topic) or []]
    cons.assign(partitions)
    cons.seek_to_beginning(*partitions)
    out: list[tuple[int, bytes, dict | None]] = []
    deadline, quiet_since = time.monotonic() + timeout, time.monotonic()
    try:
        while time.monotonic() < deadline and (not out or time.monotonic() - quiet_since < settle):
            for batch in cons.poll(timeout_ms=500).values():
                out.extend((m.partition, m.key, orjson.loads(m.value) if m.value is not None else None) for m in batch)
                quiet_since = time.monotonic()
    finally:
        cons.close()
    return out


def current(stack: Stack, events: int | set[str] = 1, topic: str | None = None) -> dict[bytes, dict]:
    """The clusters a consumer holds after reading events.consolidated (or `topic`): the latest
    version per key, without retired ids (a `merged_into` record, then a tombstone). Read again
    until the clusters hold `events` (that many events, or these event ids)."""
    deadline = time.monotonic() + 120
    while True:
        records = [(key, record) for _, key, record in consolidated(stack, topic)]
        assert all(record is None or key.decode() == record["cluster_id"] for key, record in records)
        latest = current_clusters(records)
        held = {e for r in latest.values() for e in r["event_ids"]}
        if (len(held) >= events if isinstance(events, int) else held == events) or time.monotonic() > deadline:
            return latest


def test_reports_of_one_happening_join_one_cluster(stack: Stack):
    stack.worker().start()
    stack.publish(
        [event("e-reuters", "a-reuters", "reuters", "2024-03-05T09:00:00Z", "2024-03-04")],
        topic=stack.topics.consolidate_input,
    )
    stack.publish(
        [event("e-afp", "a-afp", "afp", "2024-03-05T11:00:00Z", "2024-03-04")], topic=stack.topics.consolidate_input
    )
    # The next day's bombing in the same city is another event.
    stack.publish(
        [event("e-next-day", "a-ap", "ap", "2024-03-06T08:00:00Z", "2024-03-05")], topic=stack.topics.consolidate_input
    )
    clusters = sorted(current(stack, 3).values(), key=lambda r: r["num_events"])
    assert [r["event_ids"] for r in clusters] == [["e-next-day"], ["e-reuters", "e-afp"]]
    joined = clusters[1]
    assert (joined["num_articles"], joined["num_sources"]) == (2, 2)
    assert joined["sources"] == ["afp", "reuters"]
    assert joined["date"]["value"] == "2024-03-04"


def test_a_record_that_is_not_an_event_is_a_dead_letter_and_the_next_is_consolidated(stack: Stack):
    worker = stack.worker().start()
    stack.publish(
        [
            b"not json",
            orjson.dumps({"event_id": "no-type"}),
            event("e-after", "a-after", "reuters", "2024-03-05T09:00:00Z", "2024-03-04"),
        ],
        topic=stack.topics.consolidate_input,
    )
    (cluster,) = current(stack).values()
    assert cluster["event_ids"] == ["e-after"]
    # the letters have no key, so they may land on different partitions of articles.dlq
    letters = sorted(
        (r for _, r in stack.read(stack.topics.dlq, 2, timeout=60, settle=2.0)[stack.topics.dlq]),
        key=lambda r: r["offset"],
    )
    assert [(r["stage"], r["error"], r["topic"], r["offset"]) for r in letters] == [
        ("consolidate", "processing_error", stack.topics.consolidate_input, 0),
        ("consolidate", "processing_error", stack.topics.consolidate_input, 1),
    ]
    assert [base64.b64decode(r["payload_b64"]) for r in letters] == [b"not json", b'{"event_id":"no-type"}']
    assert all(validator("deadletter").is_valid(r) for r in letters)
    port = worker.env["EVENTWIRE_WEB_PORT"]
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    assert 'eventwire_articles_total{outcome="dlq:processing_error"} 2' in metrics
    assert 'eventwire_consolidated_total{outcome="invalid"} 2' in metrics


def test_clusters_survive_sigkill_and_restart(stack: Stack):
    worker = stack.worker()
    worker.start()
    stack.publish(
        [event("e-first", "a-first", "reuters", "2024-03-05T09:00:00Z", "2024-03-04")],
        topic=stack.topics.consolidate_input,
    )
    (before,) = current(stack).values()
    worker.kill()
    worker.start()
    stack.publish(
        [
            event(
                "e-later",
                "a-later",
                "bbc",
                "2024-03-05T15:00:00Z",
                "2024-03-04",
                subtype="bombing",
                city=("Baghdad", 33.30, 44.38),
            )
        ],
        topic=stack.topics.consolidate_input,
    )
    time.sleep(2)
    latest = current(stack)
    assert set(latest) == {before["cluster_id"].encode()}
    after = latest[before["cluster_id"].encode()]
    assert after["event_ids"] == ["e-first", "e-later"]
    assert (after["version"], after["num_sources"], after["subtype"]) == (2, 2, "car_bombing")


def articles(path: Path) -> list[dict]:
    """The articles of an evaluation file, as input records, in time order."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(
        ({k: r[k] for k in ("id", "source", "url", "published_at", "body")} for r in records),
        key=lambda a: (a["published_at"], a["id"]),
    )


def test_a_backfill_newest_first_gives_the_clusters_of_time_order(stack: Stack, broker: str, tmp_path: Path):
    feed = articles(REPO / "eval" / "consolidation-heldout.jsonl")  # 27 reports over 28 days
    (tmp_path / "in-order").mkdir()
    in_order = Stack(broker, tmp_path / "in-order")
    try:
        for s, batch in ((in_order, feed), (stack, feed[::-1])):
            s.worker().start()
            s.publish([orjson.dumps(a) for a in batch], partition=0)
        event_ids = {r["event_id"] for _, r in stack.read(stack.topics.events, 27, settle=5.0)[stack.topics.events]}
        newest_first, time_ordered = current(stack, event_ids), current(in_order, event_ids)
        # the same clusters with the same ids, and every event in one of them (none is late)
        assert {k: sorted(r["event_ids"]) for k, r in newest_first.items()} == {
            k: sorted(r["event_ids"]) for k, r in time_ordered.items()
        }
        assert sorted(e for r in newest_first.values() for e in r["event_ids"]) == sorted(event_ids)
        # Newest first, reports published earlier came later and took over clusters: each id
        # they retired got a record naming the cluster it merged into, then a tombstone.
        records = consolidated(stack)
        retired = [(p, key, r["merged_into"]) for p, key, r in records if r and "merged_into" in r]
        assert retired
        for partition, key, survivor in retired:
            after = [(k, r) for p, k, r in records if p == partition]
            at = after.index((key, next(r for k, r in after if k == key and r and "merged_into" in r)))
            assert after[at + 1] == (key, None)
            assert any(k == survivor.encode() and r and "event_ids" in r for _, k, r in records)
    finally:
        in_order.close()


def test_events_beyond_the_horizon_are_counted_late_and_stay_on_events(stack: Stack):
    worker = stack.worker(EVENTWIRE_CONSOLIDATION_LATENESS="10")
    worker.start()
    stack.publish(
        [event("e-new", "a-new", "reuters", "2024-03-25T09:00:00Z", "2024-03-24")], topic=stack.topics.consolidate_input
    )
    current(stack)
    stack.publish(
        [
            event("e-old", "a-old", "afp", "2024-03-25T10:00:00Z", "2024-03-04"),
            event("e-within", "a-within", "ap", "2024-03-16T10:00:00Z", "2024-03-15"),
        ],
        topic=stack.topics.consolidate_input,
    )
    latest = current(stack, {"e-new", "e-within"})
    assert sorted(e for r in latest.values() for e in r["event_ids"]) == ["e-new", "e-within"]
    port = worker.env["EVENTWIRE_WEB_PORT"]
    metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    assert 'eventwire_consolidated_total{outcome="late"} 1' in metrics


def test_the_live_view_stops_counting_a_report_that_left_the_cluster(stack: Stack, browser_page):  # type: ignore[no-untyped-def]
    """A late report takes a member away from a cluster: its marker goes back to one report."""
    from datetime import datetime, timedelta

    from playwright.sync_api import expect

    from tests.integration.test_live_view import WAIT_MS, make_event

    def report(place: tuple[str, str, float, float], hours_ago: float, precision: str = "city") -> dict:
        e = make_event(
            "attack",
            "car_bombing",
            place,
            "exploded",
            f"A car bomb exploded in {place[0]} today.",
            f"wire-{place[0].split()[0].lower()}",
        )
        e["published_at"] = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
        e["location"].update(admin1="Baghdad", precision=precision)
        return e

    baghdad, governorate = (
        report(("Baghdad", "IQ", 33.34, 44.40), 1),
        report(("Baghdad governorate", "IQ", 33.2, 44.29), 3, "admin1"),
    )
    tarmiyah = report(("Tarmiyah", "IQ", 33.67, 44.39), 4)  # 37 km away, in the same governorate
    worker = stack.worker().start()
    page = browser_page
    page.goto(f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}/live")
    marker = page.locator(f'#map circle.marker[data-event-id="{baghdad["event_id"]}"]')
    for topic in (stack.topics.events, stack.topics.consolidate_input):  # where the extract agent sends them
        stack.publish([orjson.dumps(baghdad), orjson.dumps(governorate)], topic=topic)
    expect(marker).to_have_attribute("data-reports", "2", timeout=WAIT_MS)
    # the governorate report now fits Baghdad and Tarmiyah alike: it leaves, Baghdad is alone
    for topic in (stack.topics.events, stack.topics.consolidate_input):
        stack.publish([orjson.dumps(tarmiyah)], topic=topic)
    expect(marker).to_have_attribute("data-reports", "1", timeout=WAIT_MS)
