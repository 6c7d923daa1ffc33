"""The Kafka consumer the worker runs: Faust's aiokafka consumer with its offset bookkeeping made safe.

Faust commits, per partition, the offset after the longest run of acknowledged messages, and
it counts holes in the offsets it reads as "gaps" (compaction, transaction markers) that are
acknowledged for free. Four paths in faust-streaming 0.15 let that commit move past
messages no agent ever processed, and more let records vanish around a seek; each was
seen losing records when a worker restarted mid-stream (tests/integration/test_reliability.py
and a restart loop):

1. **Records fetched before a seek.** After a rebalance, recovery seeks every partition back
   to its committed offset while the fetch loop is still handing out a batch fetched before
   the seek. The next record of that batch lies far past the new read position, so Faust
   books everything in between as a gap (acknowledged), and the copies fetched after the seek
   are then dropped as already read. This consumer drops the rest of a batch for every
   partition that was sought while the batch was handed out; the fetch after the seek brings
   those records again, in order.
2. **Commits past records no agent processed.** Faust commits the offset after the longest
   run of acknowledged messages, and messages get acknowledged without an agent processing
   them: the gaps of guard 1, an off-by-one (with committed offset C, the next to read, Faust
   commits when the lowest acknowledged offset is C + 1), the messages a stream skips while
   a rebalance is under way, and at least one more path seen in a restart loop with nothing
   in the log (articles at offsets 4 to 10 of `articles.unique` committed, their events never
   sent). This consumer therefore decides the commit from what the agents report done: an
   agent calls `processed` once a record's outputs are sent, and the commit moves over the
   longest run of processed records (and of offsets guard 4 found empty) from the committed
   offset. A record processed while the flow is stopped (a rebalance, a shutdown) or under an
   older group generation does not count; it is read again from the committed offset after
   the rebalance or the restart, or by guard 6.
3. **Acknowledgements of skipped messages.** A stream acknowledges the messages it skips
   while the flow is stopped, so they count as done for the stream (a stop would wait for
   them forever otherwise); this consumer keeps them out of Faust's acknowledgements and
   notes them for guard 6.

4. **Records that never reach the streams.** Records can also vanish between the fetch and
   the streams with nothing logged (seen once: the first record after a restart's seek on one
   partition of `events`; faust's gap check misses a hole of one record, so its commit would
   pass it, and with guard 2 the record still waited for the next restart). This consumer knows the offset each partition's next record should have; when
   a later one comes first on a topic agents read, it reads the partition again from the
   expected offset, once. If the same record comes first again, the offsets in between really
   hold no records (compaction, transaction markers) and count as a gap.

5. **Records read again after a seek, dropped as read already.** Faust's fetch loop drops a
   record whose offset is below the last one it delivered on that partition. A seek (guard
   1 or 4, or recovery's) resets that mark, but a record still being delivered when the seek
   happens sets it again afterwards, above the sought offset; the records read again from
   there were then dropped without a trace, and the partition stalled behind them (seen
   after a restart mid-stream: the commit waited at the first of them, guard 2, while their
   events never came). This consumer lowers the mark to any record it hands out, so a
   record read again is delivered again.

6. **Records a stream skipped, never read again.** A stream skips the records it is handed
   while the flow is stopped or that carry an older group generation (guard 3 keeps them out
   of the commit). That is safe when a seek back to the committed offset follows (a rebalance,
   a restart), but records fetched after that seek can be skipped too: after a restart
   mid-stream, offsets 4 to 13 of every partition of `articles.unique` were skipped this way
   while later records were processed, so the commit held at 4 and their events never came.
   This consumer notes the first record skipped per partition and, once the flow runs again,
   seeks the partition back to it unless a seek since then already went back that far.

7. **Any other record that passes without being processed.** Agents process a partition in
   order, so when records after the committed offset are processed and the one at it is
   not, that one was lost between the fetch and the agent by some path not known yet. The
   commit already waits for it (guard 2); this consumer also reads the partition again from
   it, once per offset, as guard 6 does.

Each guard errs towards reading a record again, which the delivery guarantee (at least once,
with deterministic record keys) already allows.

While the broker is away, the consumer retries every `RETRY_BACKOFF_MS` (aiokafka's default,
100 ms, made about 9,400 failed attempts and as many log lines a minute), and the app logs
the connection's state changes instead of every failed attempt (`workers.stream.connection_log`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from typing import Any

import faust
from faust.transport.drivers import aiokafka as aiokafka_driver
from faust.types import TP, Message

from workers.stream import connection_log

RETRY_BACKOFF_MS = 1000  # between retries of a failed request (fetch, metadata, group coordinator)


def _moved(committed: Mapping[TP, int | None]) -> dict[TP, int]:
    """The partitions a seek to `committed` moves: as in aiokafka, those with an offset above 0."""
    return {tp: offset for tp, offset in committed.items() if offset and offset > 0}


class SafeConsumerThread(aiokafka_driver.AIOKafkaConsumerThread):
    """Faust's consumer thread, whose aiokafka consumer retries every RETRY_BACKOFF_MS."""

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # Faust passes no retry_backoff_ms; aiokafka hands these two on to its fetcher and group
        # coordinator when it starts. getattr first: a renamed attribute must fail, not be ignored.
        for owner, name, value in (
            (consumer, "_retry_backoff_ms", RETRY_BACKOFF_MS),
            (consumer._client, "_retry_backoff", RETRY_BACKOFF_MS / 1000),
        ):
            getattr(owner, name)
            setattr(owner, name, value)
        return consumer


