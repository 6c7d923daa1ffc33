"""The stream's own cost per article, without the NLP: one worker whose extraction process
hands back annotations made beforehand.

    .venv/bin/python -m benchmarks.overhead                  # real news, 8 runs of the same articles (~1 min)
    .venv/bin/python -m benchmarks.overhead --runs 5 --json benchmarks/results/overhead.json

The real-news corpus of benchmarks/extract.py (TempEval-3 bodies that dedup lets through;
generated articles when ../shared is absent) is annotated once here by the real
`Extractor` and saved. The worker (`python -m benchmarks.overhead worker PATH`) is the
production one (`run_worker`: app, agents, extraction pool, HTTP feed) with an extractor
that looks the saved annotations up by article id. So it does all that mode c of
benchmarks/extract.py does except the parsing: ingest, dedup, the hand-over to the
extraction process and back, the event topics, consolidation, the feed. With the NLP gone,
the worker's own CPU is most of the work, and a change to it shows in both figures below
rather than in the noise of spaCy on a shared machine.

The same articles are sent `--runs` times after a warm-up (dedup passes a replay on to be
extracted again: the same work). Reported per run, and the median of the runs: articles/s
(first article record to last event record) and CPU ms per article of the worker process
alone, of its extraction processes, and of the local broker (`eventwire broker start`) when
its pid file is found.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.harness import (
    MACHINE_NOTE,
    Deployment,
    cpu_seconds,
    expected_events,
    make_corpus,
    print_table,
    stream_run,
    tempeval_records,
    to_articles,
    unique_records,
    word_stats,
    write_json,
)
from workers.broker import LocalBroker
from workers.extract.pipeline import Annotations, Extractor
from workers.records import Article
from workers.settings import Settings


class RecordedExtractor(Extractor):
    """Annotations looked up by article id in a pickle written by `main`; no model is loaded."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.recorded: dict[str, Annotations] = {}

    def load(self) -> Extractor:
        self.recorded = pickle.loads(Path(self.path).read_bytes())
        return self

    def annotate_many(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[Annotations]:
        for article in articles:
            yield self.recorded[article.id]


def broker_cpu(settings: Settings) -> float | None:
    """CPU seconds of the local broker so far (None: not started from this checkout's settings)."""
    pid = LocalBroker(settings.broker_home_path, port=settings.broker_port).pid()
    return cpu_seconds(pid) if pid else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.overhead", description=__doc__.split("\n")[0])
    p.add_argument("--tempeval", type=int, default=120, help="TempEval-3 real news articles")
    p.add_argument("--runs", type=int, default=8, help="runs of the same articles after the warm-up")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)
    print(MACHINE_NOTE)
    corpus = unique_records(tempeval_records(args.tempeval)) or make_corpus(80, seed=1)
    extractor = Extractor()
    annotations = {a.article_id: a for a in extractor.annotate_many(to_articles(corpus))}
    expected = expected_events(extractor, corpus)
    settings = Settings.from_env()
    rows: list[dict[str, Any]] = []
    with Deployment(command=("-m", "benchmarks.overhead", "worker")) as d:
        path = d.tmp / "annotations.pickle"
        path.write_bytes(pickle.dumps(annotations))
        d.command = (*d.command, str(path))
        d.start_workers(1)
        stream_run(d, corpus, expected)  # warm-up
        for _ in range(args.runs):
            broker = broker_cpu(settings)
            run = stream_run(d, corpus, expected)
            broker = None if broker is None else (broker_cpu(settings) or 0.0) - broker
            per = 1000 / len(corpus)
            rows.append(
                {
                    "articles_per_s": run["articles_per_s"],
                    "worker_own_cpu_ms": round(per * run["worker_own_cpu_s"], 2),
                    "extraction_cpu_ms": round(per * (run["worker_cpu_s"] - run["worker_own_cpu_s"]), 2),
                    "broker_cpu_ms": None if broker is None else round(per * broker, 2),
                    "machine_busy_cores": run["machine_busy_cores"],
                }
            )
    print(f"\n{len(corpus)} articles {word_stats(corpus)}, {len(expected)} events per run")
    medians = {k: median(r[k] for r in rows if r[k] is not None) if rows[0][k] is not None else None for k in rows[0]}
    print_table(
        ["run", *rows[0]], [*((n + 1, *row.values()) for n, row in enumerate(rows)), ("median", *medians.values())]
    )
    write_json(args.json, {"articles": len(corpus), "events": len(expected), "runs": rows, "median": medians})
    return 0


def worker(path: str, loglevel: str) -> int:
    """Run the production worker with `RecordedExtractor(path)`."""
    # by its module's name, not __main__'s: the extraction processes unpickle the factory
    from benchmarks.overhead import RecordedExtractor
    from workers.stream.worker import run_worker

    return run_worker(Settings.from_env(), loglevel, factory=partial(RecordedExtractor, path))


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:  # `worker PATH --loglevel LEVEL`, as harness.WorkerProcess starts it
        raise SystemExit(worker(sys.argv[2], sys.argv[4]))
    raise SystemExit(main())
