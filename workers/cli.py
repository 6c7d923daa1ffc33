"""`eventwire`: the command line of the worker, the local broker and the offline pipeline.

Connection flags override the environment variables of `workers.settings`; `eventwire
settings` lists them all. Offline commands (`extract`, `dedup`) need no broker.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from workers.settings import Settings


def _connection_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (override EVENTWIRE_* environment variables)")
    group.add_argument("--bootstrap-servers", help="Kafka bootstrap servers, comma separated")
    group.add_argument("--topic-prefix", help="prefix of every topic name")
    group.add_argument("--security-protocol", help="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
    group.add_argument("--sasl-mechanism", help="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
    group.add_argument("--sasl-username", help="SASL user (the password is read from EVENTWIRE_SASL_PASSWORD only)")


def _settings(args: argparse.Namespace) -> Settings:
    names = (
        "bootstrap_servers",
        "topic_prefix",
        "security_protocol",
        "sasl_mechanism",
        "sasl_username",
        "partitions",
        "app_id",
        "web_port",
        "extract_jobs",
        "extract_timeout",
    )
    return Settings.from_env(**{n: getattr(args, n, None) for n in names})


# -- broker -------------------------------------------------------------------------------
def cmd_broker(args: argparse.Namespace) -> int:
    from workers.broker import BrokerError, LocalBroker

    settings = Settings.from_env()
    broker = LocalBroker(settings.broker_home_path, port=settings.broker_port, heap=settings.broker_heap)
    try:
        if args.action == "start":
            already = broker.is_ready()
            broker.start(reuse_data=args.reuse_data)
            state = "already running" if already else "started"
            owner = f"pid {broker.pid()}; log: {broker.log_file}" if broker.pid() else "not started from here"
            print(f"broker {state} on {broker.bootstrap} ({owner})")
        elif args.action == "stop":
            broker.stop()
            print(f"broker on {broker.bootstrap} stopped; log: {broker.log_file}")
        else:
            pid = broker.pid()
            ready = broker.is_ready()
            state = "ready" if ready else "running, not answering" if pid else "stopped"
            owner = f" (pid {pid}; log: {broker.log_file})" if pid else " (not started from here)" if ready else ""
            print(f"broker on {broker.bootstrap}: {state}{owner}")
            return 0 if ready else 1
    except BrokerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from workers.clients import create_topics

    created = create_topics(_settings(args))
    print(f"created {len(created)} topics: {', '.join(created)}" if created else "all topics exist")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    current = Settings.from_env().redacted()
    rows = [
        (env, str(value), default, doc) for (env, default, doc), value in zip(Settings.describe(), current.values())
    ]
    width = max(len(env) for env, *_ in rows)
    print(f"{'variable':<{width}}  {'in effect':<24}  {'default':<24}  meaning")
    for env, value, default, doc in rows:
        print(f"{env:<{width}}  {value or '(empty)':<24}  {default or '(empty)':<24}  {doc}")
    return 0


# -- worker -------------------------------------------------------------------------------
def cmd_worker(args: argparse.Namespace) -> int:
    from workers.stream.worker import run_worker

    return run_worker(_settings(args), args.loglevel)


# -- publish ------------------------------------------------------------------------------
def iter_input_records(path: Path) -> Iterator[bytes]:
    """Raw records from a JSONL file (one per line) or a folder of .json/.jsonl/.txt files (see `located_records`)."""
    for _, raw in located_records(path):
        yield raw


def located_records(path: Path) -> Iterator[tuple[str, bytes]]:
    """(where, raw record) from a JSONL file (one per line, `where` is FILE:LINE) or a folder of
    .json/.jsonl/.txt files; `-` reads JSONL from stdin.

    A .txt file becomes an article whose body is the file's text and whose id is its name.
    Lines are sent as they are, broken ones included: the worker's ingest judges them.
    """
    if str(path) == "-":
        for number, line in enumerate(sys.stdin.buffer.read().splitlines(), 1):
            if line.strip():
                yield f"-:{number}", line
        return
    if not path.exists():
        raise SystemExit(f"error: {path} does not exist")
    files = sorted(p for p in path.iterdir() if p.suffix in {".json", ".jsonl", ".txt"}) if path.is_dir() else [path]
    for file in files:
        if file.suffix == ".txt":
            yield str(file), orjson.dumps({"id": file.stem, "body": file.read_text(encoding="utf-8")})
        elif file.suffix == ".json":
            yield str(file), file.read_bytes().strip()
        else:
            for number, line in enumerate(file.read_bytes().splitlines(), 1):
                if line.strip():
                    yield f"{file}:{number}", line


def cmd_publish(args: argparse.Namespace) -> int:
    """Send every record; one that cannot be sent is reported with its line and skipped.

    Exits 1 when any record was refused, or when the broker stopped answering (the lines
    not sent are counted).
    """
    from kafka.errors import KafkaError, MessageSizeTooLargeError, RetriableError

    from workers.clients import max_record_bytes, producer
    from workers.publish.topics import Topics

    settings = _settings(args)
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


# -- subscribe ----------------------------------------------------------------------------
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

    settings = _settings(args)
    names = Topics(settings.topic_prefix)
    try:
        where = EventFilter.from_args(type=args.type, subtype=args.subtype, country=args.country, near=args.near)
        since = parse_since(args.since)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    topic = args.topic or (names.events_of(args.type) if args.type else names.events)
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


# -- replay -------------------------------------------------------------------------------
def _part(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"{text!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return int(k), int(n)


def _is_age(text: str | None) -> bool:
    """Whether a --from/--to value is an age ("2h", "7d"), which means another time at every run."""
    return text is not None and text.strip()[-1:].lower() in ("s", "m", "h", "d", "w") and text.strip()[:1].isdigit()


def cmd_replay(args: argparse.Namespace) -> int:
    from workers.publish.filters import FilterError, parse_since
    from workers.replay import Replay, ReplayError, print_progress, reset_group

    settings = _settings(args)
    try:
        if args.reset_group:
            when = parse_since(args.to_datetime)
            if when is None:
                raise FilterError("--reset-group needs --to-datetime T")
            offsets = reset_group(settings, when, args.source)
            print(
                f"group {settings.app_id!r} rewound to {when.isoformat()}: "
                + ", ".join(f"p{p}@{o}" for p, o in sorted(offsets.items()))
            )
            return 0
        since = parse_since(args.since, name="--from")
        if since is None:
            raise FilterError("replay needs --from T1")
        until = parse_since(args.until, name="--to")
        replay = Replay(
            settings,
            since=since,
            until=until,
            topic=args.source,
            output_prefix=args.output_prefix,
            group=args.group,
            batch=args.batch,
            new=args.new,
            part=args.part,
        )
    except (FilterError, ReplayError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # Ctrl-C or SIGTERM: finish and commit the batch in flight, then stop (a re-run resumes).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: setattr(replay, "interrupted", True))
    state = replay.run(print_progress)
    if state.complete_before:
        print(
            f"{state.line()}: this window's plan (group {replay.group}) is already complete; nothing was "
            "replayed. Records that arrived since it was planned are not in it: add --new to plan the "
            "window again",
            file=sys.stderr,
        )
        return 0
    if replay.interrupted and state.done < state.total:
        if _is_age(args.since) or _is_age(args.until):
            # an age is resolved when the command runs: the window to resume is the one resolved now
            window = f"--from {since.isoformat()}" + (f" --to {until.isoformat()}" if until else "")
            print(
                f"\ninterrupted; to resume, run it again with {window} in place of the ages (group {replay.group})",
                file=sys.stderr,
            )
        else:
            print(f"\ninterrupted; run the same command again to resume (group {replay.group})", file=sys.stderr)
        return 130
    print(f"\n{state.line()} done (group {replay.group})", file=sys.stderr)
    return 0


# -- offline pipeline ---------------------------------------------------------------------
def read_articles(path: Path, settings: Settings) -> Iterator[tuple[str, Any]]:
    """(FILE:LINE, article or dead letter) for every record of a JSONL file or folder,
    validated as ingest does: an invalid record is its dead letter, never skipped."""
    from workers.errors import RecordMeta
    from workers.ingest.validate import validate

    for index, (where, raw) in enumerate(located_records(path)):
        line = where.rpartition(":")[2]
        offset = int(line) - 1 if line.isdigit() else index
        yield where, validate(raw, RecordMeta(topic=where.rpartition(":")[0] or where, offset=offset), settings)


class DeadLetters:
    """The records an offline command could not process: each said on stderr as it happens
    (above the progress bar), kept, and written to `path` (always, so an earlier run's file
    does not linger)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.letters: list[dict[str, Any]] = []

    def add(self, where: str, letter: Any) -> None:
        self.letters.append(letter.to_dict())
        tqdm.write(f"{where}: {letter.error}: {letter.message}", file=sys.stderr)

    def finish(self, total: int) -> int:
        """Write the file, say how many failed; the exit code (3 when any failed)."""
        if self.path:
            write_jsonl(self.path, self.letters)
        if not self.letters:
            return 0
        print(
            f"{len(self.letters)} of {total} records failed{'' if self.path else ' (--dead-letters FILE keeps them)'}",
            file=sys.stderr,
        )
        return 3


