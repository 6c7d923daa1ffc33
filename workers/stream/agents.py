"""The stream agents: each reads one topic, calls a pure stage and writes its outputs.

    articles ──ingest──► articles.ingested (1 partition) ──dedup──► articles.unique ──extract──► events, events.<type>
                 └─► articles.dlq                          └─► articles.duplicates

Every input record leaves ingest as a dead letter or an ingested article, and every
ingested article leaves dedup as a unique article or a duplicate notice.
"""

from __future__ import annotations

from faust.types import EventT

from workers.dedup.index import DedupConfig, duplicate_notice
from workers.ingest.validate import RecordMeta, validate
from workers.records import Article, DeadLetter
from workers.stream.app import Wiring
from workers.stream.metrics import Metrics
from workers.stream.state import TableBackedIndex

OUTCOMES = "eventwire_articles_total"


def record_meta(event: EventT) -> RecordMeta:
    message = event.message
    return RecordMeta(topic=message.topic, partition=message.partition, offset=message.offset,
                      timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None)


def register_agents(w: Wiring, metrics: Metrics) -> None:
    """Attach the agents to the app in `w`."""
    metrics.describe(OUTCOMES, "articles by outcome: unique, duplicate or dead letter (by error code)")

    @w.app.agent(w.articles, name="ingest")
    async def ingest(stream):  # type: ignore[no-untyped-def]
        async for event in stream.events():
            outcome = validate(event.value, record_meta(event), w.settings)
            if isinstance(outcome, DeadLetter):
                metrics.inc(OUTCOMES, "outcome", f"dlq:{outcome.error}")
                await w.dlq.send(key=event.key, value=outcome.to_dict())
            else:
                await w.ingested.send(key=outcome.id.encode(), value=outcome.to_dict())

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
                await w.duplicates.send(key=event.key, value=duplicate_notice(article.id, verdict).to_dict())
            else:
                await w.unique.send(key=event.key, value=event.value)

    @w.app.page("/metrics")
    async def prometheus(web, request):  # type: ignore[no-untyped-def]
        return web.text(metrics.render(), content_type="text/plain; version=0.0.4")
