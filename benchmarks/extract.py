"""Extraction throughput: raw spaCy, eventwire offline, and eventwire end to end on the broker.

    .venv/bin/python -m benchmarks.extract                     # ~6 min: 240 + 120 articles, 2 rounds
    .venv/bin/python -m benchmarks.extract --quick             # ~2 min: 80 + 40 articles, 1 round
    .venv/bin/python -m benchmarks.extract --json benchmarks/results/extract.json

Two corpora: generated articles (`harness.make_corpus`: sample and dev-set sentences
recombined, no two of them near copies) and real news (TempEval-3 training bodies from
../shared, those dedup lets through; skipped when absent). On each, in interleaved rounds:

  a.  raw spaCy: `nlp.pipe` of the stock pipeline over every body, no Kafka;
  b.  eventwire offline, as `eventwire extract` runs it: one supervised extraction process
      (`ExtractionPool(jobs=1).imap`);
  b2. the same with two extraction processes (`--jobs 2`);
  c.  end to end: publish to `articles` of a fresh topic prefix -> the last expected event
      on `events`, through one `eventwire worker` subprocess (one extraction process)
      started and warmed up before the clock starts (timed on Kafka record timestamps).

Reported per mode: articles/s on the wall clock, and articles per CPU-second (this process
and its extraction processes for a, b, b2; the worker and its extraction processes for c),
which the other jobs on a shared machine disturb less; then the ratios to a and c/b. The CPU
per article is also split, run by run, into the process's own (this one; the worker) and
its extraction processes', which says whether c/b is lost beside the NLP or in it.
Accuracy on the dev sets with and without sentence selection comes from
`workers.evaluate.events`.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

from spacy.language import Language

from benchmarks.harness import (
    MACHINE_NOTE,
    REPO,
    Deployment,
    cpu_seconds,
    expected_events,
    make_corpus,
    print_table,
    stream_run,
    tempeval_records,
    to_articles,
    unique_records,
    warm_set,
    word_stats,
    write_json,
)
from workers.evaluate.events import evaluate_events
from workers.extract.nlp import load_nlp
from workers.extract.pipeline import Extractor
from workers.extract.pool import ExtractionPool
from workers.records import Article

EVAL_FILES = (REPO / "eval" / "devset.jsonl", REPO / "eval" / "heldout.jsonl")


def timed(count: int, run: Callable[[], Any]) -> dict[str, float]:
    """Articles per wall second and per CPU second (this process and its extraction
    processes) of `run()` over `count` articles, and the CPU milliseconds per article of this
    process alone."""
    me = os.getpid()
    wall, cpu, own = time.perf_counter(), cpu_seconds(me), cpu_seconds(me, descendants_too=False)
    run()
    wall, cpu = time.perf_counter() - wall, cpu_seconds(me) - cpu
    own = cpu_seconds(me, descendants_too=False) - own
    return {
        "articles_per_s": round(count / wall, 2),
        "articles_per_cpu_s": round(count / max(cpu, 1e-9), 2),
        "seconds": round(wall, 2),
        "own_cpu_ms": round(1000 * own / count, 1),
        "cpu_ms": round(1000 * cpu / count, 1),
    }


def raw_spacy(nlp: Language, articles: list[Article]) -> dict[str, float]:
    bodies = [a.body for a in articles]
    return timed(len(bodies), lambda: list(nlp.pipe(bodies, batch_size=32)))


def offline(pool: ExtractionPool, articles: list[Article]) -> dict[str, float]:
    return timed(len(articles), lambda: list(pool.imap(articles)))


def best(runs: list[dict[str, float]]) -> dict[str, Any]:
    """The fastest run (wall) with the CPU rate of the fastest by CPU, and every run's wall rate."""
    return {
        "articles_per_s": max(r["articles_per_s"] for r in runs),
        "articles_per_cpu_s": max(r["articles_per_cpu_s"] for r in runs),
        "runs": [r["articles_per_s"] for r in runs],
        # per run: CPU ms per article of the process that runs the mode (this one, or the
        # worker) and of its extraction processes
        "cpu_ms_own_extraction": [(r["own_cpu_ms"], round(r["cpu_ms"] - r["own_cpu_ms"], 1)) for r in runs],
    }


def ratios(modes: dict[str, dict[str, Any]]) -> dict[str, float]:
    pairs = (
        [(m, "a") for m in modes if m != "a"]
        + ([("c", "b")] if {"b", "c"} <= set(modes) else [])
        + ([("b2", "b")] if {"b", "b2"} <= set(modes) else [])
    )
    return {
        f"{m}/{base} {unit}": round(modes[m][key] / modes[base][key], 2)
        for m, base in pairs
        for unit, key in (("wall", "articles_per_s"), ("cpu", "articles_per_cpu_s"))
    }