def write_jsonl(path: str, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    out = sys.stdout.buffer if path == "-" else open(path, "wb")  # noqa: SIM115 - closed below unless stdout
    try:
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")
            count += 1
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    return count


def _progress(items: Iterable[Any], desc: str, total: int | None) -> Iterable[Any]:
    return tqdm(items, desc=desc, unit="art", total=total, file=sys.stderr, mininterval=0.5)


def _count_lines(path: Path) -> int | None:
    return sum(1 for _ in iter_input_records(path)) if str(path) != "-" and path.is_file() else None


def cmd_extract(args: argparse.Namespace, factory: Callable[[], Any] | None = None) -> int:
    """`eventwire extract`; `factory` makes the extractor of each extraction process (tests)."""
    from workers.errors import RecordMeta, fail
    from workers.extract.pipeline import Extractor
    from workers.extract.pool import ExtractionPool, Failure
    from workers.records import DeadLetter

    path = Path(args.input)
    settings = _settings(args)
    places: deque[str] = deque()  # FILE:LINE of the articles in flight, in order
    failed = DeadLetters(args.dead_letters)
    records = 0

    def articles() -> Iterator[Any]:
        nonlocal records
        for where, outcome in read_articles(path, settings):
            records += 1
            if isinstance(outcome, DeadLetter):
                failed.add(where, outcome)
                continue
            places.append(where)
            yield outcome

    # the models load before the clock starts
    with ExtractionPool(settings.extract_jobs, settings.extract_timeout, factory=factory or Extractor) as pool:
        started = time.perf_counter()
        n_articles = 0

        def rows() -> Iterator[dict[str, Any]]:
            nonlocal n_articles
            for article, outcome in _progress(pool.imap(articles()), "extract", _count_lines(path)):
                n_articles += 1
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
                            f"line {line}, article {article.id}: {outcome.message}",
                            max_bytes=settings.max_article_bytes,
                        ),
                    )
                elif args.annotations:
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
    return failed.finish(records)


