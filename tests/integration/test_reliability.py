"""The worker's delivery guarantee on the real broker: SIGKILL, SIGTERM, a broker outage, a poison pill.

Each test streams generated articles through real worker processes, disturbs them
mid-stream and then checks that every article is accounted for exactly once across
`articles.unique`, `articles.duplicates` and `articles.dlq` (by article id), and that the
events are exactly those the offline `Extractor` finds in the same articles.
"""

from __future__ import annotations

import base64
import re
import signal
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.partitioner.default import murmur2

from tests.integration.conftest import Stack, Worker, current_clusters, generated_articles, own_broker
from workers.clients import client_kwargs
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
    return set(article_of_event(articles))


def article_of_event(articles: list[dict]) -> dict[str, str]:
    """Event id -> article id, for the events the offline pipeline finds in `articles`."""
    annotated = Extractor().annotate_many(Article(**a) for a in articles)
    return {e.event_id: a["id"] for a, ann in zip(articles, annotated) for e in ann.events}


@pytest.fixture(scope="module")
def offline_event_ids() -> set[str]:
    """The event ids of an uninterrupted run: the offline pipeline on the same articles."""
    ids = event_ids(ARTICLES)
    assert len(ids) > N, "the generated articles must hold several events each"
    verdicts = {v.kind for _, v in dedup_articles(Article(**a) for a in ARTICLES)}
    assert verdicts == {"unique"}, "the generated articles must not be near-duplicates of each other"
    return ids


# Fields that say when a record was made: a record made again after a restart differs in them only.
MADE_AT = ("extracted_at", "detected_at", "updated_at")


def stable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in MADE_AT}


@dataclass
class Outcome:
    """What the worker published for a stream, as a consumer reading committed records sees it."""

    unique: Counter[str]
    duplicates: Counter[str]
    dlq: Counter[str | None]
    events: Counter[str]
    routed: Counter[str]  # events as the consolidation agent's input topic holds them
    letters: list[dict]
    records: dict[str, dict[str, list[dict]]]  # topic -> record id -> every record of that id
    clusters: list[tuple[bytes | None, dict | None]]  # every (key, record) on events.consolidated

    @classmethod
    def read(
        cls, stack: Stack, ids: set[str], event_ids: set[str], timeout: float = 120.0, settle: float = 3.0
    ) -> Outcome:
        t = stack.topics
        id_of = {
            t.unique: lambda r: r["id"],
            t.duplicates: lambda r: r["article_id"],
            t.dlq: letter_article_id,
            t.events: lambda r: r["event_id"],
            t.consolidate_input: lambda r: r["event_id"],
            t.consolidated: lambda r: f"{r['cluster_id']} v{r['version']}",
        }

        def build(out: dict[str, list[tuple[bytes | None, dict]]]) -> Outcome:
            records: dict[str, dict[str, list[dict]]] = {topic: {} for topic in id_of}
            for topic, of in id_of.items():
                for _, record in out[topic]:
                    if record is not None:  # a tombstone of a retired cluster id
                        records[topic].setdefault(of(record), []).append(record)
            return cls(
                *(
                    Counter({i: len(rs) for i, rs in records[topic].items()})
                    for topic in (t.unique, t.duplicates, t.dlq, t.events, t.consolidate_input)
                ),
                [r for _, r in out[t.dlq]],
                records,
                out[t.consolidated],
            )

        def done(out: dict[str, list[tuple[bytes | None, dict]]]) -> bool:
            outcome = build(out)
            return (
                outcome.article_ids >= ids
                and outcome.events.keys() >= event_ids
                and outcome.routed.keys() >= event_ids
                and outcome.clustered >= event_ids
            )

        return build(stack.read_until(list(id_of), done, timeout, settle))

    @property
    def article_ids(self) -> set[str | None]:
        return set(self.unique) | set(self.duplicates) | set(self.dlq)

    @property
    def clustered(self) -> set[str]:
        """The events in the current version of some cluster."""
        return {e for cluster in current_clusters(self.clusters).values() for e in cluster["event_ids"]}

    @property
    def redelivered(self) -> int:
        """Records a consumer upserting by key overwrites with the same result."""
        return sum(n - 1 for c in (self.unique, self.duplicates, self.dlq, self.events) for n in c.values())

    def assert_each_accounted_once(self, ids: set[str], event_ids: set[str]) -> None:
        assert self.article_ids == ids, (
            f"missing {sorted(ids - self.article_ids)[:5]}, unexpected {sorted(map(str, self.article_ids - ids))[:5]}"
        )
        assert not set(self.unique) & set(self.duplicates)
        assert not set(self.dlq) & (set(self.unique) | set(self.duplicates))
        assert set(self.events) == event_ids, (
            f"{len(event_ids - set(self.events))} events missing, {len(set(self.events) - event_ids)} unexpected"
        )
        assert set(self.routed) == event_ids, f"{len(event_ids - set(self.routed))} events never reached consolidation"
        # a record delivered again must be the same record, not another result under the same id
        for topic, by_id in self.records.items():
            for record_id, copies in by_id.items():
                assert all(stable(c) == stable(copies[0]) for c in copies[1:]), (
                    f"{topic}: {len(copies)} different records for {record_id}"
                )
        latest = current_clusters(self.clusters).values()
        members = [e for cluster in latest for e in cluster["event_ids"]]
        assert set(members) == event_ids, f"{len(event_ids - set(members))} events in no cluster"
        assert len(members) == len(set(members)), "an event in two clusters, or twice in one"
        assert all(c["num_events"] == len(c["event_ids"]) for c in latest)


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


