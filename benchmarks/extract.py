"""Extraction throughput: raw spaCy, eventwire offline, and eventwire end to end on the broker.

    .venv/bin/python -m benchmarks.extract                     # ~3 min: 240 articles, 2 rounds
    .venv/bin/python -m benchmarks.extract --quick             # ~1 min: 80 articles, 1 round
    .venv/bin/python -m benchmarks.extract --json benchmarks/results/extract.json

On the same articles (`harness.make_corpus`: sample and dev-set sentences recombined, no
two of them near copies, so dedup lets every one through), in interleaved rounds:

  a. raw spaCy: `nlp.pipe` of the stock pipeline over every body, no Kafka;
  b. eventwire offline: `Extractor().annotate_many`, as `eventwire extract` runs it;
  c. end to end: publish to `articles` of a fresh topic prefix -> the last expected event
     on `events`, through one `eventwire worker` subprocess started and warmed up before
     the clock starts (timed on Kafka record timestamps).

Reported per mode: articles/s on the wall clock, and articles per CPU-second (this process
for a and b, the worker process for c), which the other jobs on a shared machine disturb
less; then b/a and c/a. Accuracy on the dev set (and the held-out set) with and without
sentence selection comes from `workers.evaluate.events`. When ../shared holds the
TempEval-3 articles, a and b also run on those real news bodies.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from spacy.language import Language

from benchmarks.harness import (MACHINE_NOTE, REPO, Deployment, expected_events, make_corpus, print_table,
                                stream_run, tempeval_records, to_articles, warm_set, word_stats, write_json)
from workers.evaluate.events import evaluate_events
from workers.extract.nlp import load_nlp
from workers.extract.pipeline import Extractor
from workers.records import Article

EVAL_FILES = (REPO / "eval" / "devset.jsonl", REPO / "eval" / "heldout.jsonl")


def timed(count: int, run: Callable[[], Any]) -> dict[str, float]:
    """Articles per wall second and per CPU second (this process) of `run()` over `count` articles."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"articles_per_s": round(count / wall, 2), "articles_per_cpu_s": round(count / cpu, 2),
            "seconds": round(wall, 2)}


def raw_spacy(nlp: Language, articles: list[Article]) -> dict[str, float]:
    bodies = [a.body for a in articles]
    return timed(len(bodies), lambda: list(nlp.pipe(bodies, batch_size=32)))


def offline(extractor: Extractor, articles: list[Article]) -> dict[str, float]:
    return timed(len(articles), lambda: list(extractor.annotate_many(articles)))


def best(runs: list[dict[str, float]]) -> dict[str, Any]:
    """The fastest run (wall) with the CPU rate of the fastest by CPU, and every run's wall rate."""
    return {"articles_per_s": max(r["articles_per_s"] for r in runs),
            "articles_per_cpu_s": max(r["articles_per_cpu_s"] for r in runs),
            "runs": [r["articles_per_s"] for r in runs]}


def ratios(modes: dict[str, dict[str, Any]]) -> dict[str, float]:
    a = modes["a"]
    return {f"{m}/a {unit}": round(modes[m][key] / a[key], 2) for m in modes if m != "a"
            for unit, key in (("wall", "articles_per_s"), ("cpu", "articles_per_cpu_s"))}


def accuracy() -> dict[str, dict[str, Any]]:
    """Micro P/R/F1 and attribute accuracies per eval file, with and without sentence selection."""
    out: dict[str, dict[str, Any]] = {}
    for select in (True, False):
        for name, result in evaluate_events(EVAL_FILES, select_sentences=select).items():
            out[f"{name} select_sentences={select}"] = {
                **result["micro"], "location_country": result["location_country"]["accuracy"],
                "date_value": result["date_value"]["accuracy"], "subtype": result["subtype"]["accuracy"]}
    return out


def print_modes(title: str, modes: dict[str, dict[str, Any]], labels: dict[str, str]) -> None:
    print(f"\n{title}")
    print_table(["mode", "articles/s (wall)", "articles/CPU-s", "wall runs"],
                [(labels[m], r["articles_per_s"], r["articles_per_cpu_s"], r["runs"]) for m, r in modes.items()])
    print("ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios(modes).items()))


LABELS = {"a": "a. raw spaCy nlp.pipe (stock pipeline)", "b": "b. eventwire offline (annotate_many)",
          "c": "c. end to end, 1 worker (publish -> last event)"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.extract", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=240, help="generated articles per run")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds of a, b, c (best kept)")
    p.add_argument("--tempeval", type=int, default=60, help="TempEval-3 articles for a/b on real news (0: skip)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quick", action="store_true", help="80 articles, 1 round, 20 TempEval articles")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.rounds, args.tempeval = 80, 1, 20
    print(MACHINE_NOTE)

    records = make_corpus(args.articles, args.seed)
    articles = to_articles(records)
    stock, extractor = load_nlp(fast=False), Extractor()
    expected = expected_events(extractor, records)  # also warms b up
    list(stock.pipe([a.body for a in articles[:8]]))
    words = word_stats(records)
    print(f"corpus: {len(records)} articles, words per article {words}, {len(expected)} events expected")

    runs: dict[str, list[dict[str, float]]] = {"a": [], "b": [], "c": []}
    with Deployment() as deployment:
        deployment.start_workers(1)
        deployment.warm_up(*warm_set(extractor, args.seed))
        for _ in range(args.rounds):
            runs["a"].append(raw_spacy(stock, articles))
            runs["b"].append(offline(extractor, articles))
            stream = stream_run(deployment, records, expected)
            runs["c"].append({"articles_per_s": stream["articles_per_s"],
                              "articles_per_cpu_s": stream["articles_per_worker_cpu_s"]})
    modes = {m: best(r) for m, r in runs.items()}
    print_modes("generated corpus", modes, LABELS)
    results: dict[str, Any] = {"corpus": {"articles": len(records), "words": words, "events": len(expected)},
                               "modes": modes, "ratios": ratios(modes)}

    real = tempeval_records(args.tempeval) if args.tempeval else []
    if real:
        real_articles = to_articles(real)
        real_runs: dict[str, list[dict[str, float]]] = {"a": [], "b": []}
        for _ in range(args.rounds):
            real_runs["a"].append(raw_spacy(stock, real_articles))
            real_runs["b"].append(offline(extractor, real_articles))
        real_modes = {m: best(r) for m, r in real_runs.items()}
        real_words = word_stats(real)
        print_modes(f"TempEval-3 news: {len(real)} articles, words per article {real_words}", real_modes, LABELS)
        results["tempeval"] = {"articles": len(real), "words": real_words, "modes": real_modes,
                               "ratios": ratios(real_modes)}

    scores = accuracy()
    print("\naccuracy (workers.evaluate.events)")
    print_table(["set", "P", "R", "F1", "country", "date", "subtype"],
                [(name, s["precision"], s["recall"], s["f1"], s["location_country"], s["date_value"], s["subtype"])
                 for name, s in scores.items()])
    results["accuracy"] = scores
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