def cmd_dedup(args: argparse.Namespace) -> int:
    from workers.dedup.index import DedupConfig, dedup_articles
    from workers.records import DeadLetter

    path = Path(args.input)
    settings = Settings.from_env()
    failed = DeadLetters(args.dead_letters)
    records = 0

    def articles() -> Iterator[Any]:
        nonlocal records
        for where, outcome in read_articles(path, settings):
            records += 1
            if isinstance(outcome, DeadLetter):
                failed.add(where, outcome)
            else:
                yield outcome

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
            _progress(articles(), "dedup", _count_lines(path)), DedupConfig.from_settings(settings)
        )
    )
    written = write_jsonl(args.output, rows)
    print(f"{written} articles", file=sys.stderr)
    return failed.finish(records)


def cmd_consolidate(args: argparse.Namespace) -> int:
    from workers.consolidate import consolidate_file

    print(f"{consolidate_file(args.input, args.output)} clusters", file=sys.stderr)
    return 0


EVALUATIONS = {
    "events": ("workers.evaluate.events", []),  # eval/devset.jsonl, plus ../shared when present
    "places": ("workers.evaluate.places", ["../shared/dev/geovirus.dev.jsonl"]),
    "dates": (
        "workers.evaluate.dates",
        ["../shared/dev/tempeval3-train.dev.jsonl", "../shared/dev/meantime.dev.jsonl"],
    ),
    "consolidation": ("workers.evaluate.consolidation", []),
}


def cmd_evaluate(args: argparse.Namespace) -> int:
    import importlib

    module, default_args = EVALUATIONS[args.stage]
    return importlib.import_module(module).main(args.args or default_args) or 0


