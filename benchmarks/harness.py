"""Shared pieces of the stream benchmarks: the load corpus, an isolated deployment on the
real broker with `eventwire worker` subprocesses, reading results back, and the output.

    records = make_corpus(600, seed=1)                  # dedup-clean article records (dicts)
    extractor = Extractor()
    expected = expected_events(extractor, records)      # event ids per article, computed offline
    with Deployment(partitions=4) as d:                 # fresh topic prefix and app id
        d.start_workers(1)                              # subprocesses, ready and in the group
        d.warm_up(*warm_set(extractor, seed=1))         # 32 other articles through the worker first
        sent = d.publish(records)                       # article id -> record timestamp (ms)
        got = d.collect(expected, timeout=120)          # event id -> (record timestamp, article id)

Everything the benchmarks time is taken from Kafka record timestamps: the article
record's (set by our producer when it sends) and the event records' (set by the worker's
producer when it publishes), so reading the results back later costs nothing measured.
Workers are stopped and the deployment's topics deleted on exit, even after an error;
the shared broker keeps running.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

from workers.clients import admin, client_kwargs, create_topics, producer
from workers.dedup import DedupConfig, DedupIndex
from workers.extract.pipeline import Extractor
from workers.extract.text import clean, segment
from workers.ingest.validate import RecordMeta, validate
from workers.publish.topics import Topics
from workers.records import Article, DeadLetter
from workers.settings import Settings

REPO = Path(__file__).resolve().parents[1]
BASE_FILES = (REPO / "samples" / "articles.jsonl", REPO / "eval" / "devset.jsonl")
TEMPEVAL = REPO.parent / "shared" / "dev" / "tempeval3-train.dev.jsonl"
MACHINE_NOTE = "shared 2-core machine (other engineers' jobs running): compare ratios, not absolute rates"

# -- corpus ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"\b\d+\b")
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
SENTENCES = (6, 14)  # sentences per generated article, inclusive


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _sentences(body: str) -> list[str]:
    text = clean(body).text
    return [text[s.start : s.end] for s in segment(text) if s.kind == "prose"]


def make_corpus(n: int, seed: int, prefix: str = "bench") -> list[dict[str, Any]]:
    """`n` input records built from the sample articles and the dev set, none a near copy of another.

    Each record opens with the first sentence (the dateline) of a base article, cycling
    through them, and goes on with 6-14 sentences in all drawn from every base body, in
    paragraphs of 1-3 sentences; numbers and weekdays are redrawn. Records that the dedup
    stage (default config) would still call duplicates are dropped and replaced, so every
    record reaches extraction.
    """
    bases = [r for path in BASE_FILES for r in read_jsonl(path)]
    openers = [_sentences(r["body"])[0] for r in bases]
    pool = [s for r in bases for s in _sentences(r["body"])[1:]]
    rng = random.Random(seed)
    index = DedupIndex(DedupConfig())
    out: list[dict[str, Any]] = []
    attempt = 0
    while len(out) < n:
        base = bases[attempt % len(bases)]
        sentences = [openers[attempt % len(bases)], *rng.sample(pool, rng.randint(*SENTENCES) - 1)]
        sentences = [
            _WEEKDAY.sub(
                lambda _: rng.choice(_WEEKDAYS), _NUMBER.sub(lambda m: str(rng.randint(2, 10 ** len(m.group()) - 1)), s)
            )
            for s in sentences
        ]
        paragraphs, i = [], 0
        while i < len(sentences):
            size = 2 if i == 0 else rng.randint(1, 3)
            paragraphs.append(" ".join(sentences[i : i + size]))
            i += size
        record = {
            "id": f"{prefix}-{seed}-{attempt:06d}",
            "url": f"https://bench.example/{prefix}/{seed}/{attempt}",
            "source": base.get("source") or "bench",
            "title": base.get("title"),
            "body": "\n\n".join(paragraphs),
            "published_at": base["published_at"],
            "language": "en",
        }
        attempt += 1
        entry = index.fingerprint(
            Article(id=record["id"], body=record["body"], published_at=""), seen_at=float(attempt)
        )
        if index.process(entry).kind == "unique":
            out.append(record)
    return out


def tempeval_records(limit: int | None = None) -> list[dict[str, Any]]:
    """Real news bodies (TempEval-3 training articles in ../shared) as input records; [] when absent."""
    if not TEMPEVAL.is_file():
        return []
    return [
        {"id": r["id"], "body": r["text"], "published_at": _rfc3339(r.get("published_at")), "language": "en"}
        for r in read_jsonl(TEMPEVAL)[:limit]
    ]


def unique_records(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`records` without those the dedup stage (default config) would call duplicates, so that
    every one reaches extraction in a stream run."""
    index = DedupIndex(DedupConfig())
    out = []
    for n, record in enumerate(records):
        entry = index.fingerprint(Article(id=record["id"], body=record["body"], published_at=""), seen_at=float(n))
        if index.process(entry).kind == "unique":
            out.append(record)
    return out


