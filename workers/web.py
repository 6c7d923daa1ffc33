"""The worker's HTTP endpoints (Faust's web server; bound to 127.0.0.1 unless configured).

    GET /events?type=&subtype=&country=&near=LAT,LON,KM&since=&limit=   recent events, newest first
    GET /events/stream?<same filters>                                   Server-Sent Events, live
    GET /stats                                                          counts by type and country, last hour and day
    GET /health                                                         broker reachability, lag, offsets
    GET /metrics                                                        Prometheus text format

A parameter that cannot be understood (an unknown event type, a limit out of range) is a 400
with `{"error": <what and why>}`, never an empty answer.
"""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timezone
from typing import Any

import orjson
from aiohttp import web as aioweb

from workers.publish.filters import EventFilter, FilterError, parse_since
from workers.stream.app import Wiring
from workers.stream.feed import EventFeed
from workers.stream.metrics import Metrics

KEEPALIVE_SECONDS = 15.0
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


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


def broker_reachable(bootstrap_servers: str, timeout: float = 1.0) -> bool:
    """True when at least one bootstrap server accepts a TCP connection."""
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=timeout):
                return True
        except (OSError, ValueError):
            continue
    return False


def register_web(w: Wiring, metrics: Metrics, feed: EventFeed) -> None:
    """Add the HTTP endpoints and the task that feeds them to the app in `w`."""
    app = w.app

    @app.task
    async def run_feed() -> None:
        await feed.run()

    @app.on_before_shutdown.connect
    async def close_streams(app, **kwargs) -> None:  # type: ignore[no-untyped-def]
        feed.close()

    @app.page("/events")
    async def events(self, request):  # type: ignore[no-untyped-def]
        try:
            where, since = _filter_from(request.query)
            limit = _limit_from(request.query)
        except FilterError as exc:
            return _bad_request(str(exc))
        found = feed.recent.query(where, since=since, limit=limit + 1)
        body = {"count": min(len(found), limit), "limit": limit, "truncated": len(found) > limit,
                "events": found[:limit]}
        return aioweb.Response(body=orjson.dumps(body), content_type="application/json")

    @app.page("/events/stream")
    async def stream(self, request):  # type: ignore[no-untyped-def]
        try:
            where, _ = _filter_from(request.query)
        except FilterError as exc:
            return _bad_request(str(exc))
        response = aioweb.StreamResponse(headers={"Content-Type": "text/event-stream",
                                                  "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        await response.prepare(request)
        queue = feed.subscribe()
        try:
            await response.write(b": connected\n\n")
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except asyncio.TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                if event is None:  # the worker is stopping
                    break
                if where.matches(event):
                    await response.write(b"id: " + event["event_id"].encode() + b"\nevent: event\ndata: "
                                         + orjson.dumps(event) + b"\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            feed.unsubscribe(queue)
        return response

    @app.page("/stats")
    async def stats(self, request):  # type: ignore[no-untyped-def]
        body = feed.recent.stats(datetime.now(timezone.utc))
        return aioweb.Response(body=orjson.dumps(body), content_type="application/json")

    @app.page("/health")
    async def health(self, request):  # type: ignore[no-untyped-def]
        monitor = app.monitor
        sources = {t.get_topic_name() for t in (w.articles, w.ingested, w.unique)}
        assigned = sorted(tp for tp in app.consumer.assignment() if tp.topic in sources)
        ends = await app.consumer.highwaters(*assigned) if assigned else {}
        partitions = []
        for tp in assigned:
            read, committed = monitor.tp_read_offsets.get(tp), monitor.tp_committed_offsets.get(tp)
            if committed is None:  # nothing committed by this process yet: the group's offset
                committed = app.consumer.committed_offset(tp)
            done = committed if committed is not None else (read + 1 if read is not None else None)
            end = ends.get(tp)
            lag = max(0, end - done) if done is not None and end is not None else (0 if end == 0 else None)
            partitions.append({
                "topic": tp.topic, "partition": tp.partition, "end_offset": end,
                "last_processed_offset": read, "committed_offset": committed, "lag": lag,
            })
        reachable = broker_reachable(w.settings.bootstrap_servers)
        body = {
            "status": "ok" if reachable else "broker_unreachable",
            "broker_reachable": reachable,
            "lag": None if any(p["lag"] is None for p in partitions) else sum(p["lag"] for p in partitions),
            "partitions": partitions,
            "recent_events": len(feed.recent),
        }
        return aioweb.Response(body=orjson.dumps(body), content_type="application/json",
                               status=200 if reachable else 503)

    @app.page("/metrics")
    async def prometheus(self, request):  # type: ignore[no-untyped-def]
        return aioweb.Response(text=metrics.render(), content_type="text/plain")
