"""`eventwire publish`: publish articles to the input topic."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from workers.cli.common import (
    Add,
    connection_settings,
    located_records,
)


def cmd_publish(args: argparse.Namespace) -> int:
    """Send every record; one that cannot be sent is reported with its line and skipped.

    Exits 1 when any record was refused, or when the broker stopped answering (the lines
    not sent are counted).
    """
    from kafka.errors import KafkaError, MessageSizeTooLargeError, RetriableError

    from workers.clients import max_record_bytes, producer
    from workers.publish.topics import Topics

    settings = connection_settings(args)
    topic = args.topic or Topics(settings.topic_prefix).articles
    prod = producer(settings)
    records = list(located_records(Path(args.path)))
    limit = max_record_bytes(settings)
    sent: list[tuple[str, Any]] = []
    refused: list[str] = []

    def refuse(where: str, raw: bytes, exc: KafkaError) -> None:
        reason = (
            f"{len(raw):,} bytes, more than a record may hold ({limit:,} bytes; ingest refuses articles "
            f"over EVENTWIRE_MAX_ARTICLE_BYTES = {settings.max_article_bytes:,} anyway)"
            if isinstance(exc, MessageSizeTooLargeError)
            else f"{type(exc).__name__}: {exc}"
        )
        refused.append(where)
        tqdm.write(f"{where}: not sent: {reason}", file=sys.stderr)

    progress = tqdm(records, desc=f"publish → {topic}", unit="rec", file=sys.stderr, disable=args.quiet)
    stopped_at = None
    for number, (where, raw) in enumerate(progress):
        try:
            sent.append((where, prod.send(topic, value=raw)))
        except RetriableError as exc:  # the broker does not answer: every line after this would wait too
            tqdm.write(f"{where}: not sent: {type(exc).__name__}: {exc}; stopping", file=sys.stderr)
            stopped_at = number
            break
        except KafkaError as exc:
            refuse(where, raw, exc)
    progress.close()
    prod.flush()
    prod.close()
    payloads = dict(records)
    for where, future in sent:
        if future.failed():  # refused by the broker (e.g. over the topic's own max.message.bytes)
            refuse(where, payloads[where], future.exception)
    published = len(sent) - sum(future.failed() for _, future in sent)
    summary = f"published {published} of {len(records)} records to {topic}"
    if refused:
        summary += f"; {len(refused)} refused ({', '.join(refused[:5])}{', …' if len(refused) > 5 else ''})"
    if stopped_at is not None:
        summary += f"; {len(records) - stopped_at} not sent: the broker stopped answering at {records[stopped_at][0]}"
    print(summary, file=sys.stderr)
    return 1 if refused or stopped_at is not None else 0


def register(add: Add) -> None:
    """The `publish` command and its options."""
    p = add(
        "publish",
        cmd_publish,
        "publish articles (JSONL file, or folder of .json/.txt) to the input topic",
        connection=True,
    )
    p.add_argument("path")
    p.add_argument("--topic", help="topic to publish to (default: the articles topic)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
