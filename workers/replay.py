"""Replaying a time window of the input topic through the pipeline, and rewinding the live group.

`Replay` reads the source topic between two timestamps on every partition: the start
offsets are looked up by time, and it stops at the end offsets found when the replay was
first planned, so it always terminates. The partitions are merged by record timestamp (then
partition, then offset), the order in which a live worker that keeps up reads them, so the
copy of a story that dedup keeps, and so every event id, are those of the live run. Each
record goes through the same stages as in the worker (validate → dedup → extract, extraction
in supervised processes with the per-article time budget) and the events are published with
the same deterministic ids, to the live event topics or under an output prefix; a record
that fails validation or extraction is published as a dead letter there, so one bad article
never stops a replay. Under an output prefix the replay also consolidates its events into
`<prefix>events.consolidated`; onto the live topics it sends them to the consolidation input
too, like the extract agent, and the live worker's consolidation takes them as the
re-deliveries they are.

Progress is committed under the replay's own consumer group (never the worker's), after the
events of each batch are acknowledged; the plan (start and end offsets, and where the
output's events began) travels in the commit metadata, so re-running the same command
resumes where an interrupted run stopped, and says so when the plan is already complete
(`new=True` plans the window again).

Dedup in a replay uses a fresh index, first filled with what came before the replay's
position: the dedup retention window before the start time, and on a resumed replay the
part of the window already replayed (indexing only, nothing published). So a copy whose
original came shortly before the window, or before the interruption, is still a duplicate,
and replayed articles are never duplicates of their own earlier passage.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

import orjson
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import OffsetTimestamp
from kafka.structs import OffsetAndMetadata

from workers.clients import admin, client_kwargs, create_topics, producer
from workers.consolidate import ConsolidationConfig, Consolidator, RetiredCluster, event_from_dict
from workers.dedup.index import DedupConfig, DedupIndex
from workers.errors import EventwireError, fail
from workers.extract.pipeline import Extractor
from workers.extract.pool import ExtractionPool, Failure
from workers.ingest.validate import RecordMeta, validate
from workers.publish.topics import Topics
from workers.records import Article, DeadLetter
from workers.settings import Settings

BATCH = 64  # default records per extract call and per commit
BUFFERED = 500  # records held per partition while merging by timestamp; a partition with more is paused
EXPIRE_EVERY = 3600.0  # seconds of event time between expiry sweeps of the replay's clusters


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
    complete_before: bool = False  # the plan was complete before this run: it replayed nothing

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
                 factory: Callable[[], Extractor] = Extractor, batch: int = BATCH, new: bool = False) -> None:
        """`factory` makes the extractor of each extraction process; `new` plans the window again
        instead of resuming (or reporting) the plan committed under the group."""
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
        self.new = new
        # under an output prefix the replay consolidates its own events (no worker reads those topics)
        self.consolidator = Consolidator(ConsolidationConfig.from_settings(settings)) if output_prefix else None
        self._swept = float("-inf")
        self.interrupted = False  # set it (e.g. from a signal handler) to stop after the current batch

    # -- planning ----------------------------------------------------------------------
    def _consumer(self) -> KafkaConsumer:
        return KafkaConsumer(group_id=self.group, enable_auto_commit=False, client_id="eventwire-replay",
                             isolation_level="read_committed", **client_kwargs(self.settings))

    def plan(self, consumer: KafkaConsumer) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
        """(start, end, position) offsets per partition; resumes a previous run's plan if committed
        (unless `new`). Sets `output_from`: where this plan's events begin on the output's events topic."""
        partitions = sorted(consumer.partitions_for_topic(self.source) or ())
        if not partitions:
            raise ReplayError(f"topic {self.source!r} does not exist")
        tps = [TopicPartition(self.source, p) for p in partitions]
        end_now = consumer.end_offsets(tps)
        by_time = consumer.offsets_for_times({tp: _ms(self.since) for tp in tps})
        until = consumer.offsets_for_times({tp: _ms(self.until) for tp in tps}) if self.until else {}
        outputs = [TopicPartition(self.output.events, p)
                   for p in sorted(consumer.partitions_for_topic(self.output.events) or ())]
        self.output_from = {tp.partition: offset for tp, offset in consumer.end_offsets(outputs).items()}
        start, end, position = {}, {}, {}
        for tp in tps:
            found = by_time.get(tp)
            start[tp.partition] = found.offset if found else end_now[tp]
            stop = until.get(tp)
            end[tp.partition] = min(stop.offset if stop else end_now[tp], end_now[tp])
            position[tp.partition] = start[tp.partition]
            committed = consumer.committed(tp, metadata=True)
            if committed is not None and committed.metadata and not self.new:
                plan = orjson.loads(committed.metadata)
                start[tp.partition], end[tp.partition] = plan["start"], plan["end"]
                self.output_from = {int(p): o for p, o in plan.get("output_from", {}).items()}
                position[tp.partition] = committed.offset
        return start, end, position

    # -- running -----------------------------------------------------------------------
    def run(self, progress: Callable[[Progress], None] | None = None) -> Progress:
        """Replay until every partition reached its planned end (or `interrupted` is set)."""
        consumer = self._consumer()
        prod = producer(self.settings)
        pool = ExtractionPool(self.settings.extract_jobs, self.settings.extract_timeout, factory=self.factory)
        try:
            if self.output_prefix:
                create_topics(self.settings.replace(topic_prefix=self.output_prefix + self.settings.topic_prefix))
            start, end, position = self.plan(consumer)
            state = Progress(start, end, dict(position))
            if all(position[p] >= end[p] for p in end) and any(position[p] > start[p] for p in end):
                state.complete_before = True
                return state
            self._warm_dedup(consumer, start, position)
            self._warm_consolidation(consumer)
            records = self._merged(consumer, position, end)
            while not self.interrupted:
                batch = list(islice(records, self.batch))
                if not batch:
                    state.position.update(end)  # every record before the planned end is done
                    self._commit(consumer, state)
                    break
                self._process(batch, prod, pool)
                prod.flush()
                for m in batch:
                    state.position[m.partition] = m.offset + 1
                self._commit(consumer, state)
                if progress:
                    progress(state)
            return state
        finally:
            pool.close()
            prod.close()
            consumer.close()

    def _commit(self, consumer: KafkaConsumer, state: Progress) -> None:
        offsets = {
            TopicPartition(self.source, p): OffsetAndMetadata(state.position[p], orjson.dumps(
                {"start": state.start[p], "end": state.end[p],
                 "output_from": {str(q): o for q, o in self.output_from.items()}}).decode(), -1)
            for p in state.end
        }
        consumer.commit(offsets)

    def _merged(self, consumer: KafkaConsumer, begin: dict[int, int], end: dict[int, int]) -> Iterator:
        """The source's records from `begin` to `end` (per partition, end excluded), merged by
        (timestamp, partition, offset): a record is let out only once every partition that still
        has records has one buffered, so none can come before it."""
        tps = {p: TopicPartition(self.source, p) for p in end if begin.get(p, end[p]) < end[p]}
        consumer.assign(list(tps.values()))
        consumer.resume(*tps.values())
        for p, tp in tps.items():
            consumer.seek(tp, begin[p])
        buffers: dict[int, deque] = {p: deque() for p in tps}
        open_ = set(tps)  # partitions with records still to let out
        while open_:
            while any(not buffers[p] for p in open_):
                for tp, batch in consumer.poll(timeout_ms=1000, max_records=BUFFERED).items():
                    buffers[tp.partition].extend(m for m in batch if m.offset < end[tp.partition])
                for p in list(open_):
                    if not buffers[p] and consumer.position(tps[p]) >= end[p]:
                        open_.discard(p)
                full = [tps[p] for p in open_ if len(buffers[p]) >= BUFFERED]
                consumer.pause(*full)
                consumer.resume(*(tps[p] for p in open_ if len(buffers[p]) < BUFFERED))
            if not open_:
                return
            first = min(open_, key=lambda p: (buffers[p][0].timestamp, p, buffers[p][0].offset))
            record = buffers[first].popleft()
            if not buffers[first] and record.offset + 1 >= end[first]:
                open_.discard(first)
            yield record

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
                for topic in self.output.event_routes(event, consolidate=self.consolidator is None):
                    prod.send(topic, key=event.event_id.encode(), value=value)
                self._consolidate(event, prod)

    def _consolidate(self, event, prod=None) -> None:  # type: ignore[no-untyped-def]
        """Put a replayed event into the replay's clusters; publish what changed (with `prod`)."""
        if self.consolidator is None:
            return
        update = self.consolidator.process(event)
        if update is not None and prod is not None:
            for record in update.records:
                key = record.cluster_id.encode()
                prod.send(self.output.consolidated, key=key, value=record.to_json())
                if isinstance(record, RetiredCluster):
                    prod.send(self.output.consolidated, key=key, value=None)
        if self.consolidator.watermark - self._swept > EXPIRE_EVERY:
            self.consolidator.expire()
            self._swept = self.consolidator.watermark

    def _warm_consolidation(self, consumer: KafkaConsumer) -> None:
        """On a resumed replay under a prefix: the clusters of the events this plan published
        already (read back from the output's events topic; the clusters do not depend on their
        order), so that its records go on from where the interrupted run stopped."""
        if self.consolidator is None:
            return
        tps = [TopicPartition(self.output.events, p) for p in self.output_from]
        ends = consumer.end_offsets(tps)
        todo = [tp for tp in tps if self.output_from[tp.partition] < ends[tp]]
        if not todo:
            return
        consumer.assign(todo)
        for tp in todo:
            consumer.seek(tp, self.output_from[tp.partition])
        while todo:
            for batch in consumer.poll(timeout_ms=1000, max_records=1000).values():
                for m in batch:
                    self._consolidate(event_from_dict(orjson.loads(m.value)))
            todo = [tp for tp in todo if consumer.position(tp) < ends[tp]]

    def _warm_dedup(self, consumer: KafkaConsumer, start: dict[int, int], position: dict[int, int]) -> None:
        """Index, in the replay's order, what came before its position: the dedup retention before
        the window, and the part of the window an interrupted run replayed (nothing is published)."""
        retention = timedelta(seconds=self.dedup.config.retention_seconds)
        tps = [TopicPartition(self.source, p) for p in start]
        found = consumer.offsets_for_times({tp: _ms(self.since - retention) for tp in tps})
        begin = {tp.partition: min(found[tp].offset if found.get(tp) else start[tp.partition], start[tp.partition])
                 for tp in tps}
        records = self._merged(consumer, begin, position)
        while batch := list(islice(records, 1000)):
            for outcome, seen_at, _ in self._validated(batch):
                if isinstance(outcome, Article):
                    self.dedup.process(self.dedup.fingerprint(outcome, seen_at=seen_at))


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
