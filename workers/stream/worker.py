"""Assembling and running one worker: the extraction processes, the Faust app, its agents and
its HTTP views. `eventwire worker` calls `run_worker`; so do tests that need a worker with
another extractor."""

from __future__ import annotations

import sys
from collections.abc import Callable

from workers.extract.pipeline import Extractor
from workers.settings import Settings


def run_worker(settings: Settings, loglevel: str = "info", factory: Callable[[], Extractor] = Extractor) -> int:
    """Run a worker until it is stopped; the exit code. The broker is checked first, then the
    extraction processes load their models before the worker joins the group, so a wrong
    address or login and a bad model path each fail here, at once."""
    import faust

    from workers.clients import create_topics
    from workers.extract.pool import ExtractionPool, ExtractorUnavailable
    from workers.publish.recent import RecentEvents
    from workers.stream.agents import Guard, register_agents
    from workers.stream.app import build_app
    from workers.stream.consolidate import register_consolidation
    from workers.stream.feed import EventFeed
    from workers.stream.metrics import Metrics
    from workers.web import register_web
    from workers.webpage import register_page

    # The broker first (a wrong address or login fails in seconds, before any model loads);
    # the consumer only subscribes to topics that exist when it starts.
    create_topics(settings)
    pool = ExtractionPool(settings.extract_jobs, settings.extract_timeout, factory=factory)
    try:
        pool.start()
    except ExtractorUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        wiring = build_app(settings)
        metrics = Metrics()
        guard = Guard(wiring, metrics)
        register_agents(wiring, metrics, pool, guard)
        register_consolidation(wiring, metrics, guard)
        register_web(wiring, metrics, EventFeed(settings, wiring.names.events, RecentEvents()))
        register_page(wiring)
        faust.Worker(wiring.app, loglevel=loglevel).execute_from_commandline()
    finally:
        pool.close()
    return 0
