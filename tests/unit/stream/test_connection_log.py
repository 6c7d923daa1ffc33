"""The Kafka connection log: an outage is a few state-change lines, not one line per failed attempt.

Records are made the way aiokafka makes them (its messages, its exception arguments) and go
through real loggers; the clock is a variable so the intervals need no waiting.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError, NodeNotReadyError

from workers.settings import Settings
from workers.stream.app import build_app
from workers.stream.connection_log import ConnectionLog, install
from workers.stream.consumer import RETRY_BACKOFF_MS, SafeConsumer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def outage(caplog: pytest.LogCaptureFixture):
    """A logger with a fresh `ConnectionLog`, its clock, and a function that logs one failed round of retries."""
    clock = Clock()
    connection_log = ConnectionLog(clock=clock, quiet=5.0, first_report=30.0, max_report=120.0)
    logger = logging.getLogger("test.aiokafka")
    logger.addFilter(connection_log)
    caplog.set_level(logging.INFO)

    def fail_once() -> None:  # what aiokafka logs in one round while the broker is away
        logger.error(
            "Unable connect to node with id %s: %s", 1, OSError(111, "Connect call failed ('127.0.0.1', 19192)")
        )
        logger.error("Unable to update metadata from %s", [1])
        logger.error("Failed fetch messages from %s: %s", 1, NodeNotReadyError("node 1 not ready"))
        logger.error("Group Coordinator Request failed: %s", KafkaConnectionError("Connection at 127.0.0.1 closed"))

    yield clock, connection_log, logger, fail_once
    logger.removeFilter(connection_log)


def test_an_outage_is_logged_as_lost_still_down_and_back(outage, caplog: pytest.LogCaptureFixture):
    clock, connection_log, logger, fail_once = outage
    for _ in range(600):  # ten minutes of failures, one round a second
        fail_once()
        connection_log.check()
        clock.now += 1.0
    for _ in range(10):  # the broker is back: no more errors
        connection_log.check()
        clock.now += 1.0
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("Kafka connection lost: Unable connect to node with id 1")
    still = [line for line in lines if line.startswith("Kafka still unreachable")]
    # summaries after 30, 90 (+60), 210 (+120) s, then every 120 s
    assert [line.split(" s:")[0].rsplit(" ", 1)[1] for line in still] == ["30", "90", "210", "330", "450", "570"]
    assert lines[-1] == "Kafka connection back after about 599 s (2399 failed attempts not logged)"
    assert len(lines) == 8, lines


def test_other_records_pass_and_a_second_outage_is_reported_again(outage, caplog: pytest.LogCaptureFixture):
    clock, connection_log, logger, fail_once = outage
    logger.warning("Heartbeat failed for group %s because it is rebalancing", "g")  # not a connection error
    logger.info("Discovered coordinator %s for group %s", 1, "g")
    fail_once()
    clock.now += 6.0
    connection_log.check()
    fail_once()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[:2] == [
        "Heartbeat failed for group g because it is rebalancing",
        "Discovered coordinator 1 for group g",
    ]
    assert [line.split(":")[0] for line in lines[2:]] == [
        "Kafka connection lost",
        "Kafka connection back after about 0 s (3 failed attempts not logged)",
        "Kafka connection lost",
    ]


def test_install_filters_every_aiokafka_logger_once():
    first, second = install(), install()
    assert first is second
    for name in (
        "aiokafka",
        "aiokafka.conn",
        "aiokafka.consumer.fetcher",
        "aiokafka.consumer.group_coordinator",
        "aiokafka.producer.sender",
    ):
        assert logging.getLogger(name).filters.count(first) == 1, name


def test_the_worker_consumer_retries_every_second(tmp_path):
    wiring = build_app(Settings.from_env(data_dir=str(tmp_path), topic_prefix="t."))
    consumer = wiring.app.consumer
    assert isinstance(consumer, SafeConsumer)
    thread = consumer._new_consumer_thread()

    async def create() -> Any:  # aiokafka makes its consumer inside a running loop only
        return thread._create_worker_consumer(wiring.app.transport)

    client = asyncio.run(create())
    assert client._retry_backoff_ms == RETRY_BACKOFF_MS == 1000
    assert client._client._retry_backoff == 1.0
