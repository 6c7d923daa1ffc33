"""`eventwire dedup`: deduplicate a file of articles, offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workers.cli.common import (
    Add,
    DeadLetters,
    count_records,
    progress,
    write_jsonl,
)
from workers.settings import Settings


def cmd_dedup(args: argparse.Namespace) -> int:
    from workers.dedup.index import DedupConfig, dedup_articles

    path = Path(args.input)
    settings = Settings.from_env()
    failed = DeadLetters(args.dead_letters)
    articles = (article for _, article in failed.valid(path, settings))

    rows = (
        {
            "article_id": article.id,
            "duplicate_of": verdict.duplicate_of,
            "method": verdict.method,
            "similarity": verdict.similarity,
            "update_of": verdict.update_of,
            "verdict": verdict.kind,
        }
        for article, verdict in dedup_articles(
            progress(articles, "dedup", count_records(path)), DedupConfig.from_settings(settings)
        )
    )
    written = write_jsonl(args.output, rows)
    print(f"{written} articles", file=sys.stderr)
    return failed.finish()


def register(add: Add) -> None:
    """The `dedup` command and its options."""
    p = add(
        "dedup",
        cmd_dedup,
        "deduplicate a JSONL file of articles, offline: one verdict line per article "
        "{article_id, duplicate_of, method, similarity, update_of, verdict}",
    )
    p.add_argument("input")
    p.add_argument("-o", "--output", default="-", help="output JSONL (default: stdout)")
    p.add_argument(
        "--dead-letters",
        metavar="FILE",
        help="write the invalid records (as ingest judges them) as dead letters; exit 3 when any",
    )
