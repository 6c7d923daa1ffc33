"""`eventwire broker`: start, stop or check the local single-node Kafka broker."""

from __future__ import annotations

import argparse
import sys

from workers.cli.common import (
    Add,
)
from workers.settings import Settings


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


def register(add: Add) -> None:
    """The `broker` command and its options."""
    p = add("broker", cmd_broker, "start, stop or check the local single-node Kafka broker")
    p.add_argument("action", choices=("start", "stop", "status"))
    p.add_argument(
        "--reuse-data",
        action="store_true",
        help="keep the topics and records of the previous run (by default start formats fresh storage)",
    )
