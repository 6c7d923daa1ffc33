"""What the commands share: connection flags and settings, positive numbers, reading input
records (JSONL, folders) as ingest judges them, the dead letters of offline commands, JSONL
output and the progress bar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

import orjson
from tqdm import tqdm

from workers.settings import Settings


class Add(Protocol):
    """Adds a command's parser: name, the function that runs it, its help, whether it takes
    the connection flags."""

    def __call__(
        self, name: str, func: Callable[[argparse.Namespace], int], help_text: str, connection: bool = False
    ) -> argparse.ArgumentParser: ...


def connection_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (override EVENTWIRE_* environment variables)")
    group.add_argument("--bootstrap-servers", help="Kafka bootstrap servers, comma separated")
    group.add_argument("--topic-prefix", help="prefix of every topic name")
    group.add_argument("--security-protocol", help="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
    group.add_argument("--sasl-mechanism", help="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
    group.add_argument("--sasl-username", help="SASL user (the password is read from EVENTWIRE_SASL_PASSWORD only)")


def jobs_flag(parser: argparse.ArgumentParser, effect: str) -> None:
    """The `--jobs N` flag of the commands that extract; `effect` ends its help."""
    parser.add_argument(
        "--jobs",
        dest="extract_jobs",
        type=positive(int),
        metavar="N",
        help=f"extraction processes (EVENTWIRE_EXTRACT_JOBS); {effect}",
    )


def connection_settings(args: argparse.Namespace) -> Settings:
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


def positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
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
        self.records = 0  # records read, valid or not

    def valid(self, path: Path, settings: Settings) -> Iterator[tuple[str, Any]]:
        """(FILE:LINE, article) for the valid records of `path`; the others are added here."""
        from workers.records import DeadLetter

        for where, outcome in read_articles(path, settings):
            self.records += 1
            if isinstance(outcome, DeadLetter):
                self.add(where, outcome)
            else:
                yield where, outcome

    def add(self, where: str, letter: Any, *, logged: bool = False) -> None:
        """Keep `letter`; say it on stderr unless `errors.fail` has logged it already."""
        self.letters.append(letter.to_dict())
        if not logged:
            tqdm.write(f"{where}: {letter.error}: {letter.message}", file=sys.stderr)

    def finish(self) -> int:
        """Write the file, say how many records failed; the exit code (3 when any failed)."""
        if self.path:
            write_jsonl(self.path, self.letters)
        if not self.letters:
            return 0
        print(
            f"{len(self.letters)} of {self.records} records failed{'' if self.path else ' (--dead-letters FILE keeps them)'}",
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


def progress(items: Iterable[Any], desc: str, total: int | None) -> Iterable[Any]:
    return tqdm(items, desc=desc, unit="art", total=total, file=sys.stderr, mininterval=0.5)


def count_records(path: Path) -> int | None:
    return sum(1 for _ in iter_input_records(path)) if str(path) != "-" and path.is_file() else None