def _rfc3339(day: str | None) -> str | None:
    return f"{day}T12:00:00Z" if day and len(day) == 10 else day


def to_articles(records: Iterable[dict[str, Any]]) -> list[Article]:
    """The articles ingest would make of `records` (the same validation the worker runs)."""
    settings = Settings.from_env()
    out = []
    for record in records:
        outcome = validate(orjson.dumps(record), RecordMeta(), settings)
        if isinstance(outcome, DeadLetter):
            raise ValueError(f"benchmark record {record.get('id')} is rejected: {outcome.error} {outcome.message}")
        out.append(outcome)
    return out


def word_stats(records: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Mean, median, min and max words per body (white-space split)."""
    counts = sorted(len(r["body"].split()) for r in records)
    return {
        "mean": round(sum(counts) / len(counts), 1),
        "median": counts[len(counts) // 2],
        "min": counts[0],
        "max": counts[-1],
        "total": sum(counts),
    }


def warm_set(extractor: Extractor, seed: int) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """32 warm-up articles (ids apart from any measured corpus) and their expected events, for `warm_up`."""
    warm = make_corpus(32, seed + 1000, prefix="warm")
    return warm, expected_events(extractor, warm)


def expected_events(extractor: Extractor, records: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Event id -> article id for every event the pipeline finds in `records`, offline.

    Event ids depend only on the article id and body offsets, so the worker publishes
    exactly these ids: the stream run is complete when all of them are on `events`.
    """
    return {e.event_id: a.article_id for a in extractor.annotate_many(to_articles(records)) for e in a.events}


# -- the deployment -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def descendants(pid: int) -> set[int]:
    """Process `pid` and every live process below it (a worker's extraction processes), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (OSError, IndexError):
                continue  # gone meanwhile
    tree, frontier = {pid}, [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier and child not in tree]
        tree.update(frontier)
    return tree


def cpu_seconds(pid: int, descendants_too: bool = True) -> float:
    """User + system CPU seconds used so far by process `pid` and every live descendant (a
    worker's or `eventwire extract`'s extraction processes), plus the children they reaped
    (a replaced extraction process), from /proc. With `descendants_too` False: `pid`'s own."""
    if not descendants_too:
        return sum(int(v) for v in _stat(pid)[11:13]) / os.sysconf("SC_CLK_TCK")
    ticks = 0
    for member in descendants(pid):
        try:
            fields = _stat(member)
        except OSError:
            continue
        ticks += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (from /proc/stat)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - ticks[3] - ticks[4]) / hz, sum(ticks) / hz


