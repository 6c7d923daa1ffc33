"""Replaying a time window of the input topic through the pipeline, and rewinding the live group.

`Replay` reads the source topic between two timestamps on every partition: the start
offsets are looked up by time, and it stops at the end offsets found when the replay was
first planned, so it always terminates. Each record goes through the same stages as in the
worker (validate → dedup → extract, extraction in supervised processes with the per-article
time budget) and the events are published with the same deterministic ids, to the live
event topics or under an output prefix; a record that fails validation or extraction is
published as a dead letter there, so one bad article never stops a replay.

Progress is committed under the replay's own consumer group (never the worker's), after the
events of each batch are acknowledged; the planned end offsets travel in the commit
metadata, so re-running the same command resumes where an interrupted run stopped.

Dedup in a replay uses a fresh index, first filled from the dedup retention window before
the start time (indexing only, nothing published), so a copy whose original came shortly
before the window is still a duplicate, and replayed articles are never duplicates of their
own earlier passage.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import orjson
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import OffsetTimestamp
from kafka.structs import OffsetAndMetadata

from workers.clients import admin, client_kwargs, create_topics, producer
from workers.dedup.index import DedupConfig, DedupIndex
from workers.errors import EventwireError, fail
from workers.extract.pipeline import Extractor
from workers.extract.pool import ExtractionPool, Failure
from workers.ingest.validate import RecordMeta, validate
from workers.publish.topics import Topics
from workers.records import Article, DeadLetter
from workers.settings import Settings

BATCH = 64  # default records per extract call and per commit


class ReplayError(EventwireError):
    """A replay that cannot start; the message says why."""


def _ms(moment: datetime) -> int:
    return max(0, int(moment.timestamp() * 1000))


@dataclass
class Progress:
    """Records done per partition against the planned totals, with rate and ETA."""

    start: dict[int, int]
    end: dict[int, int]
    position: dict[int, int]
    started: float = field(default_factory=time.monotonic)
    done_at_start: int = 0

    def __post_init__(self) -> None:
        self.done_at_start = self.done

    @property
    def total(self) -> int:
        return sum(self.end[p] - self.start[p] for p in self.end)

    @property
    def done(self) -> int:
        return sum(self.position[p] - self.start[p] for p in self.end)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = (self.done - self.done_at_start) / elapsed
        left = self.total - self.done
        eta = f"{left / rate:.0f}s" if rate > 0 else "?"
        parts = " ".join(f"p{p}:{self.position[p] - self.start[p]}/{self.end[p] - self.start[p]}"
                         for p in sorted(self.end))
        return f"replay {self.done}/{self.total} records  {rate:.1f}/s  eta {eta}  [{parts}]"


class Replay:
    def __init__(self, settings: Settings, *, since: datetime, until: datetime | None = None,
                 topic: str | None = None, output_prefix: str = "", group: str | None = None,
                 factory: Callable[[], Extractor] = Extractor, batch: int = BATCH) -> None:
        """`factory` makes the extractor of each extraction process."""
        self.settings = settings
        self.source = topic or Topics(settings.topic_prefix).articles
        self.since, self.until = since, until
        self.output = Topics(output_prefix + settings.topic_prefix)
        self.output_prefix = output_prefix
        key = f"{self.source}|{_ms(since)}|{_ms(until) if until else '-'}|{output_prefix}"
        self.group = group or f"{settings.app_id}-replay-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
        if self.group == settings.app_id:
            raise ReplayError("a replay must not use the live worker's consumer group")
        self.factory = factory
        self.dedup = DedupIndex(DedupConfig.from_settings(settings))
        self.batch = batch
        self.interrupted = False  # set it (e.g. from a signal handler) to stop after the current batch

    # -- planning ----------------------------------------------------------------------
    def _consumer(self) -> KafkaConsumer:
        return KafkaConsumer(group_id=self.group, enable_auto_commit=False, client_id="eventwire-replay",
                             isolation_level="read_committed", **client_kwargs(self.settings))

    def plan(self, consumer: KafkaConsumer) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
        """(start, end, position) offsets per partition; resumes a previous run's plan if committed."""
        partitions = sorted(consumer.partitions_for_topic(self.source) or ())
        if not partitions:
            raise ReplayError(f"topic {self.source!r} does not exist")
        tps = [TopicPartition(self.source, p) for p in partitions]
        end_now = consumer.end_offsets(tps)
        by_time = consumer.offsets_for_times({tp: _ms(self.since) for tp in tps})
        until = consumer.offsets_for_times({tp: _ms(self.until) for tp in tps}) if self.until else {}
        start, end, position = {}, {}, {}
        for tp in tps:
            found = by_time.get(tp)
            start[tp.partition] = found.offset if found else end_now[tp]
            stop = until.get(tp)
            end[tp.partition] = min(stop.offset if stop else end_now[tp], end_now[tp])
            position[tp.partition] = start[tp.partition]
            committed = consumer.committed(tp, metadata=True)
            if committed is not None and committed.metadata:
                plan = orjson.loads(committed.metadata)
                start[tp.partition], end[tp.partition] = plan["start"], plan["end"]
                position[tp.partition] = committed.offset
        return start, end, position

    # -- running -----------------------------------------------------------------------
    def run(self, progress: Callable[[Progress], None] | None = None) -> Progress:
        """Replay until every partition reached its planned end (or `interrupted` is set)."""
        consumer = self._consumer()
        prod = producer(self.settings)
        pool = ExtractionPool(self.settings.extract_jobs, self.settings.extract_timeout, factory=self.factory)
        try:
            start, end, position = self.plan(consumer)
            state = Progress(start, end, dict(position))
            if self.output_prefix:
                create_topics(self.settings.replace(topic_prefix=self.output_prefix + self.settings.topic_prefix))
            self._warm_dedup(consumer, start)
            todo = [TopicPartition(self.source, p) for p in end if position[p] < end[p]]
            consumer.resume(*consumer.paused())  # the warm-up paused what it had read
            consumer.assign(todo)
            for tp in todo:
                consumer.seek(tp, position[tp.partition])
            while todo and not self.interrupted:
                polled = consumer.poll(timeout_ms=1000, max_records=self.batch)
                records = [m for tp, batch in polled.items() for m in batch if m.offset < end[tp.partition]]
                self._process(records, prod, pool)
                prod.flush()
                for tp, batch in polled.items():
                    state.position[tp.partition] = min(batch[-1].offset + 1, end[tp.partition])
                self._commit(consumer, state)
                finished = [tp for tp in todo if state.position[tp.partition] >= end[tp.partition]]
                consumer.pause(*finished)
                todo = [tp for tp in todo if tp not in finished]
                if progress:
                    progress(state)
            return state
        finally:
            pool.close()
            prod.close()
            consumer.close()

    def _commit(self, consumer: KafkaConsumer, state: Progress) -> None:
        offsets = {
            TopicPartition(self.source, p): OffsetAndMetadata(
                state.position[p], orjson.dumps({"start": state.start[p], "end": state.end[p]}).decode(), -1)
            for p in state.end
        }
        consumer.commit(offsets)

    def _validated(self, records: Iterable) -> list[tuple[Article | DeadLetter, float, object]]:
        """(article or dead letter, receive time, record) for each record."""
        return [(validate(m.value, self._meta(m), self.settings), m.timestamp / 1000, m) for m in records]

    @staticmethod
    def _meta(m) -> RecordMeta:  # type: ignore[no-untyped-def]
        return RecordMeta(m.topic, m.partition, m.offset, m.timestamp)

    def _process(self, records: list, prod, pool: ExtractionPool) -> None:  # type: ignore[no-untyped-def]
        keep = []
        for outcome, seen_at, m in self._validated(records):
            if isinstance(outcome, DeadLetter):
                prod.send(self.output.dlq, key=m.key, value=outcome.to_json())
            elif self.dedup.process(self.dedup.fingerprint(outcome, seen_at=seen_at)).kind != "duplicate":
                keep.append((outcome, m))
        for (article, m), result in zip(keep, pool.annotate([a for a, _ in keep])):
            if isinstance(result, Failure):
                letter = fail("extract", self._meta(m), m.value, result.error, result.message,
                              max_bytes=self.settings.max_article_bytes)
                prod.send(self.output.dlq, key=m.key, value=letter.to_json())
                continue
            for event in result.events:
                value = event.to_json()
                for topic in self.output.event_routes(event):
                    prod.send(topic, key=event.event_id.encode(), value=value)

    def _warm_dedup(self, consumer: KafkaConsumer, start: dict[int, int]) -> None:
        """Index what arrived within the dedup retention before the window (nothing is published)."""
        retention = timedelta(seconds=self.dedup.config.retention_seconds)
        tps = [TopicPartition(self.source, p) for p in start]
        found = consumer.offsets_for_times({tp: _ms(self.since - retention) for tp in tps})
        begin = {tp: found[tp].offset if found.get(tp) else start[tp.partition] for tp in tps}
        todo = [tp for tp in tps if begin[tp] < start[tp.partition]]
        if not todo:
            return
        consumer.assign(todo)
        for tp in todo:
            consumer.seek(tp, begin[tp])
        while todo:
            polled = consumer.poll(timeout_ms=1000, max_records=1000)
            records = [m for tp, batch in polled.items() for m in batch if m.offset < start[tp.partition]]
            for outcome, seen_at, _ in self._validated(records):
                if isinstance(outcome, Article):
                    self.dedup.process(self.dedup.fingerprint(outcome, seen_at=seen_at))
            finished = [tp for tp in todo if consumer.position(tp) >= start[tp.partition]]
            consumer.pause(*finished)
            todo = [tp for tp in todo if tp not in finished]


