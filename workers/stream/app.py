"""The Faust app: settings, the orjson codec, topics. Agents live in `workers.stream.agents`.

`build_app()` makes a fresh app from `Settings`, so the CLI can apply flags first and tests
can run workers with their own prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust
import orjson
from faust.serializers import codecs

from workers.clients import max_record_bytes, ssl_context
from workers.extract.codes import event_types
from workers.publish.topics import Topics
from workers.settings import Settings
from workers.stream.consumer import App

PRODUCER_LINGER = 0.01  # seconds a produce request waits for more records (Faust's default 0: one request per send)


class OrjsonCodec(codecs.Codec):
    """The codec of every JSON topic."""

    def _dumps(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


codecs.register("orjson", OrjsonCodec())


@dataclass
class Wiring:
    """The app and the Faust topic objects the agents read and write."""

    app: faust.App
    settings: Settings
    names: Topics
    articles: faust.TopicT
    ingested: faust.TopicT
    unique: faust.TopicT
    duplicates: faust.TopicT
    dlq: faust.TopicT
    events: faust.TopicT
    events_by_type: dict[str, faust.TopicT]
    consolidate_input: faust.TopicT

    def topic(self, name: str) -> faust.TopicT:
        """The topic object of an event topic, by name (as `Topics.event_routes` gives them)."""
        return self._by_name[name]

    def __post_init__(self) -> None:
        self._by_name = {
            t.get_topic_name(): t for t in (self.events, *self.events_by_type.values(), self.consolidate_input)
        }


def broker_credentials(settings: Settings) -> Any:
    """Faust credentials for the configured security protocol (None for PLAINTEXT)."""
    context = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            mechanism=settings.sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def build_app(settings: Settings) -> Wiring:
    """A Faust app configured from `settings`, with every topic declared."""
    servers = ";".join(f"kafka://{s.strip()}" for s in settings.bootstrap_servers.split(","))
    app = App(
        settings.app_id,
        broker=servers,
        broker_credentials=broker_credentials(settings),
        datadir=settings.data_dir,
        store="memory://",
        value_serializer="orjson",
        key_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        web_port=settings.web_port,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.session_timeout / 5,
        producer_acks=-1,
        producer_linger=PRODUCER_LINGER,
        # exactly_once never committed a transaction with faust-streaming 0.15.3 + aiokafka 0.14
        # (see README, Reliability and security); agents keep concurrency 1 for commit order.
        processing_guarantee="at_least_once",
        producer_max_request_size=max_record_bytes(settings),
        broker_commit_every=100,
        broker_commit_interval=1.0,
    )
    names = Topics(settings.topic_prefix)

    def topic(name: str, *, raw: bool = False, partitions: int | None = None) -> faust.TopicT:
        return app.topic(
            name,
            key_type=bytes,
            value_type=bytes if raw else None,
            value_serializer="raw" if raw else "orjson",
            partitions=partitions,
        )

    return Wiring(
        app=app,
        settings=settings,
        names=names,
        articles=topic(names.articles, raw=True),
        ingested=topic(names.ingested, partitions=1),
        unique=topic(names.unique),
        duplicates=topic(names.duplicates),
        dlq=topic(names.dlq),
        events=topic(names.events),
        events_by_type={t: topic(names.events_of(t)) for t in event_types()},
        # raw: the consolidate agent decodes it, so a record that is not JSON becomes a dead letter
        consolidate_input=topic(names.consolidate_input, raw=True, partitions=1),
    )
