"""`eventwire topics`: create the topics eventwire uses."""

from __future__ import annotations

import argparse

from workers.cli.common import (
    Add,
    connection_settings,
)


def cmd_topics(args: argparse.Namespace) -> int:
    from workers.clients import create_topics

    created = create_topics(connection_settings(args))
    print(f"created {len(created)} topics: {', '.join(created)}" if created else "all topics exist")
    return 0


def register(add: Add) -> None:
    """The `topics` command and its options."""
    p = add("topics", cmd_topics, "create the topics eventwire uses (idempotent)", connection=True)
    p.add_argument("action", choices=("create",))
    p.add_argument("--partitions", type=int, help="partitions per topic (EVENTWIRE_PARTITIONS)")
