"""`finish`: an agent's work on records runs to its end, and only then are the records
reported processed to the consumer, which commits nothing else."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from workers.stream.agents import finish


def events(reported: list[int], offsets: tuple[int, ...] = (1, 2)) -> list[SimpleNamespace]:
    consumer = SimpleNamespace(processed=reported.append)
    return [SimpleNamespace(app=SimpleNamespace(consumer=consumer), message=o) for o in offsets]


def test_the_records_are_reported_processed_once_the_work_is_done():
    reported: list[int] = []

    async def work() -> None:
        await asyncio.sleep(0)
        assert reported == [], "not before the outputs are sent"

    asyncio.run(finish(work(), *events(reported)))
    assert reported == [1, 2]


def test_work_cancelled_midway_runs_to_its_end_and_its_records_are_reported():
    reported: list[int] = []
    done = []

    async def work() -> None:
        await asyncio.sleep(0.05)
        done.append(True)

    async def main() -> None:
        task = asyncio.ensure_future(finish(work(), *events(reported)))
        await asyncio.sleep(0.01)
        task.cancel()  # a shutdown or a rebalance
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert done == [True] and reported == [1, 2]


def test_work_that_fails_reports_nothing():
    reported: list[int] = []

    async def work() -> None:
        raise RuntimeError("the dead letter could not be sent either")

    with pytest.raises(RuntimeError):
        asyncio.run(finish(work(), *events(reported)))
    assert reported == []