def committed_now(stack: Stack) -> tuple[int, int, int]:
    """Events on `events`, on the consolidation input and in some cluster, as committed now."""
    t = stack.topics
    out = stack.read([t.events, t.consolidate_input, t.consolidated], 10**6, timeout=3)
    clustered = {e for c in current_clusters(out[t.consolidated]).values() for e in c["event_ids"]}
    return (
        len({r["event_id"] for _, r in out[t.events]}),
        len({r["event_id"] for _, r in out[t.consolidate_input]}),
        len(clustered),
    )


# A stop mid-stream used to lose articles after the restart (faust's commit could pass
# records fetched before a seek and never processed); `workers.stream.consumer.SafeConsumer`
# is the fix, and these two cases are its end-to-end check.
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_worker_stopped_mid_stream_loses_nothing_after_restart(stack: Stack, offline_event_ids: set[str], sig: int):
    worker = start_mid_stream(stack)
    if sig == signal.SIGKILL:
        worker.kill()
    else:
        assert worker.stop() == 0, "SIGTERM must end the worker cleanly"
    at_stop = committed_now(stack)
    offsets_at_stop = group_offsets(stack)
    assert max(at_stop) < len(offline_event_ids), (
        "the worker must stop mid-stream, with extraction and consolidation work left, for this test to mean anything"
    )

    worker.start()
    # generous: the restarted worker first waits out the killed member's session, and a loaded
    # machine extracts slowly; the read returns as soon as everything has arrived
    outcome = Outcome.read(stack, IDS, offline_event_ids, timeout=300)
    try:
        outcome.assert_each_accounted_once(IDS, offline_event_ids)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{whereabouts(stack, outcome, worker, offsets_at_stop)}") from None
    assert not outcome.duplicates and not outcome.dlq
    print(
        f"{signal.Signals(sig).name}: of {len(offline_event_ids)} events, {at_stop[0]} extracted, {at_stop[1]} "
        f"routed and {at_stop[2]} clustered at the stop; {outcome.redelivered} records delivered again after "
        f"the restart"
    )


def group_offsets(stack: Stack) -> dict[TopicPartition, int]:
    """The worker group's committed offsets now."""
    admin = KafkaAdminClient(**client_kwargs(stack.settings))
    group = admin.list_group_offsets(stack.settings.app_id)[stack.settings.app_id]
    admin.close()
    return {tp: meta.offset for tp, meta in group.items()}


