"""Kafka client plumbing shared by the CLI and the worker: connection settings and topic admin.

kafka-python serves the CLI (admin, producers, consumers); Faust (aiokafka) serves the
worker. Both get their connection and security settings from here, built from `Settings`.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Iterator
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaConnectionError, KafkaTimeoutError, TopicAlreadyExistsError

from workers.errors import EventwireError
from workers.publish.topics import Topics
from workers.settings import Settings

CONNECT_TIMEOUT_MS = 15_000  # a client that cannot bootstrap in this time gives up with the reason


class KafkaUnavailable(EventwireError):
    """No connection to the brokers: unreachable, TLS refused or SASL login rejected (the reason says which)."""


class _Reason(logging.Handler):
    """The most telling record kafka-python logged while connecting: a rejected login or TLS
    handshake beats any other error, an error beats a warning, the earliest wins a tie."""

    # "[SSL:" and not "SSL": every log line of kafka-python's KafkaSSLTransport names SSL
    DECISIVE = (
        "AuthenticationFailed",
        "Authentication failed",
        "AuthorizationFailed",
        "[SSL:",
        "SSLError",
        "certificate",
    )

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.rank = -1
        self.message: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        rank = 2 if any(word in text for word in self.DECISIVE) else int(record.levelno >= logging.ERROR)
        if rank > self.rank:
            self.rank, self.message = rank, text


@contextlib.contextmanager
def connecting(settings: Settings) -> Iterator[None]:
    """Turn kafka-python's bootstrap timeout into `KafkaUnavailable` with the reason it logged."""
    problem = _Reason()
    logger = logging.getLogger("kafka")
    logger.addHandler(problem)
    try:
        yield
    except (KafkaTimeoutError, KafkaConnectionError) as exc:
        sasl = settings.security_protocol.startswith("SASL")
        login = f", {settings.sasl_mechanism} as {settings.sasl_username!r}" if sasl else ""
        reason = problem.message or str(exc)
        if sasl and problem.rank < 2 and "disconnected" in reason:
            # kafka-python often loses the broker's "Authentication failed" reply when the broker
            # closes the socket right behind it; a close during the login is that in practice
            reason += (
                " (the broker closed the connection during the SASL login: wrong user name, password or mechanism?)"
            )
        raise KafkaUnavailable(
            f"cannot connect to {settings.bootstrap_servers} ({settings.security_protocol}{login}): {reason}"
        ) from None
    finally:
        logger.removeHandler(problem)


def client_kwargs(settings: Settings) -> dict[str, Any]:
    """Connection and security arguments for kafka-python clients (aiokafka takes them too, but `ssl_*`)."""
    kwargs: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "security_protocol": settings.security_protocol,
    }
    if settings.security_protocol.startswith("SASL"):
        kwargs.update(
            sasl_mechanism=settings.sasl_mechanism,
            sasl_plain_username=settings.sasl_username,
            sasl_plain_password=settings.sasl_password,
        )
    if settings.security_protocol.endswith("SSL"):
        kwargs.update(
            ssl_cafile=settings.ssl_cafile or None,
            ssl_certfile=settings.ssl_certfile or None,
            ssl_keyfile=settings.ssl_keyfile or None,
        )
    return kwargs


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context of the worker's connections, or None for plaintext."""
    if not settings.security_protocol.endswith("SSL"):
        return None
    context = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    if settings.ssl_certfile:
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile or None)
    return context


def max_record_bytes(settings: Settings) -> int:
    """The largest record eventwire writes: a dead letter holding a payload of the size limit.

    The payload travels base64-encoded (4 bytes per 3) next to the error message and the
    record's origin; 64 KiB covers those. Producers and the topics eventwire creates allow
    this size, so an oversized article still fits on the dead-letter topic.
    """
    return 4 * -(-settings.max_article_bytes // 3) + 65_536


def admin(settings: Settings) -> KafkaAdminClient:
    with connecting(settings):
        return KafkaAdminClient(
            client_id="eventwire-admin", bootstrap_timeout_ms=CONNECT_TIMEOUT_MS, **client_kwargs(settings)
        )


def producer(settings: Settings, **extra: Any) -> KafkaProducer:
    with connecting(settings):
        return KafkaProducer(
            client_id="eventwire-cli",
            acks="all",
            linger_ms=5,
            bootstrap_timeout_ms=CONNECT_TIMEOUT_MS,
            max_request_size=max_record_bytes(settings),
            **client_kwargs(settings),
            **extra,
        )


def consumer(settings: Settings, *topics: str, client_id: str = "eventwire-cli", **extra: Any) -> KafkaConsumer:
    """A kafka-python consumer; an unreachable broker raises `KafkaUnavailable` with the reason."""
    with connecting(settings):
        return KafkaConsumer(
            *topics, client_id=client_id, bootstrap_timeout_ms=CONNECT_TIMEOUT_MS, **client_kwargs(settings), **extra
        )


def create_topics(settings: Settings) -> list[str]:
    """Create every eventwire topic that does not exist yet; return the names created.

    Topics that exist already are left as they are (their `max.message.bytes` included).
    """
    topics = Topics(settings.topic_prefix)
    single = topics.single_partition()
    configs = {"max.message.bytes": str(max_record_bytes(settings))}
    client = admin(settings)
    try:
        existing = set(client.list_topics())
        wanted = [
            NewTopic(
                name, 1 if name in single else settings.partitions, settings.replication_factor, topic_configs=configs
            )
            for name in topics.all()
            if name not in existing
        ]
        created = []
        for topic in wanted:  # one at a time: a race with another creator is not an error
            try:
                client.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        client.close()
