"""The stream agents: each reads one topic, calls a pure stage and writes its outputs.

    articles ──ingest──► articles.ingested (1 partition) ──dedup──► articles.unique ──extract──► events, events.<type>,
                 └─► articles.dlq                          └─► articles.duplicates       events.consolidate

Ingest also fingerprints each article for dedup and sends the entry with it (a header):
fingerprinting is most of dedup's work and runs here on every partition of `articles`,
while dedup, the one writer of the index, reads one partition and only checks and adds.

Every input record leaves ingest as a dead letter or an ingested article, every ingested
article leaves dedup as a unique article or a duplicate notice, and every unique article
leaves extract as its events or a dead letter. A record that makes a stage raise, run past
its time budget (extraction) or produce a record the broker refuses becomes a dead letter
through `workers.errors.fail`; a send that fails for a passing reason (broker down, buffer
full) is retried with backoff until it goes through, never acknowledged unsent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
from aiokafka.errors import KafkaTimeoutError
from faust.exceptions import ProducerSendError
from faust.types import EventT, TopicT

from workers.dedup.index import DedupConfig, Fingerprinter, duplicate_notice
from workers.errors import fail
from workers.extract.pool import PROCESSING_ERROR, ExtractionPool, Failure
from workers.ingest.validate import RecordMeta, validate
from workers.records import Article, DeadLetter
from workers.stream.app import Wiring
from workers.stream.metrics import ARTICLES as OUTCOMES  # the counter names and help live there
from workers.stream.metrics import EVENTS, REPLACED, Metrics
from workers.stream.state import TableBackedIndex

log = logging.getLogger("eventwire.agents")

OUTPUT_REFUSED = "output_refused"
EXTRACT_BATCH = 16  # articles per extraction call; larger batches parse faster but hold the partition longer
# Seconds the extract agent waits for a batch to fill once an article is in. Under a full
# load batches fill at once; below it this wait is added to every article's latency (0.2 s
# gave p99 586-631 ms at half the maximum load, 0.05 s gave 193-267 ms, no lower maximum).
EXTRACT_WAIT = 0.05
RETRY_FIRST, RETRY_MAX = 0.1, 5.0  # seconds between attempts of a send that failed for a passing reason
FINGERPRINT = "eventwire-fingerprint"  # the header of an ingested article that holds its dedup entry


def record_meta(event: EventT) -> RecordMeta:
    message = event.message
    return RecordMeta(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None,
    )


async def finish(work: Awaitable[None], *events: EventT) -> None:
    """Run `work` on `events` to its end even if the agent is cancelled meanwhile (shutdown,
    rebalance), then report the events processed to the consumer: only processed records
    are committed (`workers.stream.consumer`, guard 2).

    Faust acks a record in a `finally` once the agent moves past it, also when the agent was
    cancelled halfway through it; without the shield, a stop in the middle of a batch would
    end work whose records count as done.
    """
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        _processed(events)
        raise
    _processed(events)


def _processed(events: tuple[EventT, ...]) -> None:
    for event in events:
        event.app.consumer.processed(event.message)  # type: ignore[attr-defined]  # SafeConsumer


class SendRefused(Exception):
    """The producer refused a record for good (too large, not authorized ...)."""


def _passing(error: BaseException | None) -> bool:
    return isinstance(error, KafkaTimeoutError) or bool(getattr(error, "retriable", False))


async def deliver(topic: TopicT, key: bytes | None, value: Any, headers: dict[str, bytes] | None = None) -> None:
    """Send one record (`value` as it is if bytes, else through the topic's codec). A failure
    for a passing reason is retried with backoff (logged when it starts and when it ends, not
    per attempt); a final refusal raises `SendRefused`."""
    delay, failing_since = RETRY_FIRST, None
    serializer = "raw" if isinstance(value, bytes) else None
    while True:
        try:
            await topic.send(key=key, value=value, value_serializer=serializer, headers=headers)
        except ProducerSendError as exc:
            if not _passing(exc.__cause__):
                raise SendRefused(str(exc.__cause__ or exc)) from exc
            if failing_since is None:
                failing_since = time.monotonic()
                log.warning("sending to %s fails (%s); retrying with backoff", topic.get_topic_name(), exc.__cause__)
            await asyncio.sleep(delay)
            delay = min(2 * delay, RETRY_MAX)
        else:
            if failing_since is not None:
                log.warning(
                    "sending to %s works again after %.1f s", topic.get_topic_name(), time.monotonic() - failing_since
                )
            return


class Guard:
    """The one processing-error policy of the worker's agents: a record whose work raises
    becomes a dead letter (`workers.errors.fail`, counted as `dlq:<code>`) and its partition
    goes on."""

    def __init__(self, w: Wiring, metrics: Metrics) -> None:
        self.w, self.metrics = w, metrics

    def count(self, code: str) -> None:
        self.metrics.inc(OUTCOMES, "outcome", f"dlq:{code}")

    async def dead_letter(self, stage: str, event: EventT, payload: bytes, code: str, message: str) -> None:
        letter = fail(
            stage,
            record_meta(event),
            payload,
            code,
            message,
            max_bytes=self.w.settings.max_article_bytes,
            count=self.count,
        )
        await deliver(self.w.dlq, event.key, letter.to_dict())

    async def __call__(self, stage: str, event: EventT, work: Callable[[], Awaitable[None]]) -> None:
        """`work` for one record; if it raises, the record's dead letter instead."""
        payload = event.value if isinstance(event.value, bytes) else orjson.dumps(event.value)
        try:
            await work()
        except SendRefused as exc:
            await self.dead_letter(stage, event, payload, OUTPUT_REFUSED, str(exc))
        except Exception as exc:  # noqa: BLE001 - one record's failure must not stop its partition
            await self.dead_letter(stage, event, payload, PROCESSING_ERROR, f"{type(exc).__name__}: {exc}")


def register_agents(w: Wiring, metrics: Metrics, pool: ExtractionPool, guarded: Guard) -> None:
    """Attach the agents to the app in `w`; `pool` should be started already."""
    config = DedupConfig.from_settings(w.settings)
    fingerprinter = Fingerprinter(config)

    @w.app.agent(w.articles, name="ingest")
    async def ingest(stream):
        async for event in stream.events():

            async def work(event: EventT = event) -> None:
                outcome = validate(event.value, record_meta(event), w.settings)
                if isinstance(outcome, DeadLetter):
                    guarded.count(outcome.error)
                    await deliver(w.dlq, event.key, outcome.to_dict())
                else:
                    # seen_at is the dedup agent's to set, from the ingested record's time
                    entry = fingerprinter.fingerprint(outcome, seen_at=0.0)
                    await deliver(w.ingested, outcome.id.encode(), outcome.to_dict(), {FINGERPRINT: entry.wire()})

            await finish(guarded("ingest", event, work), event)

    table = w.app.Table("dedup-index", partitions=1, key_type=bytes)
    index = TableBackedIndex(table, config)

    @w.app.agent(w.ingested, name="dedup")
    async def dedup(stream):
        async for event in stream.events():

            async def work(event: EventT = event) -> None:
                index.sync(w.app.consumer_generation_id)
                article = Article(**event.value)  # type: ignore[arg-type]  # the topic's codec gives a dict
                verdict = index.process(article, event.message.timestamp, event.headers.get(FINGERPRINT))
                metrics.inc(OUTCOMES, "outcome", verdict.kind)
                if verdict.kind == "duplicate":
                    await deliver(w.duplicates, event.key, duplicate_notice(article.id, verdict).to_dict())
                else:
                    await deliver(w.unique, event.key, event.value)

            await finish(guarded("dedup", event, work), event)

    # The pool is called from one thread, so the event loop keeps heartbeats and fetches going.
    caller = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")

    async def extract_batch(events: list[EventT]) -> None:
        loop = asyncio.get_running_loop()
        parsed: list[Article | Exception] = []
        for event in events:
            try:
                parsed.append(Article(**event.value))  # type: ignore[arg-type]  # the topic's codec gives a dict
            except TypeError as exc:  # not an article record
                parsed.append(exc)
        replaced = pool.replaced
        annotated = iter(
            await loop.run_in_executor(caller, pool.annotate, [a for a in parsed if isinstance(a, Article)])
        )
        if pool.replaced > replaced:
            metrics.inc(REPLACED, by=pool.replaced - replaced)
        for event, item in zip(events, parsed):
            result = next(annotated) if isinstance(item, Article) else item

            async def work(event: EventT = event, outcome: Any = result) -> None:
                if isinstance(outcome, Exception):
                    raise outcome
                if isinstance(outcome, Failure):
                    await guarded.dead_letter(
                        "extract", event, orjson.dumps(event.value), outcome.error, outcome.message
                    )
                    return
                for extracted in outcome.events:
                    metrics.inc(EVENTS, "type", extracted.type)
                    key, value = extracted.event_id.encode(), extracted.to_json()
                    for name in w.names.event_routes(extracted):
                        await deliver(w.topic(name), key, value)

            await guarded("extract", event, work)

    @w.app.agent(w.unique, name="extract")
    async def extract(stream):
        async for events in stream.take_events(EXTRACT_BATCH, within=EXTRACT_WAIT):
            await finish(extract_batch(events), *events)
