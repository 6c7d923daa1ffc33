"""Replay planning without a broker: the parts of a replay split the partitions disjointly and
completely, a replay in parts needs a window end, and the progress line counts the whole window."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from workers.cli.replay import _part
from workers.replay import Progress, Replay, ReplayError
from workers.settings import Settings

SINCE, UNTIL = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_the_parts_split_the_partitions_disjointly_and_completely(n: int):
    settings = Settings.from_env()
    partitions = range(12)
    owned = [
        {p for p in partitions if Replay(settings, since=SINCE, until=UNTIL, part=(k, n)).own(p)}
        for k in range(1, n + 1)
    ]
    assert sum(map(len, owned)) == len(partitions) and set().union(*owned) == set(partitions)
    assert all(owned)


def test_the_parts_of_one_window_share_its_group():
    settings = Settings.from_env()
    groups = {Replay(settings, since=SINCE, until=UNTIL, part=(k, 3)).group for k in (1, 2, 3)}
    assert len(groups) == 1


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ReplayError, match="ends .* before it starts"):
        Replay(Settings.from_env(), since=UNTIL, until=SINCE)
    with pytest.raises(ReplayError, match="before it starts"):
        Replay(Settings.from_env(), since=SINCE, until=SINCE)


def test_a_replay_in_parts_needs_an_end_and_a_valid_part():
    settings = Settings.from_env()
    with pytest.raises(ReplayError, match="--to"):
        Replay(settings, since=SINCE, part=(1, 2))
    with pytest.raises(ReplayError, match="between 1 and n"):
        Replay(settings, since=SINCE, until=UNTIL, part=(3, 2))
    assert _part("2/4") == (2, 4)
    for bad in ("0/2", "3/2", "2", "a/b"):
        with pytest.raises(argparse.ArgumentTypeError):
            _part(bad)


def test_the_progress_line_counts_the_whole_window_and_marks_the_other_parts():
    state = Progress(start={0: 0, 1: 10}, end={0: 100, 1: 60}, position={0: 40, 1: 35}, own=frozenset({1}))
    line = state.line()
    assert line.startswith("replay 65/150 records")
    assert "other p0:40/100" in line and " p1:25/50" in line
    assert not state.own_complete
    state.position[1] = 60
    assert state.own_complete


def test_the_eta_is_that_of_the_own_partitions():
    # part 2 of 2 finishing first: the rest of the window is the other part's to replay
    state = Progress(start={0: 0, 1: 0}, end={0: 24, 1: 51}, position={0: 0, 1: 0}, own=frozenset({1}))
    state.started -= 10  # ten seconds in
    state.position[1] = 51
    assert "eta 0s" in state.line()
    state.position[1] = 41  # 41 records in 10 s: 10 left at 4.1/s
    assert "eta 2s" in state.line()


def test_the_rate_is_that_of_the_own_partitions():
    # the other part replays its partition meanwhile; this process did 50 records in 10 s
    state = Progress(start={0: 0, 1: 0}, end={0: 100, 1: 100}, position={0: 0, 1: 0}, own=frozenset({1}))
    state.started -= 10
    state.position[0] = 100
    state.position[1] = 50
    line = state.line()
    assert "5.0/s" in line and "eta 10s" in line
