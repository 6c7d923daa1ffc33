"""Supervised extraction: a time budget per article, and the same output for any number of processes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.hang import DIE, HANG, RAISE, MisbehavingExtractor
from workers.extract.pipeline import Annotations, Extractor
from workers.extract.pool import PROCESSING_ERROR, PROCESSING_TIMEOUT, ExtractionPool, ExtractorUnavailable, Failure
from workers.records import Article

PUBLISHED = "2024-05-06T10:00:00Z"


def article(n: int, body: str = "") -> Article:
    return Article(
        id=f"a{n}",
        body=body
        or f"Gunmen attacked a police station in Kabul on Sunday, killing {n + 2} "
        "officers, the interior ministry said.",
        published_at=PUBLISHED,
    )


@pytest.fixture(scope="module")
def pool():  # type: ignore[no-untyped-def]
    with ExtractionPool(jobs=1, timeout=4.0, factory=MisbehavingExtractor) as p:
        yield p


def test_an_article_past_the_budget_fails_alone_and_the_others_are_extracted(pool: ExtractionPool) -> None:
    articles = [article(0), article(1, f"{HANG} Police arrested two men in Lagos."), article(2)]
    outcomes = pool.annotate(articles)
    assert [type(o) for o in outcomes] == [Annotations, Failure, Annotations]
    failure = outcomes[1]
    assert isinstance(failure, Failure) and failure.error == PROCESSING_TIMEOUT
    assert failure.elapsed >= 4.0 and "4 s" in failure.message
    assert [o.article_id for o in outcomes if isinstance(o, Annotations)] == ["a0", "a2"]
    assert all(o.events for o in outcomes if isinstance(o, Annotations))
    # the process that overran was replaced: the pool goes on
    again = pool.annotate([article(3)])
    assert isinstance(again[0], Annotations) and again[0].events


def test_an_article_that_raises_or_kills_its_process_is_a_processing_error(pool: ExtractionPool) -> None:
    articles = [article(0), article(1, f"{RAISE} text"), article(2, f"{DIE} text"), article(3)]
    outcomes = pool.annotate(articles)
    assert [o.error if isinstance(o, Failure) else "ok" for o in outcomes] == [
        "ok",
        PROCESSING_ERROR,
        PROCESSING_ERROR,
        "ok",
    ]
    assert "on purpose" in outcomes[1].message  # type: ignore[union-attr]
    assert "died" in outcomes[2].message  # type: ignore[union-attr]


def test_output_is_the_same_for_one_or_two_processes_and_in_process() -> None:
    articles = [article(n) for n in range(9)] + [
        article(20, "Thousands of students protested in Santiago on Friday against fees."),
        article(21, "Police in Lagos arrested 12 suspected robbers on Tuesday, a spokesman said."),
    ]
    direct = [[e.event_id for e in a.events] for a in Extractor().annotate_many(articles)]
    for jobs in (1, 2):
        with ExtractionPool(jobs=jobs, timeout=30.0, batch=4) as p:
            streamed = [[e.event_id for e in o.events] for _, o in p.imap(articles)]  # type: ignore[union-attr]
            batched = [[e.event_id for e in o.events] for o in p.annotate(articles)]  # type: ignore[union-attr]
        assert streamed == batched == direct


def unloadable() -> Extractor:
    raise OSError("no such model")


def test_models_that_cannot_load_fail_at_start_with_the_reason() -> None:
    with pytest.raises(ExtractorUnavailable, match="no such model"):
        ExtractionPool(factory=unloadable).start()


def _forkserver_pids() -> list[int]:
    """The multiprocessing forkserver(s) this process started (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"multiprocessing.forkserver" in cmdline:
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_a_stop_signal_to_the_workers_process_group_leaves_the_pool_working(pool: ExtractionPool) -> None:
    # A stop signal to the worker's whole group (Ctrl-C, `kill -- -PGID`) is the worker's to
    # handle: it finishes the batch in hand, so the processes it extracts with must survive it.
    # The extraction processes leave the group; the forkserver they are forked from stays in it.
    servers = _forkserver_pids()
    assert servers, "the pool forks its processes from a forkserver"
    for pid in servers:
        os.kill(pid, signal.SIGTERM)
    time.sleep(1.0)
    outcomes = pool.annotate([article(0), article(1)])
    assert [type(o) for o in outcomes] == [Annotations, Annotations]
