"""Test-only extractors that misbehave on marked articles, for the time-budget tests.

They are handed to `ExtractionPool(factory=...)` (offline) or to `run_worker(factory=...)`
(tests/integration/hang_worker.py); nothing a user runs can reach them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace

from workers.extract.pipeline import Annotations, Extractor
from workers.records import Article

HANG = "EVENTWIRE-TEST-HANG"  # the article never finishes
RAISE = "EVENTWIRE-TEST-RAISE"  # the article makes the extractor raise
DIE = "EVENTWIRE-TEST-DIE"  # the article kills its extraction process
HUGE = "EVENTWIRE-TEST-HUGE"  # the article's events are too large for any topic (8 MB of evidence)


class MisbehavingExtractor(Extractor):
    """The real extractor, except on articles whose body holds one of the markers above."""

    def annotate_many(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[Annotations]:
        articles = list(articles)
        for article in articles:
            if HANG in article.body:
                while True:  # CPU-bound and uninterruptible from another thread, like the real hang
                    pass
            if RAISE in article.body:
                raise RuntimeError("the extractor failed on purpose")
            if DIE in article.body:
                os._exit(9)
        for article, found in zip(articles, super().annotate_many(articles, batch_size)):
            if HUGE in article.body:
                found.events = [replace(e, evidence=replace(e.evidence, text="x" * 8_000_000)) for e in found.events]
            yield found