def accuracy() -> dict[str, dict[str, Any]]:
    """Micro P/R/F1 and attribute accuracies per eval file, with and without sentence selection."""
    out: dict[str, dict[str, Any]] = {}
    for select in (True, False):
        for name, result in evaluate_events(EVAL_FILES, select_sentences=select).items():
            out[f"{name} select_sentences={select}"] = {
                **result["micro"],
                "location_country": result["location_country"]["accuracy"],
                "date_value": result["date_value"]["accuracy"],
                "subtype": result["subtype"]["accuracy"],
            }
    return out


def print_modes(title: str, modes: dict[str, dict[str, Any]], labels: dict[str, str]) -> None:
    print(f"\n{title}")
    print_table(
        ["mode", "articles/s (wall)", "articles/CPU-s", "wall runs", "CPU ms/article: own, extraction processes"],
        [
            (labels[m], r["articles_per_s"], r["articles_per_cpu_s"], r["runs"], r["cpu_ms_own_extraction"])
            for m, r in modes.items()
        ],
    )
    print("ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios(modes).items()))


LABELS = {
    "a": "a. raw spaCy nlp.pipe (stock pipeline)",
    "b": "b. eventwire offline, 1 extraction process",
    "b2": "b2. eventwire offline, 2 extraction processes",
    "c": "c. end to end, 1 worker (publish -> last event)",
}


def measure(
    corpus: list[dict[str, Any]],
    rounds: int,
    stock: Language,
    pools: dict[str, ExtractionPool],
    deployment: Deployment,
    extractor: Extractor,
) -> dict[str, dict[str, Any]]:
    """Best of `rounds` interleaved runs of a, b, b2 and c over `corpus`."""
    articles = to_articles(corpus)
    expected = expected_events(extractor, corpus)
    runs: dict[str, list[dict[str, float]]] = {"a": [], "b": [], "b2": [], "c": []}
    for _ in range(rounds):
        runs["a"].append(raw_spacy(stock, articles))
        runs["b"].append(offline(pools["b"], articles))
        runs["b2"].append(offline(pools["b2"], articles))
        stream = stream_run(deployment, corpus, expected)
        runs["c"].append(
            {
                "articles_per_s": stream["articles_per_s"],
                "articles_per_cpu_s": stream["articles_per_worker_cpu_s"],
                "own_cpu_ms": round(1000 * stream["worker_own_cpu_s"] / len(corpus), 1),
                "cpu_ms": round(1000 * stream["worker_cpu_s"] / len(corpus), 1),
            }
        )
    return {m: best(r) for m, r in runs.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.extract", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=240, help="generated articles per run")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds of a, b, b2, c (best kept)")
    p.add_argument("--tempeval", type=int, default=120, help="TempEval-3 real news articles (0: skip)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quick", action="store_true", help="80 generated and 40 real articles, 1 round")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.rounds, args.tempeval = 80, 1, 40
    print(MACHINE_NOTE)

    generated = make_corpus(args.articles, args.seed)
    real = unique_records(tempeval_records(args.tempeval)) if args.tempeval else []
    stock, extractor = load_nlp(fast=False), Extractor()
    list(stock.pipe([r["body"] for r in generated[:8]]))
    results: dict[str, Any] = {}
    with ExtractionPool(jobs=1) as one, ExtractionPool(jobs=2) as two, Deployment() as deployment:
        pools = {"b": one, "b2": two}
        for pool in pools.values():
            list(pool.imap(to_articles(generated[:8])))
        deployment.start_workers(1)
        deployment.warm_up(*warm_set(extractor, args.seed))
        for name, corpus in (("generated", generated), ("tempeval", real)):
            if not corpus:
                continue
            words = word_stats(corpus)
            modes = measure(corpus, args.rounds, stock, pools, deployment, extractor)
            print_modes(f"{name}: {len(corpus)} articles, words per article {words}", modes, LABELS)
            results[name] = {"articles": len(corpus), "words": words, "modes": modes, "ratios": ratios(modes)}

    scores = accuracy()
    print("\naccuracy (workers.evaluate.events)")
    print_table(
        ["set", "P", "R", "F1", "country", "date", "subtype"],
        [
            (name, s["precision"], s["recall"], s["f1"], s["location_country"], s["date_value"], s["subtype"])
            for name, s in scores.items()
        ],
    )
    results["accuracy"] = scores
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
