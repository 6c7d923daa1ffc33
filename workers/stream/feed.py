"""The worker's view of the events topic, for the HTTP endpoints.

Every worker reads *all* partitions of `events` with its own group-less consumer, from
`max_age` ago, into a `RecentEvents` table and fans new events out to Server-Sent-Event
subscribers. A Faust table would be partitioned with the consumer group (each worker would
see a part); the topic is the source of truth, so a restarted worker rebuilds its view by
reading it again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer

from workers.clients import client_kwargs, ssl_context
from workers.publish.recent import RecentEvents
from workers.settings import Settings

log = logging.getLogger(__name__)
QUEUE_SIZE = 1000  # events buffered per SSE client; a client slower than that misses events
RETRY_BACKOFF_MS = 1000  # between retries of a request while the broker is away (aiokafka: 100)


def aiokafka_kwargs(settings: Settings) -> dict[str, Any]:
    """Connection arguments for aiokafka, from the same settings as every other client."""
    kwargs = {k: v for k, v in client_kwargs(settings).items() if not k.startswith("ssl_")}
    context = ssl_context(settings)
    if context is not None:
        kwargs["ssl_context"] = context
    return kwargs


class EventFeed:
    def __init__(self, settings: Settings, topic: str, recent: RecentEvents) -> None:
        self.settings = settings
        self.topic = topic
        self.recent = recent
        self.subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.last_offsets: dict[int, int] = {}

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        """A queue of new events for one client; None in it means the feed stopped."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self.subscribers.discard(queue)

    def close(self) -> None:
        """End every open stream (the web server waits for open connections when it stops)."""
        for queue in list(self.subscribers):
            queue.put_nowait(None)

    async def run(self) -> None:
        """Read the topic for ever (restarting the consumer after errors)."""
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker went away: try again shortly
                log.warning("event feed: %s; reconnecting in 2 s", exc)
                await asyncio.sleep(2)

    async def _consume(self) -> None:
        # Without a group id, aiokafka assigns every partition of the subscribed topic.
        consumer = AIOKafkaConsumer(self.topic, enable_auto_commit=False, auto_offset_reset="earliest",
                                    client_id="eventwire-feed", retry_backoff_ms=RETRY_BACKOFF_MS,
                                    **aiokafka_kwargs(self.settings))
        await consumer.start()
        try:
            while not consumer.assignment():
                await asyncio.sleep(0.1)
            partitions = list(consumer.assignment())
            start_ms = int((datetime.now(timezone.utc) - self.recent.max_age).timestamp() * 1000)
            ends = await consumer.end_offsets(partitions)
            for tp, found in (await consumer.offsets_for_times({tp: start_ms for tp in partitions})).items():
                resume = self.last_offsets.get(tp.partition)
                # an explicit offset, not seek_to_end(): that is resolved lazily and would skip
                # events published between now and the first fetch
                consumer.seek(tp, resume + 1 if resume is not None else found.offset if found else ends[tp])
            async for message in consumer:
                self.last_offsets[message.partition] = message.offset
                if message.value is None:  # a tombstone (a retired cluster id): nothing to add
                    continue
                event = orjson.loads(message.value)
                self.recent.add(event, datetime.fromtimestamp(message.timestamp / 1000, timezone.utc))
                for queue in list(self.subscribers):
                    if queue.qsize() < QUEUE_SIZE - 1:  # the last slot is kept for the end marker
                        queue.put_nowait(event)
        finally:
            await consumer.stop()
