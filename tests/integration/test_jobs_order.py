"""The number of extraction processes changes neither which events come out nor their order:
on a one-partition deployment, a worker with one process and a worker with two, and replays
of the same window with one and with two, write the same event ids in the same order."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.integration.conftest import Stack, generated_articles
from workers.publish.topics import Topics

pytestmark = pytest.mark.integration

ARTICLES = 40  # more than one extraction batch of the worker (16) and of a replay (--batch 24)


def event_ids(stack: Stack, topic: str, at_least: int) -> list[str]:
    """Event ids on `topic` (one partition) in their order."""
    return [r["event_id"] for _, r in stack.read(topic, at_least, timeout=240, settle=3.0)[topic]]


def test_event_ids_and_their_order_do_not_depend_on_jobs(broker: str, tmp_path: Path):
    records = [orjson.dumps(a) for a in generated_articles(ARTICLES, seed=23, prefix="jobs")]
    runs: dict[str, list[str]] = {}
    stacks = []
    try:
        for jobs in ("1", "2"):
            (tmp_path / jobs).mkdir()
            stack = Stack(broker, tmp_path / jobs, partitions=1)
            stacks.append(stack)
            stack.worker(EVENTWIRE_EXTRACT_JOBS=jobs).start()
            stack.publish(records)
            runs[f"worker --jobs {jobs}"] = event_ids(stack, stack.topics.events, ARTICLES)
        for jobs in ("1", "2"):
            done = stacks[0].cli(
                "replay",
                "--from",
                "beginning",
                "--output-prefix",
                f"j{jobs}.",
                "--jobs",
                jobs,
                "--batch",
                "24",
                timeout=300,
            )
            assert done.returncode == 0, done.stderr
            runs[f"replay --jobs {jobs}"] = event_ids(
                stacks[0], Topics(f"j{jobs}.{stacks[0].prefix}").events, len(runs["worker --jobs 1"])
            )
    finally:
        for stack in stacks:
            stack.close()
    first = runs["worker --jobs 1"]
    assert len(first) >= ARTICLES and len(set(first)) == len(first)
    assert {name: ids for name, ids in runs.items()} == {name: first for name in runs}