# -- parser -------------------------------------------------------------------------------
def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: a number of `kind` above zero."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r}: must be above 0")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventwire", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str, connection: bool = False
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        if connection:
            _connection_flags(p)
        return p

    p = add(
        "worker",
        cmd_worker,
        "run the stream worker (ingest, dedup, extract and consolidate agents, HTTP endpoints)",
        connection=True,
    )
    p.add_argument("--app-id", help="consumer group / app id (EVENTWIRE_APP_ID)")
    p.add_argument("--web-port", type=int, help="HTTP port (EVENTWIRE_WEB_PORT)")
    p.add_argument("--loglevel", default="info", help="debug, info, warning or error (default: info)")
    p.add_argument(
        "--jobs",
        dest="extract_jobs",
        type=_positive(int),
        metavar="N",
        help="extraction processes (EVENTWIRE_EXTRACT_JOBS); each batch is spread over them",
    )

    p = add(
        "publish",
        cmd_publish,
        "publish articles (JSONL file, or folder of .json/.txt) to the input topic",
        connection=True,
    )
    p.add_argument("path")
    p.add_argument("--topic", help="topic to publish to (default: the articles topic)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

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
    p.add_argument("--topic", help="read another topic instead, e.g. articles.dlq (filters apply to events only)")

    p = add(
        "replay",
        cmd_replay,
        "re-run a time window of the input topic through the pipeline, or rewind the live worker's group",
        connection=True,
    )
    p.add_argument("--from", dest="since", metavar="T1", help="start: RFC 3339 time, an age (2h, 7d) or 'beginning'")
    p.add_argument("--to", dest="until", metavar="T2", help="end (exclusive); default: the end when the replay starts")
    p.add_argument("--topic", dest="source", help="source topic (default: the articles topic)")
    p.add_argument("--output-prefix", default="", help="publish events under this prefix instead of the live topics")
    p.add_argument("--group", help="consumer group of the replay's progress (default: derived from the window)")
    p.add_argument("--batch", type=int, default=64, help="records per batch and per progress commit (default: 64)")
    p.add_argument(
        "--new",
        action="store_true",
        help="plan the window again (its end is now) instead of resuming the plan of a previous run",
    )
    p.add_argument(
        "--jobs",
        dest="extract_jobs",
        type=_positive(int),
        metavar="N",
        help="extraction processes (EVENTWIRE_EXTRACT_JOBS); events and ids do not depend on it",
    )
    p.add_argument(
        "--part",
        type=_part,
        default=(1, 1),
        metavar="K/N",
        help="replay the K-th of N disjoint sets of partitions; N processes (any machines) with "
        "K = 1..N and the same window (--to needed) give exactly the events of one",
    )
    p.add_argument(
        "--reset-group",
        action="store_true",
        help="instead of replaying, rewind the live worker's group (refused while it has members)",
    )
    p.add_argument("--to-datetime", metavar="T", help="with --reset-group: the time to rewind to")
    p.add_argument("--app-id", help="with --reset-group: the worker's group (EVENTWIRE_APP_ID)")

    p = add("topics", cmd_topics, "create the topics eventwire uses (idempotent)", connection=True)
    p.add_argument("action", choices=("create",))
    p.add_argument("--partitions", type=int, help="partitions per topic (EVENTWIRE_PARTITIONS)")

    p = add("broker", cmd_broker, "start, stop or check the local single-node Kafka broker")
    p.add_argument("action", choices=("start", "stop", "status"))
    p.add_argument(
        "--reuse-data",
        action="store_true",
        help="keep the topics and records of the previous run (by default start formats fresh storage)",
    )

    add("settings", cmd_settings, "list every setting: environment variable, default, meaning")

    p = add("extract", cmd_extract, "extract events from a JSONL file of articles, offline")
    p.add_argument("input")
    p.add_argument("-o", "--output", default="-", help="output JSONL (default: stdout)")
    p.add_argument(
        "--jobs",
        dest="extract_jobs",
        type=_positive(int),
        metavar="N",
        help="extraction processes (EVENTWIRE_EXTRACT_JOBS); the output is the same for any number",
    )
    p.add_argument(
        "--timeout",
        dest="extract_timeout",
        type=_positive(float),
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

    p = add(
        "consolidate", cmd_consolidate, "group a JSONL file of events into one record per real-world event, offline"
    )
    p.add_argument("input")
    p.add_argument("-o", "--output", default="-", help="output JSONL (default: stdout)")

    p = add("evaluate", cmd_evaluate, "measure a stage against annotated text (see docs/*.md for the figures)")
    p.add_argument("stage", choices=sorted(EVALUATIONS))
    p.add_argument("args", nargs=argparse.REMAINDER, help="files and flags of that evaluation (default: the dev sets)")
    return parser


def main(argv: list[str] | None = None) -> int:
    from workers.errors import EventwireError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except EventwireError as exc:  # the reason, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
