"""The worker's HTTP endpoints (Faust's web server; bound to 127.0.0.1 unless configured).

    GET /events?type=&subtype=&country=&near=LAT,LON,KM&since=&limit=   recent events, newest first
    GET /events/stream?<same filters>                                   Server-Sent Events, live
    GET /stats                                                          counts by type and country, last hour and day
    GET /health                                                         readiness, broker reachability, lag, offsets
    GET /metrics                                                        Prometheus text format

A parameter that cannot be understood (an unknown event type, a limit out of range) is a 400
with `{"error": <what and why>}`, never an empty answer. `/health` is 200 only when the worker
is ready: its first partition assignment done, no rebalance under way, the broker reachable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import web as aioweb

from workers.publish.filters import EventFilter, FilterError, parse_since
from workers.stream.app import Wiring
from workers.stream.feed import EventFeed
from workers.stream.metrics import ARTICLES, REPLACED, Metrics

KEEPALIVE_SECONDS = 15.0
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
BROKER_CHECK_SECONDS = 1.0  # per bootstrap server: /health answers fast during an outage
END_OFFSETS_SECONDS = 3.0  # then lag is unknown (null), not a hang


def _bad_request(message: str) -> aioweb.Response:
    return aioweb.json_response({"error": message}, status=400)


def _filter_from(query: Any) -> tuple[EventFilter, datetime | None]:
    return EventFilter.from_query(query), parse_since(query.get("since"))


def _limit_from(query: Any) -> int:
    text = query.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise FilterError(f"limit: expected a whole number from 1 to {MAX_LIMIT}, got {text!r}")
    return limit


async def broker_reachable(bootstrap_servers: str, timeout: float = BROKER_CHECK_SECONDS) -> bool:
    """True when at least one bootstrap server accepts a TCP connection within `timeout`."""
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
        except (TimeoutError, OSError, ValueError):
            continue
        writer.close()
        return True
    return False


def input_topics(app: Any) -> set[str]:
    """The topics the worker's agents read (the internal one-partition topics included)."""
    return {name for agent in app.agents.values() for name in agent.get_topic_names()}


def partition_health(app: Any, assigned: list[Any], ends: Mapping[Any, int]) -> list[dict[str, Any]]:
    """Offsets and lag of each assigned input partition.

    Lag is the group's: the end offset minus the committed offset (records read but not yet
    committed are still to do, as after a crash). None while either is unknown: before the
    end offsets arrive, or while neither this process nor the group has committed the partition.
    """
    monitor = app.monitor
    partitions = []
    for tp in assigned:
        read, committed = monitor.tp_read_offsets.get(tp), monitor.tp_committed_offsets.get(tp)
        if committed is None:  # nothing committed by this process yet: the group's offset
            committed = app.consumer.committed_offset(tp)
        end = ends.get(tp)
        lag = max(0, end - committed) if committed is not None and end is not None else (0 if end == 0 else None)
        partitions.append(
            {
                "topic": tp.topic,
                "partition": tp.partition,
                "end_offset": end,
                "last_processed_offset": read,
                "committed_offset": committed,
                "lag": lag,
            }
        )
    return partitions


def register_web(w: Wiring, metrics: Metrics, feed: EventFeed) -> None:
    """Add the HTTP endpoints and the task that feeds them to the app in `w`."""
    app = w.app

    @app.task
    async def run_feed() -> None:
        await feed.run()

    @app.on_before_shutdown.connect  # type: ignore[arg-type]  # faust types receivers as taking `signal`
    async def close_streams(app: Any, **kwargs: Any) -> None:
        feed.close()

    @app.page("/events")
    async def events(self, request):
        try:
            where, since = _filter_from(request.query)
            limit = _limit_from(request.query)
        except FilterError as exc:
            return _bad_request(str(exc))
        found = feed.recent.query(where, since=since, limit=limit + 1)
        body = {
            "count": min(len(found), limit),
            "limit": limit,
            "truncated": len(found) > limit,
            "events": found[:limit],
        }
        return aioweb.Response(body=orjson.dumps(body), content_type="application/json")

    @app.page("/events/stream")
    async def stream(self, request):
        try:
            where, _ = _filter_from(request.query)
        except FilterError as exc:
            return _bad_request(str(exc))
        response = aioweb.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        subscription = feed.subscribe(where)
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(subscription.queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                if event is None:  # the worker is stopping
                    break
                await response.write(
                    b"id: " + event["event_id"].encode() + b"\nevent: event\ndata: " + orjson.dumps(event) + b"\n\n"
                )
                if subscription.missed and subscription.queue.empty():
                    # the client read too slowly: say how many it missed (it can ask /events again)
                    missed = orjson.dumps({"count": subscription.take_missed()})
                    await response.write(b"event: missed\ndata: " + missed + b"\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            feed.unsubscribe(subscription)
        return response

    @app.page("/stats")
    async def stats(self, request):
        body = feed.recent.stats(datetime.now(UTC))
        return aioweb.Response(body=orjson.dumps(body), content_type="application/json")

    @app.page("/health")
    async def health(self, request):
        # reachability first, with a short timeout: the end offsets would wait for a broker that is gone
        reachable = await broker_reachable(w.settings.bootstrap_servers)
        inputs = input_topics(app)
        assigned = sorted(tp for tp in app.consumer.assignment() if tp.topic in inputs)
        ends: Mapping[Any, int] = {}
        if reachable and assigned:
            try:
                ends = await asyncio.wait_for(app.consumer.highwaters(*assigned), END_OFFSETS_SECONDS)
            except Exception:  # noqa: BLE001 - a timeout or a lost connection: the ends stay unknown
                ends = {}
        partitions = partition_health(app, assigned, ends)
        # Faust counts a rebalance from its start and clears `rebalancing` once the partitions
        # are assigned, the tables recovered and the streams resumed
        first_pending = app.rebalancing_count == 0 or (app.rebalancing and app.rebalancing_count == 1)
        status = (
            "broker_unreachable"
            if not reachable
            else "starting"
            if first_pending
            else "rebalancing"
            if app.rebalancing
            else "ok"
        )
        known = status == "ok" and all(p["lag"] is not None for p in partitions)
        body = {
            "status": status,
            "broker_reachable": reachable,
            "lag": sum(p["lag"] for p in partitions) if known else None,
            "partitions": partitions,
            "recent_events": len(feed.recent),
            # articles that ran past the time budget or made the extractor fail (dead letters),
            # and extraction processes replaced for it: the partition went on each time
            "extraction": {
                "processes": w.settings.extract_jobs,
                "timeouts": metrics.get(ARTICLES, "outcome", "dlq:processing_timeout"),
                "errors": metrics.get(ARTICLES, "outcome", "dlq:processing_error"),
                "processes_replaced": metrics.get(REPLACED),
            },
        }
        return aioweb.Response(
            body=orjson.dumps(body), content_type="application/json", status=200 if status == "ok" else 503
        )

    @app.page("/metrics")
    async def prometheus(self, request):
        return aioweb.Response(text=metrics.render(), content_type="text/plain")
