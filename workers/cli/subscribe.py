"""`eventwire subscribe`: print events from a time or live."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import Any

import orjson

from workers.cli.common import (
    Add,
    connection_settings,
)
from workers.settings import Settings


def read_topic(settings: Settings, topic: str, since: Any, follow: bool) -> Iterator[dict[str, Any]]:
    """Records of `topic` from `since` (None: the start, or now when following).

    Without `follow`, stops at the end offsets found when it started.
    """
    from kafka import TopicPartition

    from workers.clients import consumer as connect

    consumer = connect(
        settings, client_id="eventwire-subscribe", enable_auto_commit=False, isolation_level="read_committed"
    )
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not tps:
            raise SystemExit(f"error: topic {topic!r} does not exist")
        consumer.assign(tps)
        end = consumer.end_offsets(tps)
        if since is not None:
            found = consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in tps})
            for tp in tps:
                consumer.seek(tp, found[tp].offset if found.get(tp) else end[tp])
        elif follow:
            consumer.seek_to_end(*tps)
        else:
            consumer.seek_to_beginning(*tps)
        pending = {tp for tp in tps if consumer.position(tp) < end[tp]}
        while follow or pending:
            for tp, batch in consumer.poll(timeout_ms=500).items():
                for message in batch:
                    if (follow or message.offset < end[tp]) and message.value is not None:  # not a tombstone
                        yield orjson.loads(message.value)
            pending = {tp for tp in pending if consumer.position(tp) < end[tp]}
    finally:
        consumer.close()


def cmd_subscribe(args: argparse.Namespace) -> int:
    from workers.publish.filters import EventFilter, FilterError, parse_since
    from workers.publish.topics import Topics

    settings = connection_settings(args)
    names = Topics(settings.topic_prefix)
    try:
        where = EventFilter.from_args(type=args.type, subtype=args.subtype, country=args.country, near=args.near)
        since = parse_since(args.since)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    topic = names.named(args.topic) if args.topic else names.events_of(args.type) if args.type else names.events
    try:
        for record in read_topic(settings, topic, since, args.follow):
            if "event_id" in record and not where.matches(record):
                continue
            print(orjson.dumps(record).decode() if args.format == "jsonl" else format_row(record), flush=True)
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def format_row(record: dict[str, Any]) -> str:
    """One readable line for an event, a cluster, a duplicate notice, a dead letter or an article."""
    if "event_id" in record:
        loc = record.get("location") or {}
        where = f"{loc.get('name')}, {loc.get('country_code')} ({loc.get('precision')})" if loc else "-"
        date = record["date"]
        return (
            f"{record['type']:<9} {record['subtype']:<22} {date['value']:<10} {where:<32} "
            f"{record['evidence']['text'][:90]!r}"
        )
    if "merged_into" in record:
        return f"cluster {record['cluster_id']} v{record['version']} merged into {record['merged_into']}"
    if "cluster_id" in record:
        loc = record.get("location") or {}
        return (
            f"cluster {record['cluster_id']} v{record['version']} {record['type']} {record['subtype']} "
            f"{record['date']['value']} {loc.get('name', '-')}: {record['num_articles']} articles, "
            f"{record['num_sources']} sources"
        )
    if "duplicate_of" in record:
        return f"duplicate {record['article_id']} of {record['duplicate_of']} ({record['method']}, {record['similarity']:.2f})"
    if "payload_b64" in record:
        return f"dead letter {record['error']}: {record['message']}"
    return f"article {record.get('id')}: {(record.get('title') or record.get('body', ''))[:90]!r}"


def register(add: Add) -> None:
    """The `subscribe` command and its options."""
    p = add(
        "subscribe",
        cmd_subscribe,
        "print events (or the records of any output topic) from a time or live",
        connection=True,
    )
    p.add_argument("--type", help="event type (reads events.<type>)")
    p.add_argument("--subtype", help="event subtype, e.g. suicide_bombing")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code of the event location, e.g. SY")
    p.add_argument("--near", metavar="LAT,LON,KM", help="events located within KM of a point")
    p.add_argument(
        "--since",
        metavar="T",
        help="RFC 3339 time, an age (30m, 2h, 7d) or 'beginning', compared with "
        "the time each event was published to the topic (default: now with --follow, else the beginning)",
    )
    p.add_argument("--follow", action="store_true", help="keep printing new events until Ctrl-C")
    p.add_argument("--format", choices=("table", "jsonl"), default="table")
    p.add_argument(
        "--topic",
        help="read another topic instead, e.g. articles.dlq (the topic prefix is added; filters apply to events only)",
    )
