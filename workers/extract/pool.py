"""Supervised extraction: articles are annotated in separate processes, each within a time budget.

CPU-bound Python cannot be interrupted from another thread, so the extractor runs in a pool
of processes (pebble's `ProcessPool`) that load the models once each. Articles go to them in
batches, because spaCy parses a batch's sentences together. A batch that runs past the
budget has its process killed (pebble starts a replacement), and its articles are tried
again one at a time, each with the budget; so are the articles of a batch whose process died.
An article that then overruns fails with `processing_timeout`; one that raises, or whose
process dies, fails with `processing_error`. Every other article comes back as its
`Annotations`, in input order.

The extract agent, `eventwire extract` and `eventwire replay` all extract through this pool,
so the budget holds wherever extraction runs; with `jobs` > 1 it also spreads one batch (or,
offline, several batches) over several cores. Results do not depend on `jobs`: an article's
events depend on that article alone.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from itertools import islice
from multiprocessing import forkserver

from pebble import ProcessExpired, ProcessPool

from workers.errors import EventwireError
from workers.extract.pipeline import Annotations, Extractor
from workers.records import Article

PROCESSING_ERROR = "processing_error"
PROCESSING_TIMEOUT = "processing_timeout"


class ExtractorUnavailable(EventwireError):
    """The extraction processes could not load the models; the message says why."""


@dataclass(frozen=True, slots=True)
class Failure:
    """Why one article has no annotations: a dead-letter code and a message."""

    error: str  # PROCESSING_ERROR or PROCESSING_TIMEOUT
    message: str
    elapsed: float  # seconds the article ran before it failed


Outcome = Annotations | Failure

# ---- inside an extraction process --------------------------------------------------------
_extractor: Extractor | None = None
_load_error: str | None = None


def _load(factory: Callable[[], Extractor]) -> None:
    """Pool initializer: load the models. It must not raise (pebble would restart the process
    in a loop), so a failure is kept and reported by every task."""
    global _extractor, _load_error
    # A process group of its own: a stop signal sent to the parent's group (Ctrl-C, a kill of
    # the group, a container or service stop) is the parent's to handle. It finishes the batch
    # in hand, then closes the pool; an extraction process killed by that signal mid-batch
    # would fail articles the parent could still have finished. Overruns are still killed one
    # process at a time.
    os.setpgrp()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # ignored by the forkserver this process was forked from
    try:
        _extractor = factory().load()
    except Exception as exc:  # noqa: BLE001 - reported to the parent by _ready()
        _load_error = f"{type(exc).__name__}: {exc}"


def _ready() -> Extractor:
    if _extractor is None:
        raise ExtractorUnavailable(f"cannot load the extraction models: {_load_error}")
    return _extractor


def _annotate(articles: list[Article]) -> list[Outcome]:
    """The batch through one `annotate_many`; if that raises, each article alone, so an
    article that raises costs its batch a second pass and fails alone."""
    extractor = _ready()
    started = time.perf_counter()
    try:
        return list(extractor.annotate_many(articles, batch_size=len(articles)))
    except Exception as exc:  # noqa: BLE001 - becomes this article's dead letter
        if len(articles) == 1:
            return [Failure(PROCESSING_ERROR, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)]
    return [outcome for article in articles for outcome in _annotate([article])]


# ---- in the parent ----------------------------------------------------------------------
def _start_forkserver() -> None:
    """Start the forkserver with SIGTERM ignored, which it keeps across its exec.

    It stays in the caller's process group (only a fork can leave it, and the forkserver is
    exec'd), so a stop signal to the whole group (`kill -- -PGID`, a test's `killpg`) would
    kill it, and pebble's pool fails for good once its forkserver is gone: the batch in hand
    could not finish. Its processes set SIGTERM back (`_load`), so a process that overruns
    is still stopped. Only the main thread may change signal dispositions.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # pebble starts it unprotected
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGTERM, previous)


class ExtractionPool:
    """`jobs` extraction processes with a time budget of `timeout` seconds per article.

    `factory` makes the `Extractor` in each process; it must be picklable (a class or a
    module-level function). Use as a context manager, or call `start()` and `close()`.
    """

    def __init__(
        self, jobs: int = 1, timeout: float = 30.0, *, factory: Callable[[], Extractor] = Extractor, batch: int = 16
    ) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        if timeout <= 0:
            raise ValueError("the time budget must be positive")
        self.jobs, self.timeout, self.batch = jobs, timeout, batch
        self.factory = factory
        self.replaced = 0  # processes killed for overrunning or found dead
        self._pool: ProcessPool | None = None

    def start(self) -> ExtractionPool:
        """Start the processes and wait until each has loaded the models.

        Raises `ExtractorUnavailable` (with the reason) when they cannot load them.
        """
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            # The forkserver starts clean (no threads, no sockets of the caller) and imports
            # spaCy once; each process forked from it only loads the models.
            context.set_forkserver_preload(["workers.extract.pipeline"])
            _start_forkserver()
            self._pool = ProcessPool(
                max_workers=self.jobs, initializer=_load, initargs=(self.factory,), context=context
            )
            for future in [self._pool.schedule(_ready) for _ in range(self.jobs)]:
                try:
                    future.result()
                except ExtractorUnavailable:
                    self.close()
                    raise
        return self

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> ExtractionPool:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    def annotate(self, articles: list[Article]) -> list[Outcome]:
        """One outcome per article, in order, the batch spread over the processes. Blocks."""
        if not articles:
            return []
        size = -(-len(articles) // self.jobs)
        chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
        pending = [(chunk, self._submit(chunk)) for chunk in chunks]
        return [outcome for chunk, future in pending for outcome in self._resolve(chunk, future)]

    def imap(self, articles: Iterable[Article]) -> Iterator[tuple[Article, Outcome]]:
        """(article, outcome) for a stream of articles, in input order, with up to two batches
        per process in flight."""
        it = iter(articles)
        window: deque[tuple[list[Article], Future[list[Outcome]]]] = deque()
        while True:
            while len(window) < 2 * self.jobs and (chunk := list(islice(it, self.batch))):
                window.append((chunk, self._submit(chunk)))
            if not window:
                return
            chunk, future = window.popleft()
            yield from zip(chunk, self._resolve(chunk, future))

    # ---- internals -------------------------------------------------------------------
    def _submit(self, chunk: list[Article]) -> Future[list[Outcome]]:
        if self._pool is None:
            self.start()
        assert self._pool is not None
        return self._pool.schedule(_annotate, args=(chunk,), timeout=self.timeout)

    def _resolve(self, chunk: list[Article], future: Future[list[Outcome]]) -> list[Outcome]:
        """The chunk's outcomes; after an overrun or a dead process, each article alone."""
        submitted = time.perf_counter()
        try:
            return future.result()
        except (FutureTimeout, ProcessExpired):
            self.replaced += 1
        if len(chunk) > 1:
            singles = [self._submit([article]) for article in chunk]
            return [outcome for article, single in zip(chunk, singles) for outcome in self._resolve([article], single)]
        return [self._failure(future, time.perf_counter() - submitted)]

    def _failure(self, future: Future[list[Outcome]], elapsed: float) -> Failure:
        error = future.exception()
        if isinstance(error, FutureTimeout):
            return Failure(
                PROCESSING_TIMEOUT,
                f"extraction ran past its budget of {self.timeout:g} s (stopped after {elapsed:.1f} s)",
                elapsed,
            )
        code = getattr(error, "exitcode", None)
        return Failure(PROCESSING_ERROR, f"the extraction process died (exit code {code})", elapsed)
