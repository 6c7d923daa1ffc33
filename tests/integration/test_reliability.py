"""The worker's delivery guarantee on the real broker: SIGKILL, SIGTERM, a broker outage, a poison pill.

Each test streams generated articles through real worker processes, disturbs them
mid-stream and then checks that every article is accounted for exactly once across
`articles.unique`, `articles.duplicates` and `articles.dlq` (by article id), and that the
events are exactly those the offline `Extractor` finds in the same articles.
"""

from __future__ import annotations

import base64
import signal
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from kafka.partitioner.default import murmur2

from tests.integration.conftest import Stack, Worker, generated_articles, own_broker
from workers.dedup.index import dedup_articles
from workers.extract.pipeline import Extractor
from workers.records import Article
from workers.settings import Settings

pytestmark = pytest.mark.integration

N = 200
ARTICLES = generated_articles(N, seed=11, prefix="rel")
RAW = [orjson.dumps(a) for a in ARTICLES]
IDS = {a["id"] for a in ARTICLES}
OUTAGE_SECONDS = 30


def event_ids(articles: list[dict]) -> set[str]:
    """The ids of the events the offline pipeline finds in `articles`."""
    return {e.event_id for ann in Extractor().annotate_many(Article(**a) for a in articles) for e in ann.events}


@pytest.fixture(scope="module")
def offline_event_ids() -> set[str]:
    """The event ids of an uninterrupted run: the offline pipeline on the same articles."""
    ids = event_ids(ARTICLES)
    assert len(ids) > N, "the generated articles must hold several events each"
    verdicts = {v.kind for _, v in dedup_articles(Article(**a) for a in ARTICLES)}
    assert verdicts == {"unique"}, "the generated articles must not be near-duplicates of each other"
    return ids


@dataclass
class Outcome:
    """What the worker published for a stream, as a consumer reading committed records sees it."""

    unique: Counter[str]
    duplicates: Counter[str]
    dlq: Counter[str | None]
    events: Counter[str]
    routed: Counter[str]  # events as the consolidation agent's input topic holds them
    letters: list[dict]

    @classmethod
    def read(cls, stack: Stack, ids: set[str], event_ids: set[str], timeout: float = 120.0,
             settle: float = 3.0) -> "Outcome":
        t = stack.topics

        def build(out: dict[str, list[tuple[bytes | None, dict]]]) -> Outcome:
            return cls(Counter(r["id"] for _, r in out[t.unique]),
                       Counter(r["article_id"] for _, r in out[t.duplicates]),
                       Counter(letter_article_id(r) for _, r in out[t.dlq]),
                       Counter(r["event_id"] for _, r in out[t.events]),
                       Counter(r["event_id"] for _, r in out[t.consolidate_input]),
                       [r for _, r in out[t.dlq]])

        def done(out: dict[str, list[tuple[bytes | None, dict]]]) -> bool:
            outcome = build(out)
            return outcome.article_ids >= ids and outcome.events.keys() >= event_ids \
                and outcome.routed.keys() >= event_ids

        return build(stack.read_until([t.unique, t.duplicates, t.dlq, t.events, t.consolidate_input], done,
                                      timeout, settle))

    @property
    def article_ids(self) -> set[str | None]:
        return set(self.unique) | set(self.duplicates) | set(self.dlq)

    @property
    def redelivered(self) -> int:
        """Records a consumer upserting by key overwrites with the same result."""
        return sum(n - 1 for c in (self.unique, self.duplicates, self.dlq, self.events) for n in c.values())

    def assert_each_accounted_once(self, ids: set[str], event_ids: set[str]) -> None:
        assert self.article_ids == ids, f"missing {sorted(ids - self.article_ids)[:5]}, " \
                                        f"unexpected {sorted(map(str, self.article_ids - ids))[:5]}"
        assert not set(self.unique) & set(self.duplicates)
        assert not set(self.dlq) & (set(self.unique) | set(self.duplicates))
        assert set(self.events) == event_ids, (f"{len(event_ids - set(self.events))} events missing, "
                                               f"{len(set(self.events) - event_ids)} unexpected")
        assert set(self.routed) == event_ids, f"{len(event_ids - set(self.routed))} events never reached consolidation"


def letter_article_id(letter: dict) -> str | None:
    """The article id inside a dead letter's payload, if it is a JSON object with one."""
    try:
        return orjson.loads(base64.b64decode(letter["payload_b64"])).get("id")
    except (orjson.JSONDecodeError, AttributeError):
        return None