class SafeConsumer(aiokafka_driver.Consumer):
    """Faust's aiokafka consumer with the seven guards of the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sought: set[TP] = set()  # partitions sought since the current batch was fetched
        self._next: dict[TP, int] = {}  # the offset the next record handed out should have
        self._unprocessed: dict[TP, int] = {}  # the first record passed unprocessed, per partition (guards 6, 7)
        self._missed: dict[TP, int] = {}  # the committed offset last found missed and read again (guard 7)
        self._jumped: dict[TP, int] = {}  # the record that came too early once, read again from _next
        self._processed: dict[TP, set[int]] = defaultdict(set)  # offsets agents processed (guard 2)
        # [from, to) offsets found to hold no records (guard 4)
        self._empty: dict[TP, list[tuple[int, int]]] = defaultdict(list)
        self._first: dict[TP, int] = {}  # the first offset handed out, where no offset is committed yet

    def _new_consumer_thread(self) -> SafeConsumerThread:
        return SafeConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def _note_sought(self, positions: Mapping[TP, int]) -> None:
        self._sought.update(positions)
        self._next.update(positions)
        for tp, offset in positions.items():
            if self._unprocessed.get(tp, -1) >= offset:
                del self._unprocessed[tp]  # read again from here anyway

    async def _wait_next_records(self, timeout: float) -> Any:
        records = await super()._wait_next_records(timeout)
        self._sought = set()  # a seek from now on moves a partition away from this batch
        return records

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Message]]:
        if self._unprocessed and self.flow_active and self.app.flow_control.is_active():
            await self._read_unprocessed_again()
        dropped = again = 0
        async for tp, message in super().getmany(timeout):
            if tp in self._sought:
                dropped += 1  # fetched before the seek; the next fetch reads it again
                continue
            expected = self._next.get(tp)
            if expected is not None and message.offset > expected and self.app.topics.acks_enabled_for(tp.topic):
                if self._jumped.get(tp) != message.offset:
                    # a record before this one never reached the streams: read again from it, once
                    self._jumped[tp] = message.offset
                    self.log.info(
                        "Expected offset %d on %s, got %d: reading again from %d",
                        expected,
                        tp,
                        message.offset,
                        expected,
                    )
                    await self.seek(tp, expected)
                    continue
                self.log.info("Offsets %d to %d of %s hold no records: a gap", expected, message.offset - 1, tp)
                self._empty[tp].append((expected, message.offset))  # no records there (compaction, markers, retention)
            self._next[tp] = max(expected or 0, message.offset + 1)
            self._first[tp] = min(self._first.get(tp, message.offset), message.offset)
            read = self._read_offset[tp]
            if read is not None and message.offset < read and self.app.topics.acks_enabled_for(tp.topic):
                self._read_offset[tp] = message.offset  # read again after a seek: deliver it again
                again += 1
            yield tp, message
        if dropped:
            self.log.info("Dropped %d records fetched before a seek; they are read again", dropped)
        if again:
            self.log.info("Delivering again %d records read again after a seek", again)

    async def seek_to_committed(self) -> Mapping[TP, int]:
        offsets = await self._thread.call_thread(self._seek_all_to_committed)
        moved = _moved(offsets)
        for tp in offsets.keys() - moved.keys():
            self._next.pop(tp, None)  # not moved, position unknown here
        self._note_sought(moved)
        return offsets

    async def _seek_all_to_committed(self) -> Mapping[TP, int]:
        """aiokafka's `seek_to_committed`, but every partition is moved at once, after all lookups.

        aiokafka moves each partition as soon as its committed offset arrives, so a fetch in
        between can return records of partitions already moved (valid) next to records of
        partitions not yet moved (stale), and one batch could no longer be judged as a whole.
        Runs in the consumer thread.
        """
        consumer = self._thread._ensure_consumer()
        offsets = {tp: await consumer.committed(tp) for tp in consumer.assignment()}
        for tp, offset in _moved(offsets).items():
            consumer.seek(tp, offset)
        return offsets

    async def seek_wait(self, partitions: Mapping[TP, int]) -> None:
        await super().seek_wait(partitions)
        self._note_sought(partitions)

    async def _seek(self, partition: TP, offset: int) -> None:
        await super()._seek(partition, offset)
        self._note_sought({partition: offset})

    def committed_offset(self, tp: TP) -> int | None:
        """The group's committed offset of `tp` as last read or written by this consumer (None: unknown)."""
        return self._committed_offset.get(tp)

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        for tp in revoked:
            self._processed.pop(tp, None)
            self._empty.pop(tp, None)
            self._first.pop(tp, None)
        await super().on_partitions_revoked(revoked)

    def processed(self, message: Message) -> None:
        """An agent is done with `message`: its outputs are sent (guard 2). Not counted while the
        flow is stopped or for an older generation: the record is read again (guard 6)."""
        if self._stale(message):
            self._mark_unprocessed(message.tp, message.offset)
        else:
            self._processed[message.tp].add(message.offset)

    def _stale(self, message: Message) -> bool:
        """Whether `message` is handled while the flow is stopped or under an older generation."""
        return not self.app.flow_control.is_active() or message.generation_id != self.app.consumer_generation_id

    def _new_offset(self, tp: TP) -> int | None:
        super()._new_offset(tp)  # trims Faust's acknowledgement lists; the offset is decided here
        start = self._committed_offset[tp]
        if start is None:
            start = self._first.get(tp)
        done, empty = self._processed[tp], self._empty[tp]
        if start is None or not (done or empty):
            return None
        if done and min(done) < start:
            done.difference_update([o for o in done if o < start])  # committed already
        empty[:] = [(a, b) for a, b in empty if b > start]
        offset = start
        while True:
            if offset in done:
                offset += 1
                continue
            end = next((b for a, b in empty if a <= offset < b), None)
            if end is None:
                break
            offset = end
        if offset > start:
            return offset
        # Agents process a partition in order, so a later record processed means the one at
        # the committed offset passed without being processed (guard 7): read it again, once.
        if done and self._missed.get(tp) != start:
            self._missed[tp] = start
            self._mark_unprocessed(tp, start)
        return None

    async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
        # A gap is acknowledged without any record behind it; on the topics the agents read
        # (no compaction, no transactions) there should be none, so each one is worth a line.
        self.log.info("Offsets %d to %d of %s count as a gap: acknowledged without records", offset_from, offset_to, tp)
        await super()._add_gap(tp, offset_from, offset_to)

    def _mark_unprocessed(self, tp: TP, offset: int) -> None:
        self._unprocessed[tp] = min(self._unprocessed.get(tp, offset), offset)

    async def _read_unprocessed_again(self) -> None:
        """Guards 6 and 7: seek each partition back to the first record that passed
        unprocessed, unless a seek since then moved it back to or before that record already."""
        unprocessed, self._unprocessed = self._unprocessed, {}
        assigned = self.assignment()
        for tp, offset in unprocessed.items():
            handed_out = self._next.get(tp)
            if tp in assigned and handed_out is not None and offset < handed_out:
                self.log.info("Reading %s again from %d: it passed without being processed", tp, offset)
                await self.seek(tp, offset)

    def ack(self, message: Message) -> bool:
        if self._stale(message):
            # done as far as the stream goes (so a stop does not wait for it), but never committed,
            # and read again once the flow runs (guard 6)
            tp = message.tp
            if self.app.topics.acks_enabled_for(tp.topic):
                self._mark_unprocessed(tp, message.offset)
            message.acked = True
            self._unacked_messages.discard(message)
            return False
        return super().ack(message)


class SafeTransport(aiokafka_driver.Transport):
    """The aiokafka transport with `SafeConsumer`."""

    Consumer = SafeConsumer


class App(faust.App):
    """`faust.App` whose consumer is `SafeConsumer`, and whose Kafka clients log an outage as state changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        connection_log.install()

    def _new_transport(self) -> SafeTransport:
        return SafeTransport(self.conf.broker_consumer, self)
