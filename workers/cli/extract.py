"""`eventwire extract`: extract events from a file of articles, offline."""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from workers.cli.common import (
    Add,
    DeadLetters,
    connection_settings,
    count_records,
    jobs_flag,
    positive,
    progress,
    write_jsonl,
)


def cmd_extract(args: argparse.Namespace, factory: Callable[[], Any] | None = None) -> int:
    """`eventwire extract`; `factory` makes the extractor of each extraction process (tests)."""
    from workers.errors import RecordMeta, fail
    from workers.extract.pipeline import Extractor
    from workers.extract.pool import ExtractionPool, Failure

    path = Path(args.input)
    settings = connection_settings(args)
    places: deque[str] = deque()  # FILE:LINE of the articles in flight, in order
    failed = DeadLetters(args.dead_letters)

    def articles() -> Iterator[Any]:
        for where, article in failed.valid(path, settings):
            places.append(where)
            yield article

    # the models load before the clock starts
    with ExtractionPool(settings.extract_jobs, settings.extract_timeout, factory=factory or Extractor) as pool:
        started = time.perf_counter()
        n_articles = 0

        def rows() -> Iterator[dict[str, Any]]:
            nonlocal n_articles
            for article, outcome in progress(pool.imap(articles()), "extract", count_records(path)):
                where = places.popleft()
                if isinstance(outcome, Failure):
                    file, _, line = where.rpartition(":")
                    meta = RecordMeta(topic=file or where, offset=int(line) - 1 if line.isdigit() else None)
                    failed.add(
                        where,
                        fail(
                            "extract",
                            meta,
                            orjson.dumps(article.to_dict()),
                            outcome.error,
                            f"{f'line {line}, ' if line.isdigit() else ''}article {article.id}: {outcome.message}",
                            max_bytes=settings.max_article_bytes,
                        ),
                        logged=True,
                    )
                    continue
                n_articles += 1
                if args.annotations:
                    yield outcome.to_dict()
                else:
                    yield from (event.to_dict() for event in outcome.events)

        written = write_jsonl(args.output, rows())
    elapsed = time.perf_counter() - started
    what = "articles with their events" if args.annotations else "events"
    print(
        f"{n_articles} articles extracted, {written} {what} written in {elapsed:.1f}s "
        f"({n_articles / elapsed if elapsed else 0:.1f} articles/s)",
        file=sys.stderr,
    )
    return failed.finish()


def register(add: Add) -> None:
    """The `extract` command and its options."""
    p = add("extract", cmd_extract, "extract events from a JSONL file of articles, offline")
    p.add_argument("input")
    p.add_argument("-o", "--output", default="-", help="output JSONL (default: stdout)")
    jobs_flag(p, "the output is the same for any number")
    p.add_argument(
        "--timeout",
        dest="extract_timeout",
        type=positive(float),
        help="seconds one article may take (EVENTWIRE_EXTRACT_TIMEOUT); past it the article fails",
    )
    p.add_argument(
        "--dead-letters",
        metavar="FILE",
        help="write the records that failed (invalid ones as ingest judges them, processing_timeout, "
        "processing_error) as dead letters; exit 3 when any failed",
    )
    p.add_argument(
        "--annotations", action="store_true", help="one line per article: events, places and dates with offsets"
    )
