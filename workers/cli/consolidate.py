"""`eventwire consolidate`: group a file of events into clusters, offline."""

from __future__ import annotations

import argparse
import sys

from workers.cli.common import (
    Add,
)


def cmd_consolidate(args: argparse.Namespace) -> int:
    from workers.consolidate import consolidate_file

    print(f"{consolidate_file(args.input, args.output)} clusters", file=sys.stderr)
    return 0


def register(add: Add) -> None:
    """The `consolidate` command and its options."""
    p = add(
        "consolidate", cmd_consolidate, "group a JSONL file of events into one record per real-world event, offline"
    )
    p.add_argument("input")
    p.add_argument("-o", "--output", default="-", help="output JSONL (default: stdout)")
