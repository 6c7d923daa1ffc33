"""Replay in the live order, on the real broker: copies that straddle partitions keep the original
the live run kept (the same event ids), also across an interrupted and resumed replay; a finished
plan says so instead of replaying nothing; a replay under a prefix writes its clusters too, and
a replay onto the live topics leaves the live clusters as they were; two replays over the same
window in parts (--part 1/2, 2/2) give exactly the events and clusters of one."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime

import orjson
import pytest

from tests.integration.conftest import Stack, generated_articles, replay_interrupted_and_resumed
from tests.integration.test_consolidate_stream import current
from workers.clients import producer
from workers.publish.topics import Topics

pytestmark = pytest.mark.integration

ORIGINALS = 6


def originals_and_copies() -> list[tuple[dict, int]]:
    """(article, partition): originals on partition 1, then a copy of each on partition 0,
    published later; a replay reading partition 0 first would keep the copies."""
    originals = generated_articles(ORIGINALS, seed=17, prefix="orig")
    copies = [{**a, "id": a["id"].replace("orig", "copy"), "url": a["url"] + "?copy"} for a in originals]
    return [(a, 1) for a in originals] + [(a, 0) for a in copies]


def publish(stack: Stack, records: list[tuple[dict, int]], start_ms: int) -> None:
    """Each record one second after the one before, on its partition."""
    prod = producer(stack.settings)
    for i, (article, partition) in enumerate(records):
        prod.send(
            stack.topics.articles, value=orjson.dumps(article), partition=partition, timestamp_ms=start_ms + 1000 * i
        )
    prod.flush()
    prod.close()


def events(stack: Stack, topic: str, at_least: int) -> list[dict]:
    return [r for _, r in stack.read(topic, at_least, timeout=120, settle=3.0)[topic]]


def event_ids(stack: Stack, topic: str, at_least: int) -> list[str]:
    return [r["event_id"] for r in events(stack, topic, at_least)]


def replay(stack: Stack, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return stack.cli("replay", "--from", "beginning", *args, timeout=timeout)


def test_a_replay_keeps_the_copies_the_live_run_kept_and_writes_the_clusters(stack: Stack):
    records = originals_and_copies()
    stack.worker().start()
    start = int(time.time() * 1000) - 600_000
    publish(stack, records[:ORIGINALS], start)
    stack.read(stack.topics.unique, ORIGINALS, timeout=120)
    publish(stack, records[ORIGINALS:], start + 1000 * ORIGINALS)
    duplicates = stack.read(stack.topics.duplicates, ORIGINALS, timeout=120)[stack.topics.duplicates]
    assert sorted(d["article_id"] for _, d in duplicates) == sorted(a["id"] for a, p in records if p == 0)
    live = sorted(set(event_ids(stack, stack.topics.events, ORIGINALS)))

    done = replay(stack, "--output-prefix", "rp.")
    assert done.returncode == 0, done.stderr
    out = Topics(f"rp.{stack.prefix}")
    assert sorted(set(event_ids(stack, out.events, len(live)))) == live
    # rp.events.consolidated holds the window's clusters: those of the live run, with their ids
    assert {k: sorted(r["event_ids"]) for k, r in current(stack, set(live), out.consolidated).items()} == {
        k: sorted(r["event_ids"]) for k, r in current(stack, set(live)).items()
    }


def test_an_interrupted_replay_resumes_with_what_it_had_seen(stack: Stack):
    records = originals_and_copies()
    publish(stack, records, int(time.time() * 1000) - 600_000)
    # stop it once the originals are done and committed, then run it again
    replay_interrupted_and_resumed(stack, f"replay {ORIGINALS}/", stop_timeout=120, resume_timeout=300)
    out = Topics(f"ri.{stack.prefix}")
    replayed = events(stack, out.events, 1)
    # every event once, all of them from the originals: the copies are duplicates after the resume too
    assert len(replayed) == len({e["event_id"] for e in replayed})
    assert {e["article_id"] for e in replayed} == {a["id"] for a, p in records if p == 1}


def test_a_finished_plan_says_so_and_new_replays_the_window_again(stack: Stack):
    records = originals_and_copies()[:ORIGINALS]
    publish(stack, records[:4], int(time.time() * 1000) - 600_000)
    first = replay(stack, "--output-prefix", "rn.")
    assert first.returncode == 0 and "4/4 records" in first.stderr, first.stderr
    publish(stack, records[4:], int(time.time() * 1000) - 300_000)
    again = replay(stack, "--output-prefix", "rn.")
    assert again.returncode == 0, again.stderr
    assert "already complete" in again.stderr and "--new" in again.stderr and "4/4 records" in again.stderr
    fresh = replay(stack, "--output-prefix", "rn.", "--new")
    assert fresh.returncode == 0 and "6/6 records" in fresh.stderr, fresh.stderr


def test_a_replay_onto_the_live_topics_leaves_the_live_clusters_as_they_were(stack: Stack):
    records = originals_and_copies()[:ORIGINALS]
    stack.worker().start()
    publish(stack, records, int(time.time() * 1000) - 600_000)
    live = set(event_ids(stack, stack.topics.events, ORIGINALS))
    before = current(stack, live)
    done = replay(stack)
    assert done.returncode == 0, done.stderr
    again = event_ids(stack, stack.topics.events, 2 * len(live))
    assert len(again) == 2 * len(live) and set(again) == live  # each event once more, no new id
    time.sleep(5)  # the worker has read the replayed events: they change nothing
    after = current(stack, live)
    assert {k: (r["event_ids"], r["version"]) for k, r in after.items()} == {
        k: (r["event_ids"], r["version"]) for k, r in before.items()
    }


def test_two_replays_in_parts_give_exactly_the_events_and_clusters_of_one(stack: Stack):
    """Originals on partition 1, their later copies on partition 0: part 1 of 2 replays partition
    0, so it must know the originals that part 2 replays to call the copies duplicates."""
    records = originals_and_copies()
    publish(stack, records, int(time.time() * 1000) - 600_000)
    until = datetime.now(UTC).isoformat()
    one = replay(stack, "--to", until, "--output-prefix", "r1.")
    assert one.returncode == 0, one.stderr
    args = ["replay", "--from", "beginning", "--to", until, "--output-prefix", "r2."]
    parts = [stack.popen(*args, "--part", f"{k}/2") for k in (1, 2)]
    errors = [p.communicate(timeout=300)[1] for p in parts]
    assert [p.returncode for p in parts] == [0, 0], errors
    for err in errors:  # each progress line counts the whole window: 12 records
        assert f"/{len(records)} records" in err, err
    assert f"replay {len(records)}/{len(records)} records" in errors[0]  # part 1 waits for the window
    single, split = Topics(f"r1.{stack.prefix}"), Topics(f"r2.{stack.prefix}")
    expected = events(stack, single.events, 1)
    assert {e["article_id"] for e in expected} == {a["id"] for a, p in records if p == 1}
    got = events(stack, split.events, len(expected))
    assert sorted(e["event_id"] for e in got) == sorted(e["event_id"] for e in expected)
    ids = {e["event_id"] for e in expected}
    assert {k: sorted(r["event_ids"]) for k, r in current(stack, ids, split.consolidated).items()} == {
        k: sorted(r["event_ids"]) for k, r in current(stack, ids, single.consolidated).items()
    }
