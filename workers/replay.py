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

Dedup in a replay uses a fresh index, first filled with the dedup retention window before
the start time; then every record of the window goes through it in the merged order, and on
a resumed replay the part of the window already replayed is only indexed, not published. So
a copy whose original came shortly before the window, or before the interruption, is still a
duplicate, and replayed articles are never duplicates of their own earlier passage.

A window can be shared by N processes (`part=(k, n)`, `--part K/N`): part k extracts and
publishes the partitions p with p % n == k - 1, and commits them under the window's one
group. Each part still reads and indexes every record of the window in the merged order, so
together the parts publish exactly the events one process would (a copy whose original sits
on another part's partition is still a duplicate). Under a prefix, part 1 consolidates the
window's events once every part is done.
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
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import OffsetTimestamp
from kafka.consumer.fetcher import ConsumerRecord
from kafka.structs import OffsetAndMetadata

from workers.clients import admin, consumer, create_topics, producer
from workers.consolidate import ConsolidationConfig, Consolidator, RetiredCluster, event_from_dict
from workers.dedup.index import DedupConfig, DedupIndex
from workers.errors import EventwireError, fail
from workers.extract.pipeline import Extractor
from workers.extract.pool import ExtractionPool, Failure
from workers.ingest.validate import RecordMeta, validate
from workers.publish.topics import Topics
from workers.records import Article, DeadLetter, Event
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
    """Records done per partition of the whole window against the planned totals, with rate and
    the ETA of this process's own partitions; `own` are the partitions this process replays
    (the others' positions are those the other parts committed)."""

    start: dict[int, int]
    end: dict[int, int]
    position: dict[int, int]
    own: frozenset[int] = frozenset()
    started: float = field(default_factory=time.monotonic)
    own_done_at_start: int = 0
    complete_before: bool = False  # the plan was complete before this run: it replayed nothing

    def __post_init__(self) -> None:
        self.own = self.own or frozenset(self.end)
        self.own_done_at_start = self.own_done

    @property
    def own_complete(self) -> bool:
        return all(self.position[p] >= self.end[p] for p in self.own)

    @property
    def total(self) -> int:
        return sum(self.end[p] - self.start[p] for p in self.end)

    @property
    def done(self) -> int:
        return sum(self.position[p] - self.start[p] for p in self.end)

    @property
    def own_done(self) -> int:
        return sum(self.position[p] - self.start[p] for p in self.own)

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        # this process's own rate and partitions: the other parts' progress is not its work
        rate = (self.own_done - self.own_done_at_start) / elapsed
        left = sum(self.end[p] - self.position[p] for p in self.own)
        eta = "0s" if left <= 0 else f"{left / rate:.0f}s" if rate > 0 else "?"
        parts = " ".join(
            f"{'p' if p in self.own else 'other p'}{p}:{self.position[p] - self.start[p]}/{self.end[p] - self.start[p]}"
            for p in sorted(self.end)
        )
        return f"replay {self.done}/{self.total} records  {rate:.1f}/s  eta {eta}  [{parts}]"


class Replay:
    def __init__(
        self,
        settings: Settings,
        *,
        since: datetime,
        until: datetime | None = None,
        topic: str | None = None,
        output_prefix: str = "",
        group: str | None = None,
        factory: Callable[[], Extractor] = Extractor,
        batch: int = BATCH,
        new: bool = False,
        part: tuple[int, int] = (1, 1),
    ) -> None:
        """`factory` makes the extractor of each extraction process; `new` plans the window again
        instead of resuming (or reporting) the plan committed under the group; `part` (k, n):
        this process replays the partitions p with p % n == k - 1, the other n - 1 parts the
        rest, under the same group."""
        self.settings = settings
        names = Topics(settings.topic_prefix)
        self.source = names.named(topic) if topic else names.articles
        self.since, self.until = since, until
        self.output = Topics(output_prefix + settings.topic_prefix)
        self.output_prefix = output_prefix
        key = f"{self.source}|{_ms(since)}|{_ms(until) if until else '-'}|{output_prefix}"
        self.group = group or f"{settings.app_id}-replay-{hashlib.sha1(key.encode()).hexdigest()[:12]}"
        if self.group == settings.app_id:
            raise ReplayError("a replay must not use the live worker's consumer group")
        if until is not None and until <= since:
            raise ReplayError(f"the window ends ({until.isoformat()}) before it starts ({since.isoformat()})")
        k, n = part
        if not 1 <= k <= n:
            raise ReplayError(f"part {k}/{n}: k must be between 1 and n")
        if n > 1 and until is None:
            raise ReplayError("a replay in parts needs --to: every part must plan the same window")
        self.part = part
        self.factory = factory
        self.dedup = DedupIndex(DedupConfig.from_settings(settings))
        self.batch = batch
        self.new = new
        # Under an output prefix the replay consolidates its own events (no worker reads those
        # topics): as it goes in one part; in n parts, part 1 once the whole window is done.
        self.consolidator = (
            Consolidator(ConsolidationConfig.from_settings(settings)) if output_prefix and k == 1 else None
        )
        self.inline = self.consolidator is not None and n == 1
        self._swept = float("-inf")
        self.interrupted = False  # set it (e.g. from a signal handler) to stop after the current batch

    # -- planning ----------------------------------------------------------------------
    def _consumer(self) -> KafkaConsumer:
        return consumer(
            self.settings,
            client_id="eventwire-replay",
            group_id=self.group,
            enable_auto_commit=False,
            isolation_level="read_committed",
        )

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
        outputs = [
            TopicPartition(self.output.events, p)
            for p in sorted(consumer.partitions_for_topic(self.output.events) or ())
        ]
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
    def own(self, partition: int) -> bool:
        k, n = self.part
        return partition % n == k - 1

    def run(self, progress: Callable[[Progress], None] | None = None) -> Progress:
        """Replay until every partition of this part reached its planned end (or `interrupted` is
        set); under a prefix, part 1 of several then waits for the whole window and consolidates it."""
        consumer = self._consumer()
        prod = producer(self.settings)
        pool = ExtractionPool(self.settings.extract_jobs, self.settings.extract_timeout, factory=self.factory)
        try:
            if self.output_prefix:
                create_topics(self.settings.replace(topic_prefix=self.output_prefix + self.settings.topic_prefix))
            start, end, position = self.plan(consumer)
            state = Progress(start, end, dict(position), own=frozenset(p for p in end if self.own(p)))
            if state.own_complete and any(position[p] > start[p] for p in state.own):
                state.complete_before = True
            else:
                self._replay(consumer, prod, pool, state, progress)
            if self.consolidator is not None and not self.inline and not self.interrupted:
                self._consolidate_window(consumer, prod, state, progress)
            return state
        finally:
            pool.close()
            prod.close()
            consumer.close()

    def _replay(
        self,
        consumer: KafkaConsumer,
        prod: KafkaProducer,
        pool: ExtractionPool,
        state: Progress,
        progress: Callable[[Progress], None] | None,
    ) -> None:
        """One pass over the whole window in the live order: every record goes through dedup (so
        each part keeps the copies one process would keep); the records of this part's partitions
        past its committed position are extracted and published."""
        resume_at = dict(state.position)
        self._warm_dedup(consumer, state.start)
        if self.inline:
            self._warm_consolidation(consumer)
        records = self._merged(consumer, state.start, state.end)
        while not self.interrupted:
            batch, mine = [], 0
            for m in records:
                batch.append(m)
                mine += self.own(m.partition) and m.offset >= resume_at[m.partition]
                if mine >= self.batch:
                    break
            if not mine:
                state.position.update({p: state.end[p] for p in state.own})  # every record before the end is done
                self._commit(consumer, state)
                return
            self._process(batch, prod, pool, lambda m: self.own(m.partition) and m.offset >= resume_at[m.partition])
            prod.flush()
            for m in batch:
                if self.own(m.partition):
                    state.position[m.partition] = max(state.position[m.partition], m.offset + 1)
            self._commit(consumer, state)
            if progress:
                progress(state)

    def _commit(self, consumer: KafkaConsumer, state: Progress) -> None:
        """Commit this part's positions with the plan; read the other parts' positions."""
        offsets = {
            TopicPartition(self.source, p): OffsetAndMetadata(
                state.position[p],
                orjson.dumps(
                    {
                        "start": state.start[p],
                        "end": state.end[p],
                        "output_from": {str(q): o for q, o in self.output_from.items()},
                    }
                ).decode(),
                -1,
            )
            for p in state.own
        }
        consumer.commit(offsets)
        for p in set(state.end) - state.own:
            committed = consumer.committed(TopicPartition(self.source, p))
            if committed is not None:
                state.position[p] = committed

    def _consolidate_window(
        self, consumer: KafkaConsumer, prod: KafkaProducer, state: Progress, progress: Callable[[Progress], None] | None
    ) -> None:
        """Wait until every part is done, then consolidate every event the window's plans published
        on the output (from the earliest place any part's plan recorded)."""
        while any(state.position[p] < state.end[p] for p in state.end):
            if self.interrupted:
                return
            time.sleep(1.0)
            self._commit(consumer, state)
            if progress:
                progress(state)
        starts = dict(self.output_from)
        for p in state.end:
            committed = consumer.committed(TopicPartition(self.source, p), metadata=True)
            if committed is not None and committed.metadata:
                for q, o in orjson.loads(committed.metadata).get("output_from", {}).items():
                    starts[int(q)] = min(starts.get(int(q), o), o)
        for event in self._output_events(consumer, starts):
            self._consolidate(event, prod)
        prod.flush()

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

    def _validated(self, records: Iterable[ConsumerRecord]) -> list[tuple[Article | DeadLetter, float, ConsumerRecord]]:
        """(article or dead letter, receive time, record) for each record."""
        return [(validate(m.value, self._meta(m), self.settings), m.timestamp / 1000, m) for m in records]

    @staticmethod
    def _meta(m: ConsumerRecord) -> RecordMeta:
        return RecordMeta(m.topic, m.partition, m.offset, m.timestamp)

    def _process(
        self, records: list[ConsumerRecord], prod: KafkaProducer, pool: ExtractionPool, publish: Callable[[Any], bool]
    ) -> None:
        """Every record through validation and dedup, in order; those `publish` selects on to
        extraction and out (the others are only indexed)."""
        keep = []
        for outcome, seen_at, m in self._validated(records):
            if isinstance(outcome, DeadLetter):
                if publish(m):
                    prod.send(self.output.dlq, key=m.key, value=outcome.to_json())
            elif self.dedup.process(self.dedup.fingerprint(outcome, seen_at=seen_at)).kind != "duplicate" and publish(
                m
            ):
                keep.append((outcome, m))
        for (_, m), result in zip(keep, pool.annotate([a for a, _ in keep])):
            if isinstance(result, Failure):
                letter = fail(
                    "extract",
                    self._meta(m),
                    m.value,
                    result.error,
                    result.message,
                    max_bytes=self.settings.max_article_bytes,
                )
                prod.send(self.output.dlq, key=m.key, value=letter.to_json())
                continue
            for event in result.events:
                value = event.to_json()
                for topic in self.output.event_routes(event, consolidate=not self.output_prefix):
                    prod.send(topic, key=event.event_id.encode(), value=value)
                if self.inline:
                    self._consolidate(event, prod)

    def _consolidate(self, event: Event, prod: KafkaProducer | None = None) -> None:
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
        for event in self._output_events(consumer, self.output_from):
            self._consolidate(event)

    def _output_events(self, consumer: KafkaConsumer, starts: dict[int, int]) -> Iterator:
        """The events on the output's events topic from `starts` (partition -> offset) to its end now."""
        tps = [TopicPartition(self.output.events, p) for p in starts]
        ends = consumer.end_offsets(tps)
        todo = [tp for tp in tps if starts[tp.partition] < ends[tp]]
        if not todo:
            return
        consumer.assign(todo)
        for tp in todo:
            consumer.seek(tp, starts[tp.partition])
        while todo:
            for tp, batch in consumer.poll(timeout_ms=1000, max_records=1000).items():
                for m in batch:
                    if m.offset < ends[tp]:
                        yield event_from_dict(orjson.loads(m.value))
            todo = [tp for tp in todo if consumer.position(tp) < ends[tp]]

    def _warm_dedup(self, consumer: KafkaConsumer, start: dict[int, int]) -> None:
        """Index, in the replay's order, the dedup retention before the window (nothing is published)."""
        retention = timedelta(seconds=self.dedup.config.retention_seconds)
        tps = [TopicPartition(self.source, p) for p in start]
        found = consumer.offsets_for_times({tp: _ms(self.since - retention) for tp in tps})
        begin = {
            tp.partition: min(found[tp].offset if found.get(tp) else start[tp.partition], start[tp.partition])
            for tp in tps
        }
        records = self._merged(consumer, begin, start)
        while batch := list(islice(records, 1000)):
            for outcome, seen_at, _ in self._validated(batch):
                if isinstance(outcome, Article):
                    self.dedup.process(self.dedup.fingerprint(outcome, seen_at=seen_at))


def reset_group(settings: Settings, to: datetime, topic: str | None = None) -> dict[int, int]:
    """Rewind the live worker's group on the input topic to the first offsets at or after `to`.

    Refuses (ReplayError) while the group has active members: a running worker would
    overwrite the new offsets with its own at its next commit.
    """
    names = Topics(settings.topic_prefix)
    source = names.named(topic) if topic else names.articles
    client = admin(settings)
    try:
        described = client.describe_groups([settings.app_id]).get(settings.app_id, {})
        members = described.get("members") or []
        if members:
            raise ReplayError(
                f"group {settings.app_id!r} has {len(members)} active member(s); stop the worker(s) first"
            )
        reader = consumer(settings, client_id="eventwire-reset")
        try:
            partitions = sorted(reader.partitions_for_topic(source) or ())
        finally:
            reader.close()
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