def rss_mb(pid: int) -> float:
    """Resident set size of process `pid` in MiB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


class WorkerProcess:
    """One `eventwire worker` subprocess (or `command`, a worker assembled otherwise), its own
    process group, logging to a file."""

    def __init__(
        self, env: dict[str, str], log: Path, command: Sequence[str] = ("-m", "workers.cli", "worker")
    ) -> None:
        self.log = log
        self._log_start = log.stat().st_size if log.exists() else 0  # a restarted worker appends
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, *command, "--loglevel", "info"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if b"Worker]: Ready" in self.log.read_bytes()[self._log_start :]:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"worker {self.pid} not ready; log tail:\n{self.log.read_text(errors='replace')[-2000:]}")

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


class Deployment:
    """A fresh topic prefix and consumer group on the shared broker, with its worker processes."""

    def __init__(
        self, partitions: int = 4, keep_logs: bool = False, command: Sequence[str] = ("-m", "workers.cli", "worker")
    ) -> None:
        """`command`: the arguments of `python` that run a worker."""
        tag = uuid.uuid4().hex[:8]
        self.command = command
        self.prefix = f"bench{tag}."
        self.settings = Settings.from_env(
            topic_prefix=self.prefix, partitions=partitions, app_id=f"eventwire-bench-{tag}"
        )
        self.topics = Topics(self.prefix)
        self.tmp = Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
        self.keep_logs = keep_logs
        self.workers: list[WorkerProcess] = []
        self._producer = producer(self.settings)

    def __enter__(self) -> Deployment:
        create_topics(self.settings)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close(failed=exc is not None)

    def scale_to(self, count: int, timeout: float = 120.0) -> None:
        """Start or stop workers until `count` run, then wait until the group is stable with them all."""
        while len(self.workers) > count:
            self.workers.pop().stop()
        self.start_workers(count - len(self.workers), timeout)

    def start_workers(self, count: int, timeout: float = 120.0) -> None:
        """Start `count` more workers and wait until each is ready and the group holds them all."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("EVENTWIRE_")}
        for _ in range(count):
            n = len(self.workers)
            env = {
                **base,
                "EVENTWIRE_BOOTSTRAP_SERVERS": self.settings.bootstrap_servers,
                "EVENTWIRE_TOPIC_PREFIX": self.prefix,
                "EVENTWIRE_APP_ID": self.settings.app_id,
                "EVENTWIRE_PARTITIONS": str(self.settings.partitions),
                "EVENTWIRE_WEB_PORT": str(_free_port()),
                "EVENTWIRE_DATA_DIR": str(self.tmp / f"data-{n}"),
            }
            self.workers.append(WorkerProcess(env, self.tmp / f"worker-{n}.log", self.command))
        deadline = time.monotonic() + timeout
        for worker in self.workers[-count:] if count else []:
            worker.wait_ready(deadline)
        self._wait_group(len(self.workers), deadline)

    def _wait_group(self, members: int, deadline: float) -> None:
        client = admin(self.settings)
        try:
            while time.monotonic() < deadline:
                group = client.describe_groups([self.settings.app_id]).get(self.settings.app_id, {})
                if group.get("group_state") == "Stable" and len(group.get("members") or []) == members:
                    return
                time.sleep(0.5)
        finally:
            client.close()
        raise RuntimeError(f"consumer group {self.settings.app_id} never became stable with {members} members")

    def publish(self, records: Sequence[dict[str, Any]], rate: float | None = None) -> dict[str, int]:
        """Send `records` to `articles` (at `rate` per second on a fixed schedule, else at once).

        Returns article id -> the record's Kafka timestamp (ms). The schedule is open loop:
        a late send does not push the following ones back.
        """
        futures = []
        start = time.monotonic()
        for i, record in enumerate(records):
            if rate:
                pause = start + i / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            futures.append((record["id"], self._producer.send(self.topics.articles, value=orjson.dumps(record))))
        self._producer.flush()
        return {article_id: future.get(30).timestamp for article_id, future in futures}

    def _event_partitions(self, consumer: KafkaConsumer) -> list[TopicPartition]:
        return [TopicPartition(self.topics.events, p) for p in consumer.partitions_for_topic(self.topics.events)]

    def event_offsets(self) -> dict[int, int]:
        """Partition -> end offset of `events` now: where the next run's events start."""
        consumer = KafkaConsumer(enable_auto_commit=False, **client_kwargs(self.settings))
        try:
            return {
                tp.partition: offset for tp, offset in consumer.end_offsets(self._event_partitions(consumer)).items()
            }
        finally:
            consumer.close()

    def collect(
        self, expected: dict[str, str], timeout: float, since: dict[int, int] | None = None
    ) -> dict[str, tuple[int, str]]:
        """Event id -> (record timestamp ms, article id) for the `expected` events on `events`.

        Reads `events` from the offsets `since` (default: the start) until every expected
        id arrived; raises on timeout.
        """
        consumer = KafkaConsumer(enable_auto_commit=False, **client_kwargs(self.settings))
        tps = self._event_partitions(consumer)
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, (since or {}).get(tp.partition, 0))
        found: dict[str, tuple[int, str]] = {}
        deadline = time.monotonic() + timeout
        try:
            while len(found) < len(expected) and time.monotonic() < deadline:
                for batch in consumer.poll(timeout_ms=500).values():
                    for message in batch:
                        event_id = message.key.decode()
                        if event_id in expected:
                            found[event_id] = (message.timestamp, expected[event_id])
        finally:
            consumer.close()
        if len(found) < len(expected):
            raise RuntimeError(
                f"{len(expected) - len(found)} of {len(expected)} expected events missing "
                f"after {timeout:.0f} s (worker logs in {self.tmp})"
            )
        return found

    def warm_up(self, records: Sequence[dict[str, Any]], expected: dict[str, str], timeout: float = 120.0) -> None:
        """Run `records` through and wait for their events: models, caches and connections get warm."""
        self.publish(records)
        self.collect(expected, timeout)

    def worker_cpu(self, descendants_too: bool = True) -> list[float]:
        """CPU seconds used so far by each worker (with its extraction processes unless told)."""
        return [cpu_seconds(w.pid, descendants_too) for w in self.workers]

    def close(self, failed: bool = False) -> None:
        """Stop every worker, delete this deployment's topics; keep the logs after a failure."""
        for worker in self.workers:
            worker.stop()
        self._producer.close()
        client = admin(self.settings)
        try:
            mine = [t for t in client.list_topics() if t.startswith(self.prefix) or t.startswith(self.settings.app_id)]
            if mine:
                client.delete_topics(mine)
        finally:
            client.close()
        if failed or self.keep_logs:
            print(f"worker logs kept in {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def stream_run(
    deployment: Deployment,
    records: Sequence[dict[str, Any]],
    expected: dict[str, str],
    rate: float | None = None,
    timeout: float = 300.0,
) -> dict[str, Any]:
    """Publish `records`, wait for their `expected` events; throughput and per-event latencies.

    The same records may run again (dedup lets a replay through to be re-extracted): only
    events written after the call count. Throughput is articles over (last event
    timestamp - first article timestamp); latency
    of an event is its record timestamp minus its article's; worker CPU seconds (with and
    without their extraction processes) and the machine's busy cores are read from /proc over
    the run.
    """
    ids = {r["id"] for r in records}
    expected = {event_id: article_id for event_id, article_id in expected.items() if article_id in ids}
    since = deployment.event_offsets()
    cpu0, own0, (busy0, total0) = deployment.worker_cpu(), deployment.worker_cpu(False), machine_cpu()
    sent = deployment.publish(records, rate)
    got = deployment.collect(expected, timeout, since)
    each = [round(after - before, 2) for after, before in zip(deployment.worker_cpu(), cpu0)]
    own = sum(deployment.worker_cpu(False)) - sum(own0)
    cpu, (busy1, total1) = sum(each), machine_cpu()
    first, last = min(sent.values()), max(ts for ts, _ in got.values())
    seconds = (last - first) / 1000
    cores = total1 - total0
    return {
        "articles": len(records),
        "events": len(got),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(records) / seconds, 2),
        "worker_cpu_s": round(cpu, 2),
        "worker_cpu_s_each": each,
        "worker_own_cpu_s": round(own, 2),  # the worker processes alone, without their extraction processes
        "articles_per_worker_cpu_s": round(len(records) / cpu, 2),
        # Cores busy on the whole machine (workers, broker, this process and everybody
        # else's jobs) over the run, read up to the end of collecting.
        "machine_busy_cores": round((busy1 - busy0) / cores * os.cpu_count(), 2) if cores else None,
        "latencies_ms": sorted(ts - sent[article_id] for ts, article_id in got.values()),
    }


# -- output ---------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The `q`-quantile (0..1) of sorted values, nearest rank."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(q * len(sorted_values))))
    return sorted_values[rank - 1]


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A Markdown table, as docs/benchmarks.md shows it."""
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row) + " |")


def write_json(path: str | None, data: dict[str, Any]) -> None:
    """Write `data` (with the machine note) to `path` when given."""
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps({"machine": MACHINE_NOTE, **data}, indent=1) + "\n")
        print(f"results written to {path}")
