"""Replay, subscribe and the HTTP endpoints, on the real broker with real worker processes."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from tests.integration.conftest import REPO, Stack, generated_articles, load_jsonl, replay_interrupted_and_resumed
from workers.extract.pipeline import Extractor
from workers.records import Article

pytestmark = pytest.mark.integration

ARTICLES = [
    raw
    for raw in load_jsonl(REPO / "samples" / "articles.jsonl")
    if not any(f'"s{n}-'.encode() in raw for n in (14, 15, 16))
]  # no copies: one batch each


def events_of(raws: list[bytes]) -> set[str]:
    extractor = Extractor()
    return {e.event_id for raw in raws for e in extractor.extract(Article(**orjson.loads(raw)))}


def wait_for_events(stack: Stack, topic: str, count: int, timeout: float = 120) -> list[dict]:
    return [r for _, r in stack.read(topic, count, timeout=timeout, settle=2.0)[topic]]


def test_replay_of_a_window_yields_its_events_with_live_ids_and_leaves_live_topics_alone(stack: Stack):
    before, window, after = ARTICLES[:4], ARTICLES[4:9], ARTICLES[9:]
    expected = {name: events_of(part) for name, part in (("before", before), ("window", window), ("after", after))}
    stack.worker().start()
    live = stack.topics.events
    stack.publish(before)
    wait_for_events(stack, live, len(expected["before"]))
    time.sleep(1.0)
    t1 = datetime.now(UTC)
    stack.publish(window)
    wait_for_events(stack, live, len(expected["before"]) + len(expected["window"]))
    time.sleep(1.0)
    t2 = datetime.now(UTC)
    stack.publish(after)
    live_events = wait_for_events(stack, live, sum(map(len, expected.values())))
    assert {r["event_id"] for r in live_events} == set().union(*expected.values())

    done = stack.cli("replay", "--from", t1.isoformat(), "--to", t2.isoformat(), "--output-prefix", "rp.")
    assert done.returncode == 0, done.stderr
    replayed = wait_for_events(stack, f"rp.{stack.prefix}events", len(expected["window"]))
    assert sorted(r["event_id"] for r in replayed) == sorted(expected["window"])
    assert len(wait_for_events(stack, live, len(live_events) + 1, timeout=3)) == len(live_events)


def test_interrupted_replay_resumes_without_gaps_or_repeats(stack: Stack):
    expected = events_of(ARTICLES)
    stack.publish(ARTICLES)
    # stop it after three records are done and committed, then run it again
    second = replay_interrupted_and_resumed(stack, "replay 3/", stop_timeout=60, resume_timeout=180)
    assert f"{len(ARTICLES)}/{len(ARTICLES)} records" in second.stderr
    replayed = [r["event_id"] for r in wait_for_events(stack, f"ri.{stack.prefix}events", len(expected))]
    assert sorted(replayed) == sorted(expected)  # every event once: no gap, no repeat


def synthetic_event(event_id: str, type_: str, subtype: str, country: str, lat: float, lon: float) -> bytes:
    return orjson.dumps(
        {
            "event_id": event_id,
            "type": type_,
            "subtype": subtype,
            "location": {"name": "x", "country_code": country, "lat": lat, "lon": lon},
            "date": {"value": "2026-11-20", "precision": "day"},
            "evidence": {"text": f"evidence of {event_id}", "start": 0, "end": 10},
        }
    )


SYNTHETIC = [
    ("damascus-bombing", "attack", "bombing", "SY", 33.51, 36.29),
    ("aleppo-airstrike", "attack", "airstrike", "SY", 36.20, 37.16),
    ("beirut-statement", "statement", "condemnation", "LB", 33.89, 35.50),
    ("kabul-bombing", "attack", "bombing", "AF", 34.53, 69.17),
    ("santiago-protest", "protest", "demonstration", "CL", -33.45, -70.67),
]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--type", "attack"], {"damascus-bombing", "aleppo-airstrike", "kabul-bombing"}),
        (["--type", "attack", "--country", "SY"], {"damascus-bombing", "aleppo-airstrike"}),
        (["--subtype", "bombing"], {"damascus-bombing", "kabul-bombing"}),
        (["--near", "33.7,36.0,100"], {"damascus-bombing", "beirut-statement"}),
        (["--country", "CL", "--format", "jsonl"], {"santiago-protest"}),
    ],
)
def test_subscribe_filters_are_exact(stack: Stack, flags, expected):
    for row in SYNTHETIC:
        value = synthetic_event(*row)
        stack.publish([value], topic=stack.topics.events)
        stack.publish([value], topic=stack.topics.events_of(row[1]))
    out = stack.cli("subscribe", "--since", "beginning", "--format", "jsonl", *flags, timeout=60)
    assert out.returncode == 0, out.stderr
    assert {orjson.loads(line)["event_id"] for line in out.stdout.splitlines()} == expected


def test_subscribe_since_skips_older_events(stack: Stack):
    stack.publish([synthetic_event(*SYNTHETIC[0])], topic=stack.topics.events)
    time.sleep(1.5)
    cut = datetime.now(UTC) - timedelta(milliseconds=500)
    stack.publish([synthetic_event(*SYNTHETIC[1])], topic=stack.topics.events)
    out = stack.cli("subscribe", "--since", cut.isoformat(), "--format", "jsonl", timeout=60)
    assert [orjson.loads(line)["event_id"] for line in out.stdout.splitlines()] == ["aleppo-airstrike"]


def test_http_events_stats_health_and_sse_stream(stack: Stack):
    worker = stack.worker().start()
    base = f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}"
    stack.publish([synthetic_event(*SYNTHETIC[2])], topic=stack.topics.events)

    received: list[bytes] = []
    stream = urllib.request.urlopen(f"{base}/events/stream?type=attack&country=SY", timeout=30)

    def read_stream() -> None:
        for line in stream:
            received.append(line)
            if line.startswith(b"data: "):
                return

    reader = threading.Thread(target=read_stream, daemon=True)
    reader.start()
    time.sleep(1.0)  # the client is connected before the event is published
    stack.publish([synthetic_event(*SYNTHETIC[3])], topic=stack.topics.events)  # Kabul: filtered out
    stack.publish([synthetic_event(*SYNTHETIC[0])], topic=stack.topics.events)
    reader.join(30)
    data = [orjson.loads(line[6:]) for line in received if line.startswith(b"data: ")]
    assert [d["event_id"] for d in data] == ["damascus-bombing"]

    def get(path: str) -> dict:
        return orjson.loads(urllib.request.urlopen(base + path, timeout=10).read())

    listed = get("/events?limit=10")
    assert [e["event_id"] for e in listed["events"]] == ["damascus-bombing", "kabul-bombing", "beirut-statement"]
    assert [e["event_id"] for e in get("/events?type=statement")["events"]] == ["beirut-statement"]
    stats = get("/stats")
    assert stats["last_hour"]["by_type"] == {"attack": 2, "statement": 1}
    assert stats["last_day"]["by_country"] == {"SY": 1, "AF": 1, "LB": 1}
    deadline = time.monotonic() + 30
    while (health := get("/health"))["lag"] != 0 and time.monotonic() < deadline:
        time.sleep(0.5)  # every record done and committed: lag 0
    assert health["status"] == "ok" and health["broker_reachable"] is True and health["lag"] == 0
    t = stack.topics
    assert {p["topic"] for p in health["partitions"]} == {t.articles, t.ingested, t.unique, t.consolidate_input}
    metrics = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
    assert metrics.endswith("\n")


def http_error(url: str) -> tuple[int, dict]:
    try:
        urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, orjson.loads(error.read())
    raise AssertionError(f"{url} answered 200")


def test_http_parameters_that_cannot_be_understood_are_400_and_truncation_is_said(stack: Stack):
    worker = stack.worker().start()
    base = f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}"
    metrics = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
    # every counter, at zero, before the first record
    assert 'eventwire_articles_total{outcome="dlq:invalid_date"} 0' in metrics
    assert 'eventwire_events_total{type="protest"} 0' in metrics
    assert 'eventwire_consolidated_total{outcome="late"} 0' in metrics

    for query, message in [
        ("type=bogus", "type: 'bogus' is not an event type"),
        ("limit=0", "limit: expected a whole number from 1 to 1000"),
        ("limit=-1", "limit: expected"),
        ("limit=1001", "limit: expected"),
        ("limit=ten", "limit: expected"),
        ("country=Syria", "country: expected"),
        ("since=2026-11-20T08:00:00", "no UTC offset"),
    ]:
        code, body = http_error(f"{base}/events?{query}")
        assert code == 400 and message in body["error"], (query, body)
    assert http_error(f"{base}/events/stream?type=bogus")[0] == 400
    refused = stack.cli("subscribe", "--type", "bogus", timeout=60)
    assert refused.returncode == 2 and "type: 'bogus' is not an event type" in refused.stderr

    events = [synthetic_event(f"ev-{i:03d}", "protest", "demonstration", "KE", -1.28, 36.82) for i in range(105)]
    stack.publish(events, topic=stack.topics.events, partition=0)
    deadline = time.monotonic() + 60
    while (listed := orjson.loads(urllib.request.urlopen(f"{base}/events?limit=1000", timeout=10).read()))[
        "count"
    ] < 105 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert (listed["count"], listed["truncated"]) == (105, False)
    default = orjson.loads(urllib.request.urlopen(f"{base}/events", timeout=10).read())
    assert (default["count"], default["limit"], default["truncated"]) == (100, 100, True)
    assert [e["event_id"] for e in default["events"]] == [f"ev-{i:03d}" for i in range(104, 4, -1)]
    exact = orjson.loads(urllib.request.urlopen(f"{base}/events?limit=105", timeout=10).read())
    assert (exact["count"], exact["truncated"]) == (105, False)


def test_group_reset_refuses_while_the_worker_runs(stack: Stack):
    worker = stack.worker().start()
    stack.publish(ARTICLES[:2])
    stack.read(stack.topics.unique, 2)
    refused = stack.cli("replay", "--reset-group", "--to-datetime", "beginning", timeout=60)
    assert refused.returncode == 2 and "active member" in refused.stderr
    worker.stop()
    deadline = time.monotonic() + 30
    while True:  # the group empties once the worker has left it
        done = stack.cli("replay", "--reset-group", "--to-datetime", "beginning", timeout=60)
        if done.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert done.returncode == 0, done.stderr
    assert "p0@0" in done.stdout


def test_health_is_503_starting_until_the_worker_is_ready_then_shows_the_lag_it_has(stack: Stack):
    """After a SIGKILL the restarted worker serves HTTP while it waits for its partitions: /health
    must say `starting` (503, lag unknown) then, once ready, the lag of what came in meanwhile."""
    worker = stack.worker().start()
    base = f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}"
    worker.kill()
    # work for the restarted worker (several seconds of extraction): its group has lag
    stack.publish([orjson.dumps(a) for a in generated_articles(100, seed=21, prefix="health")])

    answers: list[tuple[int, dict]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(base + "/health", timeout=10) as response:
                    answers.append((response.status, orjson.loads(response.read())))
            except urllib.error.HTTPError as error:
                answers.append((error.code, orjson.loads(error.read())))
            except (urllib.error.URLError, ConnectionError):
                pass  # not listening yet
            time.sleep(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    worker.start()
    deadline = time.monotonic() + 120
    while not any(code == 200 and body["lag"] is not None for code, body in answers) and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    poller.join(15)

    # the restarted worker serves HTTP some seconds before its partitions are assigned
    assert answers and answers[0][0] == 503, f"an answer before the worker was ready: {answers[:1]}"
    first_ok = next(i for i, (code, _) in enumerate(answers) if code == 200)
    for code, body in answers[:first_ok]:
        assert (code, body["status"], body["lag"]) == (503, "starting", None), body
    ok = next(body for code, body in answers if code == 200 and body["lag"] is not None)
    t = stack.topics
    assert {p["topic"] for p in ok["partitions"]} == {t.articles, t.ingested, t.unique, t.consolidate_input}
    assert ok["lag"] > 0, "the articles published while the worker was down were still to do"