def whereabouts(stack: Stack, outcome: Outcome, worker: Worker, at_stop: dict[TopicPartition, int]) -> str:
    """Where the articles whose events are missing stand: their partition and offset on
    `articles.unique` against the group's committed offset there, at the stop and now (past
    it: committed without their events, by the stopped worker or the restarted one; before
    it: never processed), and what the worker logged about offsets and failures."""
    wanted = article_of_event(ARTICLES)
    articles = {wanted[e] for e in wanted.keys() - set(outcome.events)}
    group = group_offsets(stack)
    consumer = KafkaConsumer(enable_auto_commit=False, **client_kwargs(stack.settings))
    partitions = [TopicPartition(stack.topics.unique, p) for p in consumer.partitions_for_topic(stack.topics.unique)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    lines = []
    for batch in iter(lambda: consumer.poll(timeout_ms=2000), {}):
        for tp, records in batch.items():
            for record in records:
                article = orjson.loads(record.value)["id"]
                if article in articles:
                    lines.append(
                        f"{article}: {tp.topic}[{tp.partition}] offset {record.offset}, "
                        f"committed {at_stop.get(tp)} at the stop, {group.get(tp)} now"
                    )
    consumer.close()
    noted = re.compile(
        r"WARN|ERROR|Dropped|Delivering again|again from|Expected offset|Discarded|reading again|a gap|Worker\]: (Stopping|Ready)"
    )
    log = [line for line in worker.log.read_text(errors="replace").splitlines() if noted.search(line)]
    return "\n".join(sorted(lines) + ["worker log:"] + log[-80:])


def get_health(port: str) -> tuple[int, dict]:
    """Status and body of the worker's /health; a hang past 10 s fails the test."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, orjson.loads(error.read())


def test_worker_rides_out_a_broker_outage(tmp_path: Path, offline_event_ids: set[str]):
    with own_broker(tmp_path / "broker") as local:
        stack = Stack(local.bootstrap, tmp_path)
        try:
            worker = start_mid_stream(stack)
            worker.signal(signal.SIGSTOP)  # frozen for a moment: what is committed now is all there is
            at_outage = committed_now(stack)
            local.stop()
            # where the outage's lines start, read while the worker cannot write: once it runs
            # again it may log the loss before this test gets to read the size (a loaded machine)
            log_at_outage = worker.log.stat().st_size
            worker.signal(signal.SIGCONT)
            assert max(at_outage) < len(offline_event_ids), "work must be pending when the broker goes down"
            time.sleep(OUTAGE_SECONDS / 2)
            status, health = get_health(worker.env["EVENTWIRE_WEB_PORT"])
            assert (status, health["status"], health["lag"]) == (503, "broker_unreachable", None), health
            time.sleep(OUTAGE_SECONDS / 2)
            assert worker.proc is not None and worker.proc.poll() is None, "the worker must outlive the outage"
            outage_log = worker.log.read_bytes()[log_at_outage:].decode(errors="replace").splitlines()
            local.start(reuse_data=True)
            outcome = Outcome.read(stack, IDS, offline_event_ids, timeout=180)
            assert worker.proc.poll() is None, "the worker reconnects by itself, no restart"
            outcome.assert_each_accounted_once(IDS, offline_event_ids)
            # the outage is logged as state changes, not one line per failed attempt
            assert any("Kafka connection lost" in line for line in outage_log), outage_log[:20]
            assert len(outage_log) < 30, f"{len(outage_log)} log lines in a {OUTAGE_SECONDS} s outage"
            back = worker.log.read_bytes()[log_at_outage:].decode(errors="replace")
            assert "Kafka connection back after" in back
            print(
                f"broker outage of {OUTAGE_SECONDS}s with {len(offline_event_ids) - at_outage[0]} events to "
                f"extract: {len(outage_log)} log lines, {outcome.redelivered} records delivered again"
            )
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
