"""`eventwire evaluate`: measure a stage against annotated text."""

from __future__ import annotations

import argparse

from workers.cli.common import (
    Add,
)

EVALUATIONS = {
    "events": ("workers.evaluate.events", []),  # eval/devset.jsonl, plus ../shared when present
    "places": ("workers.evaluate.places", ["../shared/dev/geovirus.dev.jsonl", "../realnews/gum-places.jsonl"]),
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


def register(add: Add) -> None:
    """The `evaluate` command and its options."""
    p = add("evaluate", cmd_evaluate, "measure a stage against annotated text (see docs/*.md for the figures)")
    p.add_argument("stage", choices=sorted(EVALUATIONS))
    p.add_argument("args", nargs=argparse.REMAINDER, help="files and flags of that evaluation (default: the dev sets)")
