"""Memory: worker RSS at steady state, and the dedup window's cost per article, extrapolated.

    .venv/bin/python -m benchmarks.memory                  # ~2.5 min: worker + 20k/50k/100k entries
    .venv/bin/python -m benchmarks.memory --quick          # ~1 min: worker + 5k/10k/20k entries
    .venv/bin/python -m benchmarks.memory --json benchmarks/results/memory.json

1. Worker: VmRSS (/proc/<pid>/status) of one `eventwire worker` subprocess and of each of
   its extraction processes (EVENTWIRE_EXTRACT_JOBS, default 1) when it is ready, after a warm-up, and after each of `--rounds` bursts of `--articles` articles
   (its steady state: models loaded, caches and buffers filled).
2. Dedup window: in a fresh forked process per layout, `DedupIndex.add` of synthetic
   fingerprints (random 150-word texts through `DedupIndex.fingerprint`; the entry size
   does not depend on the text length) with RSS read at each checkpoint. Two layouts: the
   index alone, and the index plus its (key, packed record) pairs in a dict, which is
   what the worker's in-memory Faust table (`dedup-index`, memory:// store) also keeps.
   A least-squares line through the checkpoints gives bytes per article; the figure for
   1,000,000 articles is **extrapolated** from that slope, not measured.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import random
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    MACHINE_NOTE,
    Deployment,
    descendants,
    expected_events,
    make_corpus,
    print_table,
    rss_mb,
    stream_run,
    warm_set,
    write_json,
)
from workers.dedup import DedupConfig, DedupIndex
from workers.extract.pipeline import Extractor
from workers.records import Article

MILLION = 1_000_000
_VOCABULARY = [f"{a}{b}" for a in "bcdfghklmnprstvz" for b in ("al", "en", "ir", "or", "us", "ane", "ido", "ert")]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def rss(pid: int) -> dict[str, Any]:
    """RSS of the worker process `pid`, of each of its extraction processes (the children of its
    multiprocessing forkserver) and of its helper processes (the forkserver, which has the
    extraction modules imported, and the resource tracker)."""
    below = descendants(pid) - {pid}
    servers = {p for p in below if b"forkserver" in _cmdline(p)}
    extraction = sorted(p for p in below if _parent(p) in servers)
    helpers = below - set(extraction)

    def size(p: int) -> float:
        try:
            return rss_mb(p)
        except (OSError, RuntimeError):
            return 0.0  # gone or a zombie

    sizes = [round(size(p), 1) for p in extraction]
    helper = round(sum(size(p) for p in helpers), 1)
    return {
        "rss_mb": round(size(pid), 1),
        "extraction_rss_mb": sizes,
        "helpers_rss_mb": helper,
        "total_rss_mb": round(size(pid) + sum(sizes) + helper, 1),
    }


def worker_rss(articles: int, rounds: int, seed: int) -> list[dict[str, Any]]:
    """RSS of one worker and its extraction processes when ready, after a warm-up and after each burst."""
    extractor = Extractor()
    records, warm = make_corpus(articles, seed), warm_set(extractor, seed)
    expected = expected_events(extractor, records)
    samples: list[dict[str, Any]] = []
    with Deployment() as deployment:
        deployment.start_workers(1)
        pid = deployment.workers[0].pid
        samples.append({"when": "ready (models loaded, no article yet)", **rss(pid)})
        deployment.warm_up(*warm)
        samples.append({"when": f"after warm-up ({len(warm[0])} articles)", **rss(pid)})
        for i in range(rounds):
            stream_run(deployment, records, expected)
            samples.append({"when": f"after burst {i + 1} ({len(records)} articles)", **rss(pid)})
    return samples


def _fill(sizes: list[int], with_table: bool, seed: int) -> list[tuple[int, float]]:
    """(entries, RSS MiB) at each checkpoint, in this (forked) process."""
    rng = random.Random(seed)
    index = DedupIndex(DedupConfig())
    table: dict[bytes, str] = {}
    gc.collect()
    points = [(0, rss_mb(os.getpid()))]
    n = 0
    for size in sizes:
        while n < size:
            article = Article(id=f"mem-{n:08d}", body=" ".join(rng.choices(_VOCABULARY, k=150)), published_at="")
            entry = index.fingerprint(article, seen_at=1_000_000.0 + n)
            index.add(entry)
            if with_table:  # the worker's table shares the index's key and record objects
                key, record = index.stored(entry.key)
                table[key] = record
            n += 1
        gc.collect()
        points.append((n, rss_mb(os.getpid())))
    return points


def slope_bytes(points: list[tuple[int, float]]) -> float:
    """Least-squares bytes per entry through (entries, MiB) points."""
    xs, ys = [p[0] for p in points], [p[1] * 2**20 for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def index_growth(sizes: list[int], seed: int) -> dict[str, list[tuple[int, float]]]:
    """Checkpoints per layout, each layout in its own fresh process so freed memory is not reused."""
    context = multiprocessing.get_context("fork")
    out = {}
    for label, with_table in (("index only", False), ("index + table values (as in the worker)", True)):
        with context.Pool(1) as pool:
            out[label] = pool.apply(_fill, (sizes, with_table, seed))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="20000,50000,100000", help="dedup entries at each checkpoint")
    p.add_argument("--articles", type=int, default=160, help="articles per burst through the worker")
    p.add_argument("--rounds", type=int, default=2, help="bursts through the worker")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="checkpoints 5k/10k/20k, one burst of 80")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.articles, args.rounds = "5000,10000,20000", 80, 1
    sizes = [int(s) for s in args.sizes.split(",")]
    print(MACHINE_NOTE)

    growth = index_growth(sizes, args.seed)
    samples = worker_rss(args.articles, args.rounds, args.seed)
    print("\nworker process and its extraction processes (VmRSS; shared pages count in each)")
    print_table(
        ["when", "worker RSS MiB", "extraction processes RSS MiB", "forkserver + tracker MiB", "total MiB"],
        [
            (
                s["when"],
                s["rss_mb"],
                ", ".join(map(str, s["extraction_rss_mb"])),
                s["helpers_rss_mb"],
                s["total_rss_mb"],
            )
            for s in samples
        ],
    )

    steady = samples[-1]["rss_mb"]
    rows, per_layout = [], {}
    for label, points in growth.items():
        per_entry = slope_bytes(points)
        at_million = per_entry * MILLION / 2**20
        per_layout[label] = {
            "points": points,
            "bytes_per_article": round(per_entry),
            "extrapolated_mib_at_1m": round(at_million),
            "worker_rss_mib_at_1m": round(steady + at_million),
        }
        rows.append(
            (
                label,
                ", ".join(f"{n:,}: {mb - points[0][1]:,.0f}" for n, mb in points[1:]),
                round(per_entry),
                round(at_million),
                round(steady + at_million),
            )
        )
    print(
        f"\ndedup window (RSS growth of a fresh process; 1M is extrapolated from the slope, worker steady "
        f"state {steady} MiB added)"
    )
    print_table(
        [
            "layout",
            "entries: MiB over empty",
            "bytes/article (slope)",
            "MiB at 1M (extrapolated)",
            "worker RSS at 1M MiB (extrapolated)",
        ],
        rows,
    )
    write_json(args.json, {"worker": samples, "dedup_window": per_layout})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
