"""Scaling: end-to-end throughput with 1 and 2 worker processes in one consumer group.

    .venv/bin/python -m benchmarks.scaling                  # ~3 min: 240 articles, rounds 1,2,1,2 workers
    .venv/bin/python -m benchmarks.scaling --quick          # ~1.5 min: 80 articles, one round
    .venv/bin/python -m benchmarks.scaling --json benchmarks/results/scaling.json --plot docs/img/scaling.png

One deployment (fresh prefix, topics with `--partitions` partitions, 4 by default; the
dedup and consolidation inputs keep their single partition) runs the same articles with
1 worker, then with a second worker joined to the group (same app id), alternating for
`--rounds` rounds. Each run starts once the group is stable with all its members and
warmed up; it times publish -> last expected event on Kafka record timestamps (see
`harness.stream_run`). Later rounds re-send the same articles: dedup lets a replay through
to be extracted again, so every run does the same work.
"""

from __future__ import annotations

import argparse
from typing import Any

from benchmarks.harness import (
    MACHINE_NOTE,
    Deployment,
    expected_events,
    make_corpus,
    print_table,
    stream_run,
    warm_set,
    word_stats,
    write_json,
)
from workers.extract.pipeline import Extractor


def plot(path: str, by_workers: dict[int, list[float]], target: float) -> None:
    """Throughput (best run and every run) against worker processes, with the target line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = sorted(by_workers)
    best = [max(by_workers[n]) for n in counts]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    ax.bar([str(n) for n in counts], best, color="#4c72b0", label="best run")
    for i, n in enumerate(counts):
        ax.scatter(
            [i] * len(by_workers[n]), by_workers[n], color="black", zorder=3, s=14, label="each run" if i == 0 else None
        )
    ax.axhline(best[0] * target, color="#c44e52", linestyle="--", label=f"target: {target}x one worker")
    ax.set_xlabel("worker processes (one consumer group)")
    ax.set_ylabel("articles/s, publish -> last event")
    ax.set_title("eventwire end-to-end throughput\n(shared 2-core machine, broker on the same cores)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.scaling", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=240, help="articles per run")
    p.add_argument("--rounds", type=int, default=2, help="rounds of (1 worker, 2 workers)")
    p.add_argument("--partitions", type=int, default=4, help="partitions of the partitioned topics (>= 4)")
    p.add_argument("--seed", type=int, default=2)
    p.add_argument("--target", type=float, default=1.7, help="target ratio of 2 workers to 1")
    p.add_argument("--quick", action="store_true", help="80 articles, 1 round")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--plot", metavar="PNG", help="also draw throughput against workers")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.rounds = 80, 1
    print(MACHINE_NOTE)

    records = make_corpus(args.articles, args.seed)
    extractor = Extractor()
    warm, expected = warm_set(extractor, args.seed), expected_events(extractor, records)
    words = word_stats(records)
    print(
        f"corpus: {len(records)} articles, words per article {words}, {len(expected)} events; "
        f"{args.partitions} partitions"
    )

    runs: list[dict[str, Any]] = []
    with Deployment(partitions=args.partitions) as deployment:
        for _ in range(args.rounds):
            for workers in (1, 2):
                deployment.scale_to(workers)
                deployment.warm_up(*warm)
                result = stream_run(deployment, records, expected)
                del result["latencies_ms"]
                runs.append({"workers": workers, **result})
                print(
                    f"  {workers} worker(s): {result['articles_per_s']:.2f} articles/s, worker CPU s "
                    f"{result['worker_cpu_s_each']} over {result['seconds']} s, "
                    f"machine busy {result['machine_busy_cores']} of 2 cores"
                )

    by_workers: dict[int, list[float]] = {}
    for run in runs:
        by_workers.setdefault(run["workers"], []).append(run["articles_per_s"])
    ratio = max(by_workers[2]) / max(by_workers[1])
    print()
    print_table(
        ["workers", "articles/s (best)", "runs", "articles per worker-CPU-s", "machine busy cores"],
        [
            (
                n,
                max(v),
                v,
                max(r["articles_per_worker_cpu_s"] for r in runs if r["workers"] == n),
                [r["machine_busy_cores"] for r in runs if r["workers"] == n],
            )
            for n, v in sorted(by_workers.items())
        ],
    )
    print(f"ratio 2/1 workers: {ratio:.2f} (target {args.target}: {'met' if ratio >= args.target else 'missed'})")
    write_json(args.json, {"corpus": words, "partitions": args.partitions, "runs": runs, "ratio_2_1": round(ratio, 2)})
    if args.plot:
        plot(args.plot, by_workers, args.target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
