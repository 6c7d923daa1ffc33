"""Integration fixtures: the real local broker, worker processes and topic readers.

`make test` starts the broker before pytest; run alone, the `broker` fixture starts it.
Each test module gets its own topic prefix and consumer group, so modules never see each
other's records and a re-run starts clean.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from workers.broker import LocalBroker
from workers.clients import client_kwargs, create_topics, producer
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


def _decoded(value: bytes | None) -> Any:
    """A record's JSON value; None for a tombstone (a retired cluster id on events.consolidated)."""
    return None if value is None else orjson.loads(value)


def current_clusters(records: list[tuple[bytes | None, dict | None]]) -> dict[bytes | None, dict]:
    """The clusters a consumer of events.consolidated holds after `records` (key, value) in
    partition order: the latest version per key, retired ids (a `merged_into` record, then a
    tombstone) left out."""
    latest: dict[bytes | None, dict] = {}
    for key, record in records:
        if record is None or "merged_into" in record:
            latest.pop(key, None)
        elif key not in latest or record["version"] > latest[key]["version"]:
            latest[key] = record
    return latest


def command(*args: str) -> list[str]:
    """The command line of `eventwire ARGS`, run from this checkout."""
    return [sys.executable, "-m", "workers.cli", *args]


def eventwire(*args: str, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`eventwire ARGS` run to its end with `env`, as an operator runs it; output captured as text."""
    return subprocess.run(command(*args), env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def replay_interrupted_and_resumed(
    stack: Stack, stop_at: str, stop_timeout: float, resume_timeout: float
) -> subprocess.CompletedProcess[str]:
    """`eventwire replay --from beginning --output-prefix ri. --batch 1`, interrupted with
    SIGINT once its progress line shows `stop_at`, then the same command run to the end (the
    resumed run, returned; both exit codes checked)."""
    args = ["replay", "--from", "beginning", "--output-prefix", "ri.", "--batch", "1"]
    first = stack.popen(*args)
    assert first.stderr is not None
    seen = ""
    while stop_at not in seen:
        chunk = first.stderr.read(1)
        assert chunk, f"replay ended early: {seen}"
        seen += chunk
    first.send_signal(signal.SIGINT)
    rest = first.communicate(timeout=stop_timeout)[1]
    assert first.returncode == 130, seen + rest
    second = stack.cli(*args, timeout=resume_timeout)
    assert second.returncode == 0, second.stderr
    return second


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_pair() -> int:
    """A port whose successor is free too: a `LocalBroker` listens on both (client, controller)."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


@contextlib.contextmanager
def own_broker(home: Path, port: int | None = None, **options: Any) -> Iterator[LocalBroker]:
    """A second, private broker on free ports (or `port` and the next) with its home in `home` (the jars are shared).

    For tests that stop the broker or change its listeners; the shared broker stays up.
    """
    settings = Settings.from_env()
    shared = LocalBroker(settings.broker_home_path)
    shared.install()
    home.mkdir(parents=True, exist_ok=True)
    (home / "jars").symlink_to(shared.jars, target_is_directory=True)
    local = LocalBroker(home, port=port or free_port_pair(), heap="512m", **options)
    local.start()
    try:
        yield local
    finally:
        local.stop()
        shutil.rmtree(local.data_dir, ignore_errors=True)


class Worker:
    """An `eventwire worker` subprocess with its own environment and log file."""

    def __init__(self, env: dict[str, str], log: Path, module: str = "workers.cli") -> None:
        """`module`: what `python -m` runs with the argument `worker` (tests may run a worker
        assembled with another extractor, see hang_worker.py)."""
        self.env = env
        self.log = log
        self.module = module
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> Worker:
        offset = self.log.stat().st_size if self.log.exists() else 0
        out = open(self.log, "ab")  # noqa: SIM115 - the worker process writes to it after this returns
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module, "worker", "--loglevel", "info"],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,
        )
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

    def __init__(
        self, bootstrap: str, tmp: Path, partitions: int = 4, *, create: bool = True, **connection: str
    ) -> None:
        """`connection`: security settings (`security_protocol`, `sasl_mechanism`, …) for every client;
        `create=False` leaves the topics to the test (e.g. when the credentials are wrong)."""
        self.prefix = f"t{uuid.uuid4().hex[:8]}."
        self.tmp = tmp
        self.settings = Settings.from_env(
            bootstrap_servers=bootstrap,
            topic_prefix=self.prefix,
            partitions=partitions,
            app_id=f"eventwire-{self.prefix}",
            **connection,
        )
        self.connection_env = {
            f.metadata["env"]: str(getattr(self.settings, f.name))
            for f in dataclasses.fields(Settings)
            if f.name in connection
        }
        self.topics = Topics(self.prefix)
        self.workers: list[Worker] = []
        if create:
            create_topics(self.settings)

    def cli(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """`eventwire ARGS` against this stack, run to its end."""
        return eventwire(*args, env=self.worker_env(), timeout=timeout)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """`eventwire ARGS` against this stack, started; its stderr is a text pipe."""
        return subprocess.Popen(command(*args), env=self.worker_env(), cwd=REPO, stderr=subprocess.PIPE, text=True)

    def worker_env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")}
        env.update(
            {
                "EVENTWIRE_BOOTSTRAP_SERVERS": self.settings.bootstrap_servers,
                "EVENTWIRE_TOPIC_PREFIX": self.prefix,
                "EVENTWIRE_APP_ID": self.settings.app_id,
                "EVENTWIRE_PARTITIONS": str(self.settings.partitions),
                "EVENTWIRE_WEB_PORT": str(free_port()),
                **self.connection_env,
            }
        )
        env.update(extra)
        return env

    def worker(self, name: str = "w1", module: str = "workers.cli", **extra: str) -> Worker:
        env = self.worker_env(EVENTWIRE_DATA_DIR=str(self.tmp / f"data-{name}"), **extra)
        worker = Worker(env, self.tmp / f"{name}.log", module)
        self.workers.append(worker)
        return worker

    def publish(
        self,
        records: list[bytes],
        topic: str | None = None,
        partition: int | None = None,
        keys: list[bytes] | None = None,
    ) -> None:
        prod = producer(self.settings)
        for raw, key in zip(records, keys or [None] * len(records)):
            prod.send(topic or self.topics.articles, value=raw, key=key, partition=partition)
        prod.flush()
        prod.close()

    def read(
        self, topics: str | list[str], count: int, timeout: float = 60.0, settle: float = 0.0
    ) -> dict[str, list[tuple[bytes | None, dict]]]:
        """Read `topics` from the start until `count` records arrived in all (or the timeout).

        With `settle`, keep reading that many seconds longer, so extra records would show.
        """
        return self.read_until(topics, lambda out: sum(map(len, out.values())) >= count, timeout, settle)

    def read_until(
        self,
        topics: str | list[str],
        done: Callable[[dict[str, list[tuple[bytes | None, dict]]]], bool],
        timeout: float = 60.0,
        settle: float = 0.0,
    ) -> dict[str, list[tuple[bytes | None, dict]]]:
        """Read committed records of `topics` from the start until `done(records by topic)` (or the timeout)."""
        names = [topics] if isinstance(topics, str) else topics
        cons = KafkaConsumer(enable_auto_commit=False, isolation_level="read_committed", **client_kwargs(self.settings))
        partitions = [TopicPartition(t, p) for t in names for p in cons.partitions_for_topic(t) or []]
        cons.assign(partitions)
        cons.seek_to_beginning(*partitions)
        out: dict[str, list[tuple[bytes | None, dict]]] = {t: [] for t in names}
        deadline = time.monotonic() + timeout
        try:
            while not done(out) and time.monotonic() < deadline:
                for tp, batch in cons.poll(timeout_ms=500).items():
                    out[tp.topic].extend((m.key, _decoded(m.value)) for m in batch)
            settle_until = time.monotonic() + settle
            while time.monotonic() < settle_until:
                for tp, batch in cons.poll(timeout_ms=500).items():
                    out[tp.topic].extend((m.key, _decoded(m.value)) for m in batch)
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


# -- generated news ------------------------------------------------------------------------
# Pools for `generated_articles`: each article draws its place, actors, numbers and the
# wording of every sentence independently, so two articles share few 3-word shingles.
_PLACES = [
    "Kabul",
    "Mosul",
    "Aleppo",
    "Mogadishu",
    "Kharkiv",
    "Goma",
    "Maiduguri",
    "Sanaa",
    "Tripoli",
    "Bamako",
    "Peshawar",
    "Quetta",
    "Juba",
    "Khartoum",
    "Benghazi",
    "Kandahar",
    "Homs",
    "Odesa",
    "Niamey",
    "Ouagadougou",
    "Kirkuk",
    "Idlib",
    "Lahore",
    "Karachi",
    "Bogota",
    "Caracas",
    "Lima",
    "Manila",
    "Yangon",
    "Dhaka",
    "Nairobi",
    "Addis Ababa",
    "Kinshasa",
    "Beirut",
    "Damascus",
]
_ATTACKERS = [
    "gunmen",
    "militants",
    "suspected insurgents",
    "armed men on motorbikes",
    "a suicide bomber",
    "unidentified assailants",
    "fighters loyal to a local commander",
    "a group of attackers",
]
_TARGETS = [
    "a police station",
    "a military checkpoint",
    "a crowded market",
    "a village mosque",
    "an army convoy",
    "a bus station",
    "a government office",
    "a refugee camp",
    "a border post",
]
_ATTACK_VERBS = ["attacked", "stormed", "bombed", "shelled", "raided", "ambushed"]
_OFFICIALS = [
    "a provincial spokesman",
    "the interior ministry",
    "local police",
    "a hospital director",
    "the regional governor",
    "a senior army officer",
    "witnesses",
    "a district official",
]
_FORCES = ["Security forces", "Government troops", "Police", "Soldiers", "Special forces"]
_CROWDS = [
    "students",
    "farmers",
    "teachers",
    "taxi drivers",
    "health workers",
    "opposition supporters",
    "market traders",
    "factory workers",
]
_GRIEVANCES = [
    "rising fuel prices",
    "unpaid wages",
    "the disputed election",
    "power cuts",
    "a new tax on bread",
    "the arrest of a union leader",
    "water shortages",
]
_FIRST = [
    "Amina",
    "Omar",
    "Lena",
    "Viktor",
    "Grace",
    "Tariq",
    "Maria",
    "Kwame",
    "Sofia",
    "Hassan",
    "Ines",
    "Dmitri",
    "Fatima",
    "Jorge",
    "Nadia",
    "Samuel",
    "Leila",
    "Pavel",
    "Chen",
    "Aisha",
]
_LAST = [
    "Haddad",
    "Mensah",
    "Petrenko",
    "Okafor",
    "Rahimi",
    "Silva",
    "Nasser",
    "Kovac",
    "Abubakar",
    "Mendez",
    "Karimi",
    "Osei",
    "Farouk",
    "Lindqvist",
    "Ibrahim",
    "Castillo",
    "Yusuf",
    "Morozov",
    "Tembo",
    "Quispe",
]
_JOBS = ["shopkeeper", "nurse", "teacher", "driver", "student", "baker", "mechanic", "pharmacist", "farmer"]
_QUOTES = [
    "we heard shooting for almost an hour",
    "nobody came to help us until the morning",
    "my brother is still missing",
    "the whole street was covered in glass",
    "people are afraid to leave their homes",
    "the prices have doubled since spring",
    "we want the truth about what happened",
    "the soldiers told everyone to go inside",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_ASIDES = [
    "Roads into the {p} area were closed for several hours.",
    "Shops in central {p} stayed shut for the rest of the day.",
    "Residents of {p} described hearing {n} loud explosions before dawn.",
    "Aid groups in {p} asked for {n} more ambulances and blood donors.",
    "The mayor of {p} called an emergency meeting of the city council.",
    "Schools across {p} cancelled classes until further notice.",
    "Telephone lines around {p} were cut for {n} hours, residents said.",
    "Television footage from {p} showed burned cars and broken windows.",
]


def generated_articles(n: int, seed: int = 7, prefix: str = "gen") -> list[dict]:
    """`n` distinct English news articles (attacks, arrests, protests, statements) as input records."""
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        p, day, k = rng.choice(_PLACES), rng.choice(_DAYS), rng.randint(2, 90)
        official, crowd = rng.choice(_OFFICIALS), rng.choice(_CROWDS)
        sentences = [
            f"{p.upper()} (Wire {i}) — {rng.choice(_ATTACKERS).capitalize()} {rng.choice(_ATTACK_VERBS)} "
            f"{rng.choice(_TARGETS)} in {p} on {day}, killing {k} people, {official} said.",
            f"{rng.choice(_FORCES)} arrested {rng.randint(2, 40)} suspects in a raid on the outskirts of {p} "
            f"{rng.choice(['later that night', 'the next morning', 'on ' + rng.choice(_DAYS)])}.",
            f"Hundreds of {crowd} protested in {p} against {rng.choice(_GRIEVANCES)} "
            f"{rng.choice(['a week earlier', 'over the weekend', 'last month'])}.",
            f"{rng.choice(_OFFICIALS).capitalize()} condemned the violence and promised an inquiry "
            f"into report number {rng.randint(100, 99999)}.",
            f"{rng.choice(_FIRST)} {rng.choice(_LAST)}, a {rng.choice(_JOBS)} from the {rng.choice(_LAST)} "
            f"district, said {rng.choice(_QUOTES)}.",
            *(rng.sample(_ASIDES, 3)),
        ]
        body = (
            " ".join(s.format(p=p, n=rng.randint(2, 30)) for s in sentences[:4])
            + "\n\n"
            + " ".join(s.format(p=p, n=rng.randint(2, 30)) for s in sentences[4:])
        )
        articles.append(
            {
                "id": f"{prefix}-{i:05d}",
                "url": f"https://generated.example/{prefix}/{i}",
                "source": "generated-wire",
                "title": f"Violence in {p}, report {i}",
                "body": body,
                "published_at": f"2026-10-{1 + i % 3:02d}T{i % 24:02d}:15:00Z",
                "language": "en",
            }
        )
    return articles
