"""Integration fixtures: the real local broker, worker processes and topic readers.

`make test` starts the broker before pytest; run alone, the `broker` fixture starts it.
Each test module gets its own topic prefix and consumer group, so modules never see each
other's records and a re-run starts clean.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from workers.broker import LocalBroker
from workers.clients import create_topics, producer
from workers.publish.topics import Topics
from workers.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def broker() -> str:
    """Bootstrap address of a running local broker."""
    settings = Settings.from_env()
    local = LocalBroker(settings.broker_home_path, port=settings.broker_port, heap=settings.broker_heap)
    if not local.is_ready():
        local.start()
    return local.bootstrap


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """An `eventwire worker` subprocess with its own environment and log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> "Worker":
        offset = self.log.stat().st_size if self.log.exists() else 0
        out = open(self.log, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "workers.cli", "worker", "--loglevel", "info"],
                                     env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_bytes()[offset:]
            if b"Worker]: Ready" in text:
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        raise AssertionError(f"worker not ready; log tail:\n{self.log.read_text(errors='replace')[-3000:]}")

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            return self.proc.wait(10)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        assert self.proc is not None
        self.proc.wait(10)


class Stack:
    """One isolated deployment on the shared broker: a prefix, settings, and its workers."""

    def __init__(self, bootstrap: str, tmp: Path, partitions: int = 4) -> None:
        self.prefix = f"t{uuid.uuid4().hex[:8]}."
        self.tmp = tmp
        self.settings = Settings.from_env(bootstrap_servers=bootstrap, topic_prefix=self.prefix,
                                          partitions=partitions, app_id=f"eventwire-{self.prefix}")
        self.topics = Topics(self.prefix)
        self.workers: list[Worker] = []
        create_topics(self.settings)

    def worker_env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")}
        env.update({
            "EVENTWIRE_BOOTSTRAP_SERVERS": self.settings.bootstrap_servers,
            "EVENTWIRE_TOPIC_PREFIX": self.prefix,
            "EVENTWIRE_APP_ID": self.settings.app_id,
            "EVENTWIRE_PARTITIONS": str(self.settings.partitions),
            "EVENTWIRE_WEB_PORT": str(free_port()),
        })
        env.update(extra)
        return env

    def worker(self, name: str = "w1", **extra: str) -> Worker:
        env = self.worker_env(EVENTWIRE_DATA_DIR=str(self.tmp / f"data-{name}"), **extra)
        worker = Worker(env, self.tmp / f"{name}.log")
        self.workers.append(worker)
        return worker

    def publish(self, records: list[bytes], topic: str | None = None, partition: int | None = None) -> None:
        prod = producer(self.settings)
        for raw in records:
            prod.send(topic or self.topics.articles, value=raw, partition=partition)
        prod.flush()
        prod.close()

    def read(self, topics: str | list[str], count: int, timeout: float = 60.0,
             settle: float = 0.0) -> dict[str, list[tuple[bytes | None, dict]]]:
        """Read `topics` from the start until `count` records arrived in all (or the timeout).

        With `settle`, keep reading that many seconds longer, so extra records would show.
        """
        names = [topics] if isinstance(topics, str) else topics
        cons = KafkaConsumer(bootstrap_servers=self.settings.bootstrap_servers, enable_auto_commit=False,
                             isolation_level="read_committed")
        partitions = [TopicPartition(t, p) for t in names for p in cons.partitions_for_topic(t) or []]
        cons.assign(partitions)
        cons.seek_to_beginning(*partitions)
        out: dict[str, list[tuple[bytes | None, dict]]] = {t: [] for t in names}
        deadline = time.monotonic() + timeout
        try:
            while sum(map(len, out.values())) < count and time.monotonic() < deadline:
                for tp, batch in cons.poll(timeout_ms=500).items():
                    out[tp.topic].extend((m.key, orjson.loads(m.value)) for m in batch)
            settle_until = time.monotonic() + settle
            while time.monotonic() < settle_until:
                for tp, batch in cons.poll(timeout_ms=500).items():
                    out[tp.topic].extend((m.key, orjson.loads(m.value)) for m in batch)
        finally:
            cons.close()
        return out

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()


@pytest.fixture
def stack(broker: str, tmp_path: Path) -> Iterator[Stack]:
    s = Stack(broker, tmp_path)
    yield s
    s.close()


def load_jsonl(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.strip()]
