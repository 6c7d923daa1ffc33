"""`eventwire evaluate`: measure a stage against annotated text."""

from __future__ import annotations

import argparse
from pathlib import Path

from workers.cli.common import (
    Add,
)

# the folder that holds the checkout, ../shared and ../realnews, wherever the command runs
BESIDE = Path(__file__).resolve().parents[3]

EVALUATIONS = {
    "events": ("workers.evaluate.events", []),  # eval/devset.jsonl, plus ../shared when present
    "places": (
        "workers.evaluate.places",
        [str(BESIDE / "shared/dev/geovirus.dev.jsonl"), str(BESIDE / "realnews/gum-places.jsonl")],
    ),
    "dates": (
        "workers.evaluate.dates",
        [str(BESIDE / "shared/dev/tempeval3-train.dev.jsonl"), str(BESIDE / "shared/dev/meantime.dev.jsonl")],
    ),
    "consolidation": ("workers.evaluate.consolidation", []),
}


def evaluation_argv(stage: str, given: list[str]) -> list[str]:
    """The arguments of a stage's evaluation: the files given, else its default files (which
    lie beside the checkout, wherever the command runs) before any flags given ("evaluate
    places --errors 5")."""
    if given and not given[0].startswith("-"):
        return given
    return EVALUATIONS[stage][1] + given


def cmd_evaluate(args: argparse.Namespace) -> int:
    import importlib

    return importlib.import_module(EVALUATIONS[args.stage][0]).main(evaluation_argv(args.stage, args.args)) or 0


def register(add: Add) -> None:
    """The `evaluate` command and its options."""
    p = add("evaluate", cmd_evaluate, "measure a stage against annotated text (see docs/*.md for the figures)")
    p.add_argument("stage", choices=sorted(EVALUATIONS))
    p.add_argument("args", nargs=argparse.REMAINDER, help="files and flags of that evaluation (default: the dev sets)")
