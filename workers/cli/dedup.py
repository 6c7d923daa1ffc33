"""`eventwire dedup`: deduplicate a file of articles, offline."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from workers.cli.common import (
    Add,
    DeadLetters,
    count_records,
    progress,
    write_jsonl,
)
from workers.settings import Settings

if TYPE_CHECKING:
    from workers.dedup.index import Verdict
    from workers.records import Article


def cmd_dedup(args: argparse.Namespace) -> int:
    from workers.dedup.index import DedupConfig, VerdictKind, dedup_articles

    path = Path(args.input)
    settings = Settings.from_env()
    failed = DeadLetters(args.dead_letters)
    articles = (article for _, article in failed.valid(path, settings))

    kinds: Counter[str] = Counter()

    def row(article: Article, verdict: Verdict) -> dict[str, Any]:
        kinds[verdict.kind] += 1
        return {
            "article_id": article.id,
            "duplicate_of": verdict.duplicate_of,
            "method": verdict.method,
            "similarity": verdict.similarity,
            "update_of": verdict.update_of,
            "verdict": verdict.kind,
        }

    verdicts = dedup_articles(progress(articles, "dedup", count_records(path)), DedupConfig.from_settings(settings))
    written = write_jsonl(args.output, (row(article, verdict) for article, verdict in verdicts))
    print(f"{written} articles: " + ", ".join(f"{kinds[k]} {k}" for k in get_args(VerdictKind)), file=sys.stderr)
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
