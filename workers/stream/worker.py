"""Assembling and running one worker: the extraction processes, the Faust app, its agents and
its HTTP views. `eventwire worker` calls `run_worker`; so do tests that need a worker with
another extractor."""

from __future__ import annotations

import sys
from collections.abc import Callable

from workers.extract.pipeline import Extractor
from workers.settings import Settings


def run_worker(settings: Settings, loglevel: str = "info",
               factory: Callable[[], Extractor] = Extractor) -> int:
    """Run a worker until it is stopped; the exit code. The extraction processes load their
    models before the worker joins the group, so a bad model path fails here, at once."""
    import faust

    from workers.clients import create_topics
    from workers.extract.pool import ExtractionPool, ExtractorUnavailable
    from workers.publish.recent import RecentEvents
    from workers.stream.agents import register_agents
    from workers.stream.app import build_app
    from workers.stream.consolidate import register_consolidation
    from workers.stream.feed import EventFeed
    from workers.stream.metrics import Metrics
    from workers.web import register_web
    from workers.webpage import register_page

    pool = ExtractionPool(settings.extract_jobs, settings.extract_timeout, factory=factory)
    try:
        pool.start()
    except ExtractorUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        create_topics(settings)  # the consumer only subscribes to topics that exist when it starts
        wiring = build_app(settings)
        metrics = Metrics()
        register_agents(wiring, metrics, pool)
        register_consolidation(wiring, metrics)
        register_web(wiring, metrics, EventFeed(settings, wiring.names.events, RecentEvents()))
        register_page(wiring)
        faust.Worker(wiring.app, loglevel=loglevel).execute_from_commandline()
    finally:
        pool.close()
    return 0
