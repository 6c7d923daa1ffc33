"""Kafka records written and read per article and per event by one worker, from topic end offsets.

    .venv/bin/python -m benchmarks.records                  # 80 generated articles
    .venv/bin/python -m benchmarks.records --articles 300 --profile /tmp/worker.txt   # py-spy installed
    .venv/bin/python -m benchmarks.records --tempeval 120 --profile /tmp/worker.txt   # real news instead

A fresh deployment with one worker is warmed up; then the end offset of every topic of the
deployment (its own topics and the app's changelog topics) is read before and after a run
of generated articles, once the worker has gone quiet (throughput and worker CPU as
`harness.stream_run` measures them, with the profiler's cost when profiling). Writes are the growth of every topic;
reads are the growth of the topics the worker consumes, counted once per reader (the
agents' topics, found from the group's committed offsets, and `events` once more for the
HTTP feed's own consumer). With
`--profile`, py-spy (a dev tool, `pip install py-spy`) samples the worker process and its
extraction processes during the run and writes the top functions by own time, per process.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from benchmarks.harness import (
    MACHINE_NOTE,
    Deployment,
    expected_events,
    make_corpus,
    print_table,
    stream_run,
    tempeval_records,
    unique_records,
    warm_set,
)
from workers.clients import admin, client_kwargs
from workers.extract.pipeline import Extractor


def end_offsets(d: Deployment) -> dict[str, int]:
    """Topic -> sum of its partitions' end offsets, for every topic of the deployment."""
    client = admin(d.settings)
    try:
        names = [t for t in client.list_topics() if t.startswith((d.prefix, d.settings.app_id))]
    finally:
        client.close()
    consumer = KafkaConsumer(enable_auto_commit=False, **client_kwargs(d.settings))
    try:
        tps = [TopicPartition(t, p) for t in names for p in consumer.partitions_for_topic(t) or ()]
        totals: dict[str, int] = dict.fromkeys(names, 0)
        for tp, offset in consumer.end_offsets(tps).items():
            totals[tp.topic] += offset
        return totals
    finally:
        consumer.close()


def quiet_offsets(d: Deployment, settle: float = 3.0, timeout: float = 120.0) -> dict[str, int]:
    """End offsets once they stopped moving for `settle` seconds."""
    last, since, deadline = end_offsets(d), time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = end_offsets(d)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= settle:
            return now
    return last


def readers(d: Deployment) -> dict[str, int]:
    """Topic -> how many consumers in one worker read every record of it: the topics its agents
    commit offsets for in the app's group, and `events` once more for the HTTP feed."""
    client = admin(d.settings)
    try:
        committed = client.list_group_offsets(d.settings.app_id)[d.settings.app_id]
    finally:
        client.close()
    counts = dict.fromkeys({tp.topic for tp in committed}, 1)
    counts[d.topics.events] = counts.get(d.topics.events, 0) + 1
    return counts


def start_profile(pid: int, raw: Path) -> subprocess.Popen:
    spy = shutil.which("py-spy") or str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "py-spy")
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--rate",
            "100",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


PROCESS_FRAME = re.compile(r"process \d+:")  # py-spy's frame for a process (not a function named process)


def summarise(raw: Path, out: Path, top: int = 40) -> None:
    """The functions with most own samples (leaf frames) in each process, from py-spy's raw
    output (with --subprocesses a stack opens with the process and every parent of it)."""
    own: dict[str, Counter[str]] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        here = max(i for i, frame in enumerate(frames) if PROCESS_FRAME.match(frame))
        own.setdefault(frames[here][:100], Counter())[frames[-1]] += int(count)
    total = sum(sum(c.values()) for c in own.values()) or 1
    lines = []
    for process, counts in sorted(own.items(), key=lambda item: -sum(item[1].values())):
        samples = sum(counts.values())
        lines.append(f"{samples / total:6.1%}  {process} ({samples} samples; below: share of this process)\n")
        lines.extend(f"  {n / samples:6.1%}  {name}\n" for name, n in counts.most_common(top))
    out.write_text("".join(lines))
    print(f"profile ({total} samples) written to {out}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.records", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=80)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tempeval", type=int, default=0, help="run this many TempEval-3 real news articles instead")
    p.add_argument("--profile", metavar="PATH", help="write a py-spy summary of the worker under load to PATH")
    args = p.parse_args(argv)
    print(MACHINE_NOTE)
    extractor = Extractor()
    corpus = unique_records(tempeval_records(args.tempeval)) if args.tempeval else make_corpus(args.articles, args.seed)
    expected = expected_events(extractor, corpus)
    with Deployment() as d:
        d.start_workers(1)
        d.warm_up(*warm_set(extractor, args.seed))
        before = quiet_offsets(d)
        spy = start_profile(d.workers[0].pid, Path(args.profile + ".raw")) if args.profile else None
        run = stream_run(d, corpus, expected)
        after = quiet_offsets(d)
        if spy is not None:
            spy.send_signal(2)
            spy.wait(30)
            summarise(Path(args.profile + ".raw"), Path(args.profile))
        grown = {t: after.get(t, 0) - before.get(t, 0) for t in after}
        reads = {t: n * grown.get(t, 0) for t, n in readers(d).items()}
        rows = [(t.removeprefix(d.prefix), grown[t], reads.get(t, 0)) for t in sorted(grown) if grown[t]]
        print(
            f"\n{len(corpus)} articles, {len(expected)} events: {run['articles_per_s']} articles/s, "
            f"{run['articles_per_worker_cpu_s']} per worker CPU-s, {run['machine_busy_cores']} cores busy"
        )
        print(
            f"CPU ms per article: worker process {1000 * run['worker_own_cpu_s'] / len(corpus):.1f}, "
            f"extraction processes {1000 * (run['worker_cpu_s'] - run['worker_own_cpu_s']) / len(corpus):.1f}"
        )
        print_table(["topic", "records written", "records read"], rows)
        writes, read = sum(grown.values()), sum(reads.values())
        print(
            f"per article: {writes / len(corpus):.1f} written, {read / len(corpus):.1f} read, "
            f"{(writes + read) / len(corpus):.1f} in all; per event: {writes / len(expected):.1f} written, "
            f"{read / len(expected):.1f} read"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
