"""The offset guards of `SafeConsumer`, driven without a broker.

Each test sets up the bookkeeping state that, in faust-streaming's own consumer, lets a
commit move past a message no agent processed, and checks the guard holds it back. The
restart tests in tests/integration/test_reliability.py exercise the same guards end to end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from types import SimpleNamespace

import pytest
from faust.transport import consumer as faust_consumer
from faust.transport.drivers.aiokafka import Consumer as FaustConsumer
from faust.types import TP
from faust.types.tuples import Message

from workers.settings import Settings
from workers.stream.app import build_app
from workers.stream.consumer import SafeConsumer

TOPIC = "t.articles.unique"
A, B = TP(TOPIC, 0), TP(TOPIC, 1)


@pytest.fixture
def consumer(tmp_path) -> Iterator[SafeConsumer]:
    wiring = build_app(Settings.from_env(data_dir=str(tmp_path), topic_prefix="t."))
    consumer = wiring.app.consumer
    assert isinstance(consumer, SafeConsumer)
    yield consumer


@pytest.fixture
def sought(monkeypatch: pytest.MonkeyPatch) -> list[tuple[TP, int]]:
    """The seeks that reach the aiokafka consumer, recorded instead of made."""
    seeks: list[tuple[TP, int]] = []

    async def seek(self, partition: TP, offset: int) -> None:
        seeks.append((partition, offset))

    monkeypatch.setattr(faust_consumer.ThreadDelegateConsumer, "_seek", seek)
    return seeks


def message(offset: int, generation: int) -> Message:
    return Message(TOPIC, 0, offset, 0.0, 0, None, b"k", b"{}", None, tp=A, generation_id=generation)


def book(consumer: SafeConsumer, tp: TP, committed: int, acked: list[int], processed: list[int]) -> None:
    """Faust's acknowledgements of `acked` and the agents' reports of `processed` on `tp`."""
    consumer._committed_offset[tp] = committed
    consumer._acked[tp] = list(acked)
    consumer._acked_index[tp] = set(acked)
    consumer._processed[tp] = set(processed)


def test_commit_waits_for_the_message_at_the_committed_offset(consumer: SafeConsumer):
    book(consumer, A, committed=3, acked=[4, 5, 6], processed=[4, 5, 6])
    assert consumer._new_offset(A) is None
    book(consumer, A, committed=3, acked=[4, 5, 6], processed=[4, 5, 6])
    assert FaustConsumer._new_offset(consumer, A) == 7, "faust alone commits past offset 3"


def test_commit_moves_over_the_records_agents_processed(consumer: SafeConsumer):
    book(consumer, A, committed=3, acked=[3, 4, 5, 7], processed=[3, 4, 5, 7])
    assert consumer._new_offset(A) == 6


def test_records_acknowledged_but_never_reported_processed_are_not_committed(consumer: SafeConsumer):
    # acknowledged by some path of faust's (a skip, a gap) while no agent processed 4 and 5
    book(consumer, A, committed=3, acked=[3, 4, 5], processed=[3])
    assert consumer._new_offset(A) == 4
    book(consumer, A, committed=3, acked=[3, 4, 5], processed=[3])
    assert FaustConsumer._new_offset(consumer, A) == 6, "faust alone commits them"


def test_where_nothing_is_committed_the_commit_starts_at_the_first_record_handed_out(consumer: SafeConsumer):
    consumer._first[A] = 0
    book(consumer, A, committed=None, acked=[1, 2], processed=[1, 2])  # type: ignore[arg-type]
    assert consumer._new_offset(A) is None, "offset 0 was handed out and never processed"
    consumer._processed[A].add(0)
    assert consumer._new_offset(A) == 3


def test_a_record_processed_while_the_flow_is_stopped_or_for_an_older_generation_does_not_count(
    consumer: SafeConsumer,
):
    app = consumer.app
    app.consumer_generation_id = 5
    app.flow_control.resume()
    consumer.processed(message(3, generation=4))  # delivered before the last rebalance
    app.flow_control.suspend()  # a rebalance or a stop is under way
    consumer.processed(message(4, generation=5))
    assert not consumer._processed[A] and consumer._unprocessed[A] == 3, "both are read again (guard 6)"
    app.flow_control.resume()
    consumer.processed(message(5, generation=5))
    assert consumer._processed[A] == {5}


def record(tp: TP, offset: int) -> SimpleNamespace:
    return SimpleNamespace(
        topic=tp.topic,
        partition=tp.partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        headers=[],
        key=b"k",
        value=b"{}",
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=2,
    )


def drain(
    consumer: SafeConsumer,
    monkeypatch: pytest.MonkeyPatch,
    *,
    a_offsets: Iterable[int] = range(10, 14),
    seek_while_fetching: bool = False,
    seek_after_first: bool = False,
) -> list[tuple[TP, int]]:
    """Hand out one batch of records of A and B through `getmany`, seeking A at the given moment."""
    batch = {A: [record(A, o) for o in a_offsets], B: [record(B, o) for o in range(20, 24)]}

    async def fetch(self, timeout: float):  # the fetcher's answer, as faust's consumer receives it
        if seek_while_fetching:
            consumer._note_sought({A: 10})
        return batch, {A, B}

    monkeypatch.setattr(faust_consumer.Consumer, "_wait_next_records", fetch)
    consumer.highwater = lambda tp: 100  # type: ignore[method-assign]
    consumer.flow_active = True

    async def run() -> list[tuple[TP, int]]:
        seen = []
        async for tp, message in consumer.getmany(timeout=1.0):
            seen.append((tp, message.offset))
            if seek_after_first and len(seen) == 1:
                consumer._note_sought({A: 10})  # recovery seeks partition A back meanwhile
        return seen

    return asyncio.run(run())


def test_a_batch_drops_the_records_of_a_partition_sought_while_it_is_handed_out(
    consumer: SafeConsumer, monkeypatch: pytest.MonkeyPatch
):
    seen = drain(consumer, monkeypatch, seek_after_first=True)
    assert seen[0][0] == A and len([s for s in seen if s[0] == A]) == 1, "A's later records must be dropped"
    assert [o for tp, o in seen if tp == B] == [20, 21, 22, 23], "B was not sought: all its records pass"


def test_a_batch_fetched_after_a_seek_is_kept_whole(consumer: SafeConsumer, monkeypatch: pytest.MonkeyPatch):
    seen = drain(consumer, monkeypatch, seek_while_fetching=True)
    assert [o for tp, o in seen if tp == A] == [10, 11, 12, 13]
    assert [o for tp, o in seen if tp == B] == [20, 21, 22, 23]


def test_a_record_that_comes_too_early_makes_the_partition_read_again_from_the_expected_offset(
    consumer: SafeConsumer, monkeypatch: pytest.MonkeyPatch, sought: list[tuple[TP, int]]
):
    consumer.app.topics._acking_topics.add(TOPIC)
    consumer._next[A] = 10  # committed offset 10: records 10 and 11 never arrived

    seen = drain(consumer, monkeypatch, a_offsets=(12, 13))
    assert sought == [(A, 10)] and not [s for s in seen if s[0] == A], "A is read again from 10"
    assert [o for tp, o in seen if tp == B] == [20, 21, 22, 23]
    assert consumer._read_offset[A] == 10

    # the broker answers with 12 again: the offsets really hold no records (compaction, markers)
    seen = drain(consumer, monkeypatch, a_offsets=(12, 13))
    assert sought == [(A, 10)] and [o for tp, o in seen if tp == A] == [12, 13]
    assert consumer._empty[A] == [(10, 12)], "the commit may pass them"


def test_the_commit_moves_over_offsets_found_empty(consumer: SafeConsumer):
    # a backlog past the topic's retention: offsets 10 to 999,999 are gone, 1,000,000 was processed
    book(consumer, A, committed=10, acked=[1_000_000], processed=[1_000_000])
    consumer._empty[A] = [(10, 1_000_000)]
    assert consumer._new_offset(A) == 1_000_001


def test_records_read_again_after_a_seek_pass_faust_s_already_read_check(
    consumer: SafeConsumer, monkeypatch: pytest.MonkeyPatch
):
    consumer.app.topics._acking_topics.add(TOPIC)
    # A seek back to 10 happened while record 13 was being delivered; that delivery then set
    # the last-read mark to 13, above the records that are now read again.
    consumer._next[A] = 10
    consumer._read_offset[A] = 13
    delivered = []
    batch = {A: [record(A, o) for o in range(10, 14)]}

    async def fetch(self, timeout: float):
        return batch, {A}

    monkeypatch.setattr(faust_consumer.Consumer, "_wait_next_records", fetch)
    consumer.highwater = lambda tp: 100  # type: ignore[method-assign]
    consumer.flow_active = True

    async def run() -> None:
        async for tp, message in consumer.getmany(timeout=1.0):
            # faust's fetch loop (Consumer._drain_messages) delivers a record only if this holds
            read = consumer._read_offset[tp]
            if read is None or message.offset >= read:
                delivered.append(message.offset)
                consumer._read_offset[tp] = message.offset

    asyncio.run(run())
    assert delivered == [10, 11, 12, 13]


def test_acks_are_kept_out_of_the_commit_while_the_flow_is_stopped_or_for_an_older_generation(consumer: SafeConsumer):
    app = consumer.app
    app.topics._acking_topics.add(TOPIC)  # as when an agent reads the topic
    app.consumer_generation_id = 5
    app.flow_control.resume()
    refused = [message(1, generation=4)]  # delivered before the last rebalance
    assert consumer.ack(refused[0]) is False

    app.flow_control.suspend()  # a rebalance or a stop is under way
    refused.append(message(2, generation=5))
    assert consumer.ack(refused[1]) is False
    assert 1 not in consumer._acked_index[A] and 2 not in consumer._acked_index[A]
    assert all(m.acked for m in refused), "done for the stream, so a stop does not wait for them"

    app.flow_control.resume()
    current = message(3, generation=5)
    assert consumer.ack(current) is True and 3 in consumer._acked_index[A], "this one goes into the commit"


def test_a_record_a_stream_skipped_is_read_again_once_the_flow_runs(
    consumer: SafeConsumer, sought: list[tuple[TP, int]]
):
    consumer.assignment = lambda: {A, B}  # type: ignore[method-assign]
    app = consumer.app
    app.topics._acking_topics.add(TOPIC)
    app.consumer_generation_id = 5
    consumer._next[A] = 9  # records up to 8 were handed out since the last seek
    consumer._next[B] = 30
    app.flow_control.suspend()
    consumer.ack(message(5, generation=5))  # skipped by its stream: never processed
    consumer.ack(message(6, generation=5))
    app.flow_control.resume()
    asyncio.run(consumer._read_unprocessed_again())
    assert sought == [(A, 5)] and consumer._next[A] == 5, "A is read again from its first skipped record"

    # a seek back to or before the skipped record (a rebalance's) makes another one needless
    consumer.ack(message(7, generation=4))
    consumer._note_sought({A: 3})
    asyncio.run(consumer._read_unprocessed_again())
    assert sought == [(A, 5)]


def test_a_record_passed_unprocessed_by_any_path_is_read_again_once(
    consumer: SafeConsumer, sought: list[tuple[TP, int]]
):
    consumer.assignment = lambda: {A}  # type: ignore[method-assign]
    consumer.app.flow_control.resume()
    consumer._next[A] = 7
    book(consumer, A, committed=3, acked=[4, 5, 6], processed=[4, 5, 6])  # 3 never came to an agent; the later ones did
    assert consumer._new_offset(A) is None
    asyncio.run(consumer._read_unprocessed_again())
    assert sought == [(A, 3)]
    consumer._next[A] = 7  # read again up to 6; 3 is in flight again
    assert consumer._new_offset(A) is None
    asyncio.run(consumer._read_unprocessed_again())
    assert sought == [(A, 3)], "once per offset: no seek loop while it is read again"