def reset_group(settings: Settings, to: datetime, topic: str | None = None) -> dict[int, int]:
    """Rewind the live worker's group on the input topic to the first offsets at or after `to`.

    Refuses (ReplayError) while the group has active members: a running worker would
    overwrite the new offsets with its own at its next commit.
    """
    source = topic or Topics(settings.topic_prefix).articles
    client = admin(settings)
    try:
        described = client.describe_groups([settings.app_id]).get(settings.app_id, {})
        members = described.get("members") or []
        if members:
            raise ReplayError(f"group {settings.app_id!r} has {len(members)} active member(s); "
                              "stop the worker(s) first")
        consumer = KafkaConsumer(client_id="eventwire-reset", **client_kwargs(settings))
        try:
            partitions = sorted(consumer.partitions_for_topic(source) or ())
        finally:
            consumer.close()
        if not partitions:
            raise ReplayError(f"topic {source!r} does not exist")
        specs = {TopicPartition(source, p): OffsetTimestamp(_ms(to)) for p in partitions}
        result = client.reset_group_offsets(settings.app_id, specs)
    finally:
        client.close()
    errors = {tp.partition: r["error"] for tp, r in result.items() if r["error"].__name__ != "NoError"}
    if errors:
        raise ReplayError(f"the broker refused the reset: {errors}")
    return {tp.partition: r["offset"] for tp, r in result.items()}


def print_progress(state: Progress) -> None:
    print("\r" + state.line(), end="", file=sys.stderr, flush=True)
