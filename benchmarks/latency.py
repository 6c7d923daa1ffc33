"""Latency: article produce time -> event publish time at steady offered loads, one worker.

    .venv/bin/python -m benchmarks.latency                   # ~3 min: max, then 4 loads x 25 s
    .venv/bin/python -m benchmarks.latency --quick           # ~1.5 min: 3 loads x 10 s
    .venv/bin/python -m benchmarks.latency --max-rate 20 --loads 0.5 --seconds 60
    .venv/bin/python -m benchmarks.latency --json benchmarks/results/latency.json --plot docs/img/latency.png

First the maximum: a burst of `--articles` articles, publish -> last event (as in
`benchmarks.extract`, mode c), unless `--max-rate` gives it. Then, for each fraction in
`--loads` (0.5 is the headline figure), articles are sent at that fraction of the maximum
on a fixed schedule for `--seconds`, and every event's latency is its Kafka record
timestamp minus its article record's timestamp (both set by the producers when they send).
Percentiles are nearest-rank over events. The load points re-send the same articles in
turn (dedup lets a replay through to be extracted again); within one point every article
is distinct.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from benchmarks.harness import (
    MACHINE_NOTE,
    Deployment,
    expected_events,
    make_corpus,
    percentile,
    print_table,
    stream_run,
    warm_set,
    word_stats,
    write_json,
)
from workers.extract.pipeline import Extractor

QUANTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}
TARGET_P99_MS = 500  # issue 16


def summarize(run: dict[str, Any], offered: float) -> dict[str, Any]:
    lat = run.pop("latencies_ms")
    return {
        "offered_per_s": round(offered, 2),
        **{k: percentile(lat, q) for k, q in QUANTILES.items()},
        "max_ms": lat[-1],
        **run,
    }


def plot(path: str, points: list[dict[str, Any]], max_rate: float) -> None:
    """p50/p95/p99 against offered load, with the maximum and the p99 target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [pt["offered_per_s"] for pt in points]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for name, style in (("p50", "o-"), ("p95", "s-"), ("p99", "^-")):
        ax.plot(x, [pt[name] for pt in points], style, label=name)
    ax.axhline(TARGET_P99_MS, color="#c44e52", linestyle="--", label="p99 target 500 ms")
    ax.axvline(max_rate, color="grey", linestyle=":", label=f"measured max {max_rate:.1f}/s")
    ax.set_xlabel("offered load, articles/s (one worker)")
    ax.set_ylabel("article produce -> event publish, ms")
    ax.set_ylim(bottom=0)
    ax.set_title(
        "eventwire latency against offered load\n(shared 2-core machine, broker on the same cores)", fontsize=10
    )
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.latency", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=240, help="articles of the burst that measures the maximum")
    p.add_argument("--max-rate", type=float, help="skip the burst: the maximum articles/s to take fractions of")
    p.add_argument("--loads", default="0.25,0.5,0.75,0.9", help="offered loads, fractions of the maximum")
    p.add_argument("--seconds", type=float, default=25.0, help="duration of each load point")
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="loads 0.25,0.5,0.9 for 10 s, burst of 80")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--plot", metavar="PNG", help="also draw the percentiles against offered load")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.loads, args.seconds = 80, "0.25,0.5,0.9", 10.0
    loads = [float(f) for f in args.loads.split(",")]
    print(MACHINE_NOTE)

    extractor = Extractor()
    warm = warm_set(extractor, args.seed)
    records = make_corpus(args.articles, args.seed)
    expected = expected_events(extractor, records)
    points: list[dict[str, Any]] = []
    with Deployment() as deployment:
        deployment.start_workers(1)
        deployment.warm_up(*warm)
        burst = None
        max_rate = args.max_rate
        if max_rate is None:
            burst = stream_run(deployment, records, expected)
            burst.pop("latencies_ms")
            max_rate = burst["articles_per_s"]
            print(f"maximum (burst of {len(records)}): {max_rate:.2f} articles/s")
        need = math.ceil(max(loads) * max_rate * args.seconds)
        if need > len(records):  # make_corpus is deterministic: the first ones stay the same
            more = make_corpus(need, args.seed)[len(records) :]
            expected.update(expected_events(extractor, more))
            records += more
        for fraction in loads:
            rate = fraction * max_rate
            batch = records[: max(1, round(rate * args.seconds))]
            point = summarize(stream_run(deployment, batch, expected, rate=rate), rate)
            points.append({"fraction": fraction, **point})
            print(
                f"  {fraction:.2f} x max = {rate:.2f}/s: p50 {point['p50']} ms, p99 {point['p99']} ms, "
                f"achieved {point['articles_per_s']:.2f}/s, machine busy {point['machine_busy_cores']} cores"
            )

    print()
    print_table(
        [
            "offered (x max)",
            "offered articles/s",
            "events",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "machine busy cores",
        ],
        [
            (
                pt["fraction"],
                pt["offered_per_s"],
                pt["events"],
                pt["p50"],
                pt["p95"],
                pt["p99"],
                pt["max_ms"],
                pt["machine_busy_cores"],
            )
            for pt in points
        ],
    )
    half = next((pt for pt in points if pt["fraction"] == 0.5), None)
    if half:
        verdict = "met" if half["p99"] <= TARGET_P99_MS else "missed"
        print(f"at half the maximum: p99 {half['p99']} ms (target <= {TARGET_P99_MS} ms: {verdict})")
    write_json(args.json, {"corpus": word_stats(records), "max_rate": max_rate, "burst": burst, "points": points})
    if args.plot:
        plot(args.plot, points, max_rate)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
