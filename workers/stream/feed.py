"""The worker's view of the events topic, for the HTTP endpoints.

Every worker reads *all* partitions of `events` with its own group-less consumer, from
`max_age` ago, into a `RecentEvents` table and fans new events out to Server-Sent-Event
subscribers. A Faust table would be partitioned with the consumer group (each worker would
see a part); the topic is the source of truth, so a restarted worker rebuilds its view by
reading it again. A subscriber that reads too slowly misses events rather than holding
them all in memory; it is told how many (`Subscription.missed`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer

from workers.clients import client_kwargs, ssl_context
from workers.publish.filters import EventFilter
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


@dataclass(eq=False)
class Subscription:
    """The new events matching `where` for one client, and how many it missed by reading too slowly.

    The queue holds at most QUEUE_SIZE - 1 events; the last slot is kept for the end marker
    (None: the feed stopped).
    """

    where: EventFilter
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    missed: int = 0

    def offer(self, event: dict[str, Any]) -> None:
        if not self.where.matches(event):
            return
        if self.queue.qsize() < QUEUE_SIZE - 1:
            self.queue.put_nowait(event)
        else:
            self.missed += 1

    def take_missed(self) -> int:
        """The events missed since the last call."""
        missed, self.missed = self.missed, 0
        return missed


class EventFeed:
    def __init__(self, settings: Settings, topic: str, recent: RecentEvents) -> None:
        self.settings = settings
        self.topic = topic
        self.recent = recent
        self.subscribers: set[Subscription] = set()
        self.last_offsets: dict[int, int] = {}

    def subscribe(self, where: EventFilter) -> Subscription:
        """New events matching `where`, for one client, from now on."""
        subscription = Subscription(where)
        self.subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self.subscribers.discard(subscription)

    def close(self) -> None:
        """End every open stream (the web server waits for open connections when it stops)."""
        for subscription in list(self.subscribers):
            subscription.queue.put_nowait(None)

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
        consumer = AIOKafkaConsumer(
            self.topic,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id="eventwire-feed",
            retry_backoff_ms=RETRY_BACKOFF_MS,
            **aiokafka_kwargs(self.settings),
        )
        await consumer.start()
        try:
            while not consumer.assignment():
                await asyncio.sleep(0.1)
            partitions = list(consumer.assignment())
            start_ms = int((datetime.now(UTC) - self.recent.max_age).timestamp() * 1000)
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
                self.recent.add(event, datetime.fromtimestamp(message.timestamp / 1000, UTC))
                for subscription in list(self.subscribers):
                    subscription.offer(event)
        finally:
            await consumer.stop()
