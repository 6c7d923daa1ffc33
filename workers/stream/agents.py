"""The stream agents: each reads one topic, calls a pure stage and writes its outputs.

    articles ──ingest──► articles.ingested (1 partition) ──dedup──► articles.unique ──extract──► events, events.<type>
                 └─► articles.dlq                          └─► articles.duplicates

Every input record leaves ingest as a dead letter or an ingested article, and every
ingested article leaves dedup as a unique article or a duplicate notice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor

import orjson
from faust.types import EventT

from workers.dedup.index import DedupConfig, duplicate_notice
from workers.extract.pipeline import Annotations, Extractor
from workers.ingest.validate import RecordMeta, dead_letter, validate
from workers.records import Article, DeadLetter
from workers.stream.app import Wiring
from workers.stream.metrics import Metrics
from workers.stream.state import TableBackedIndex

OUTCOMES = "eventwire_articles_total"
EVENTS = "eventwire_events_total"
EXTRACT_BATCH = 16  # articles per nlp.pipe call; larger batches parse faster but hold the partition longer


def record_meta(event: EventT) -> RecordMeta:
    message = event.message
    return RecordMeta(topic=message.topic, partition=message.partition, offset=message.offset,
                      timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None)


def annotate_isolated(extractor: Extractor, articles: list[Article]) -> list[Annotations | Exception]:
    """Annotations per article; an article that makes the pipeline raise gets its exception instead.

    The whole batch goes through `nlp.pipe` at once; only when that fails is each article
    retried alone, so one poison pill costs its batch a second pass, not the partition.
    """
    try:
        return list(extractor.annotate_many(articles, batch_size=len(articles)))
    except Exception:
        pass
    results: list[Annotations | Exception] = []
    for article in articles:
        try:
            results.append(extractor.annotate(article))
        except Exception as exc:
            results.append(exc)
    return results


async def finish(work: Awaitable[None]) -> None:
    """Run `work` to its end even if the agent is cancelled meanwhile (shutdown, rebalance).

    Faust acks a record in a `finally` once the agent moves past it, also when the agent was
    cancelled halfway through it; without this, a stop in the middle of a batch commits the
    offsets of articles whose events were never sent.
    """
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


def register_agents(w: Wiring, metrics: Metrics, extractor: Extractor) -> None:
    """Attach the agents to the app in `w`; `extractor` should have its models loaded already."""
    metrics.describe(OUTCOMES, "articles by outcome: unique, update, replay, duplicate or dlq:<error code>")
    metrics.describe(EVENTS, "events published, by type")

    @w.app.agent(w.articles, name="ingest")
    async def ingest(stream):  # type: ignore[no-untyped-def]
        async for event in stream.events():
            outcome = validate(event.value, record_meta(event), w.settings)
            if isinstance(outcome, DeadLetter):
                metrics.inc(OUTCOMES, "outcome", f"dlq:{outcome.error}")
                await finish(w.dlq.send(key=event.key, value=outcome.to_dict()))
            else:
                await finish(w.ingested.send(key=outcome.id.encode(), value=outcome.to_dict()))

    table = w.app.Table("dedup-index", partitions=1, key_type=bytes)
    index = TableBackedIndex(table, DedupConfig.from_settings(w.settings))

    @w.app.agent(w.ingested, name="dedup")
    async def dedup(stream):  # type: ignore[no-untyped-def]
        async for event in stream.events():
            index.sync(w.app.consumer_generation_id)
            article = Article(**event.value)
            verdict = index.process(article, seen_at=event.message.timestamp)
            metrics.inc(OUTCOMES, "outcome", verdict.kind)
            if verdict.kind == "duplicate":
                notice = duplicate_notice(article.id, verdict).to_dict()
                await finish(w.duplicates.send(key=event.key, value=notice))
            else:
                await finish(w.unique.send(key=event.key, value=event.value))

    # spaCy runs in one worker thread so the event loop keeps heartbeats and fetches going.
    nlp_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")

    async def extract_batch(events: list[EventT]) -> None:
        articles = [Article(**event.value) for event in events]
        loop = asyncio.get_running_loop()
        results = await loop.run_in_executor(nlp_thread, annotate_isolated, extractor, articles)
        for event, result in zip(events, results):
            if isinstance(result, Exception):
                metrics.inc(OUTCOMES, "outcome", "dlq:processing_error")
                letter = dead_letter(orjson.dumps(event.value), record_meta(event), "processing_error",
                                     f"{type(result).__name__}: {result}", w.settings.max_article_bytes,
                                     stage="extract")
                await w.dlq.send(key=event.key, value=letter.to_dict())
                continue
            for extracted in result.events:
                metrics.inc(EVENTS, "type", extracted.type)
                key, value = extracted.event_id.encode(), extracted.to_dict()
                await w.events.send(key=key, value=value)
                await w.events_by_type[extracted.type].send(key=key, value=value)

    @w.app.agent(w.unique, name="extract")
    async def extract(stream):  # type: ignore[no-untyped-def]
        async for events in stream.take_events(EXTRACT_BATCH, within=0.2):
            await finish(extract_batch(events))
