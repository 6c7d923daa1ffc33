"""`eventwire`: the command line of the worker, the local broker and the offline pipeline,
one module per command (`workers/cli/<command>.py`: its function and its options).

Connection flags override the environment variables of `workers.settings`; `eventwire
settings` lists them all. Offline commands (`extract`, `dedup`, `consolidate`) need no broker.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from workers.cli import (
    broker,
    consolidate,
    dedup,
    evaluate,
    extract,
    publish,
    replay,
    settings,
    subscribe,
    topics,
    worker,
)
from workers.cli.common import connection_flags

COMMANDS = (worker, publish, subscribe, replay, topics, broker, settings, extract, dedup, consolidate, evaluate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eventwire", description="the command line of the worker, the local broker and the offline pipeline"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str, connection: bool = False
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        if connection:
            connection_flags(p)
        return p

    for command in COMMANDS:
        command.register(add)
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
