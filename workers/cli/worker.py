"""`eventwire worker`: run the stream worker."""

from __future__ import annotations

import argparse

from workers.cli.common import (
    Add,
    connection_settings,
    jobs_flag,
)


def cmd_worker(args: argparse.Namespace) -> int:
    from workers.stream.worker import run_worker

    return run_worker(connection_settings(args), args.loglevel)


def register(add: Add) -> None:
    """The `worker` command and its options."""
    p = add(
        "worker",
        cmd_worker,
        "run the stream worker (ingest, dedup, extract and consolidate agents, HTTP endpoints)",
        connection=True,
    )
    p.add_argument("--app-id", help="consumer group / app id (EVENTWIRE_APP_ID)")
    p.add_argument("--web-port", type=int, help="HTTP port (EVENTWIRE_WEB_PORT)")
    p.add_argument("--loglevel", default="info", help="debug, info, warning or error (default: info)")
    jobs_flag(p, "each batch is spread over them")