def start_mid_stream(stack: Stack, articles: list[bytes] = RAW) -> Worker:
    """A worker with `articles` flowing through it: returns once 100 events are committed."""
    worker = stack.worker().start()
    stack.publish(articles)
    t = stack.topics
    assert len(stack.read(t.events, 100, timeout=90)[t.events]) >= 100
    return worker


def committed_events(stack: Stack) -> int:
    t = stack.topics
    return len(stack.read(t.events, 10**6, timeout=3)[t.events])


# A stop mid-stream used to lose articles after the restart (faust's commit could pass
# records fetched before a seek and never processed); `workers.stream.consumer.SafeConsumer`
# is the fix, and these two cases are its end-to-end check.
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_worker_stopped_mid_stream_loses_nothing_after_restart(stack: Stack, offline_event_ids: set[str],
                                                               sig: int):
    worker = start_mid_stream(stack)
    if sig == signal.SIGKILL:
        worker.kill()
    else:
        assert worker.stop() == 0, "SIGTERM must end the worker cleanly"
    at_stop = committed_events(stack)
    assert at_stop < len(offline_event_ids), "the worker must stop mid-stream for this test to mean anything"

    worker.start()
    # generous: the restarted worker first waits out the killed member's session, and a loaded
    # machine extracts slowly; the read returns as soon as everything has arrived
    outcome = Outcome.read(stack, IDS, offline_event_ids, timeout=300)
    outcome.assert_each_accounted_once(IDS, offline_event_ids)
    assert not outcome.duplicates and not outcome.dlq
    print(f"{signal.Signals(sig).name}: {at_stop} of {len(offline_event_ids)} events committed at the stop, "
          f"{outcome.redelivered} records delivered again after the restart")


def test_worker_rides_out_a_broker_outage(tmp_path: Path, offline_event_ids: set[str]):
    with own_broker(tmp_path / "broker") as local:
        stack = Stack(local.bootstrap, tmp_path)
        try:
            worker = start_mid_stream(stack)
            local.stop()
            time.sleep(OUTAGE_SECONDS)
            assert worker.proc is not None and worker.proc.poll() is None, "the worker must outlive the outage"
            local.start(reuse_data=True)
            outcome = Outcome.read(stack, IDS, offline_event_ids, timeout=180)
            assert worker.proc.poll() is None, "the worker reconnects by itself, no restart"
            outcome.assert_each_accounted_once(IDS, offline_event_ids)
            print(f"broker outage of {OUTAGE_SECONDS}s: {outcome.redelivered} records delivered again")
        finally:
            stack.close()


def test_poison_pill_goes_to_the_dlq_and_its_partition_keeps_flowing(stack: Stack):
    """A real input the NLP stage rejects: one sentence longer than spaCy's `nlp.max_length`.

    It passes ingest (English, under the 1 MiB limit) and dedup, then makes spaCy raise
    ValueError E088 in the extract agent; the articles behind it on its partition of
    `articles.unique` must still be extracted.
    """
    clause = "the army said the attack on the town killed many people and "
    body = "Rebels attacked the town " + clause * (1_010_000 // len(clause))
    pill = {"id": "poison-pill", "body": body, "published_at": "2026-10-02T08:00:00Z"}
    raw_pill = orjson.dumps(pill)
    assert len(raw_pill) < Settings().max_article_bytes
    followers = generated_articles(40, seed=5, prefix="behind-pill")
    partitions = stack.settings.partitions
    same_partition = [a for a in followers if partition_of(a["id"], partitions) == partition_of(pill["id"], partitions)]
    assert same_partition, "some articles must follow the pill on its partition"
    expected = event_ids(followers)

    stack.worker().start()
    stack.publish([raw_pill] + [orjson.dumps(a) for a in followers])
    ids = {pill["id"]} | {a["id"] for a in followers}
    outcome = Outcome.read(stack, ids, expected, timeout=120)
    (letter,) = outcome.letters
    assert (letter["error"], letter["stage"]) == ("processing_error", "extract")
    assert "E088" in letter["message"]
    assert letter_article_id(letter) == pill["id"]
    assert set(outcome.events) == expected
    assert set(outcome.unique) == ids  # the pill passed dedup; its dead letter comes from extract


def partition_of(key: str, partitions: int) -> int:
    """The partition the default (murmur2) partitioner of Kafka clients gives `key`."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions
