"""Consolidation through the real broker: reports of one event on different partitions meet in
one cluster on `events.consolidated`; the cluster index survives SIGKILL and restart."""

from __future__ import annotations

import orjson
import pytest

from tests.integration.conftest import Stack

pytestmark = pytest.mark.integration


def event(event_id: str, article_id: str, source: str, published_at: str, day: str, *,
          subtype: str = "car_bombing", city: tuple[str, float, float] = ("Baghdad", 33.34, 44.40)) -> bytes:
    name, lat, lon = city
    return orjson.dumps({
        "event_id": event_id, "article_id": article_id, "source": source,
        "url": f"https://{source}.example/{article_id}", "published_at": published_at,
        "type": "attack", "subtype": subtype,
        "codes": {"cameo": "1832", "plover": "ASSAULT", "plover_mode": "explosives"},
        "trigger": {"text": "car bomb", "start": 0, "end": 8},
        "evidence": {"text": "A car bomb exploded.", "start": 0, "end": 20},
        "actors": [],
        "location": {"text": name, "name": name, "country_code": "IQ", "admin1": "Baghdad", "lat": lat,
                     "lon": lon, "geonames_id": None, "precision": "city"},
        "date": {"value": day, "precision": "day", "text": None, "source": "text"},
        "confidence": 0.9, "pipeline_version": "0.1.0", "extracted_at": "2024-03-05T10:00:00Z",
    })


def current(stack: Stack, count: int) -> dict[bytes, dict]:
    """The latest record per key on events.consolidated, after at least `count` records."""
    topic = stack.topics.consolidated
    latest: dict[bytes, dict] = {}
    for key, record in stack.read(topic, count, settle=3.0)[topic]:
        assert key is not None and key.decode() == record["cluster_id"]
        if key not in latest or record["version"] > latest[key]["version"]:
            latest[key] = record
    return latest


def test_reports_on_different_partitions_join_one_cluster(stack: Stack):
    stack.worker().start()
    stack.publish([event("e-reuters", "a-reuters", "reuters", "2024-03-05T09:00:00Z", "2024-03-04")],
                  topic=stack.topics.events, partition=0)
    stack.publish([event("e-afp", "a-afp", "afp", "2024-03-05T11:00:00Z", "2024-03-04")],
                  topic=stack.topics.events, partition=3)
    # The next day's bombing in the same city is another event.
    stack.publish([event("e-next-day", "a-ap", "ap", "2024-03-06T08:00:00Z", "2024-03-05")],
                  topic=stack.topics.events, partition=1)
    clusters = sorted(current(stack, 3).values(), key=lambda r: r["num_events"])
    assert [sorted(r["event_ids"]) for r in clusters] == [["e-next-day"], ["e-afp", "e-reuters"]]
    joined = clusters[1]
    assert (joined["version"], joined["num_articles"], joined["num_sources"]) == (2, 2, 2)
    assert joined["sources"] == ["afp", "reuters"]
    assert joined["date"]["value"] == "2024-03-04"


def test_clusters_survive_sigkill_and_restart(stack: Stack):
    worker = stack.worker()
    worker.start()
    stack.publish([event("e-first", "a-first", "reuters", "2024-03-05T09:00:00Z", "2024-03-04")],
                  topic=stack.topics.events, partition=2)
    (before,) = current(stack, 1).values()
    worker.kill()
    worker.start()
    stack.publish([event("e-later", "a-later", "bbc", "2024-03-05T15:00:00Z", "2024-03-04",
                         subtype="bombing", city=("Baghdad", 33.30, 44.38))],
                  topic=stack.topics.events, partition=0)
    latest = current(stack, 2)
    assert set(latest) == {before["cluster_id"].encode()}
    after = latest[before["cluster_id"].encode()]
    assert after["event_ids"] == ["e-first", "e-later"]
    assert (after["version"], after["num_sources"], after["subtype"]) == (2, 2, "car_bombing")
