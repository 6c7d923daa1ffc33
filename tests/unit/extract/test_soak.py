"""Real news at volume: every real article in ../shared/dev through the whole extractor, and
structurally odd text from Hypothesis. Each article must finish within a bound and without an
exception; the slowest five are printed (`pytest -s`)."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workers.extract.pipeline import Extractor
from workers.records import Article

# Far above the slowest real article measured (about 0.5 s), far below "never".
BOUND_SECONDS = 10.0
PUBLISHED = "2020-06-01T12:00:00Z"


class Overrun(Exception):
    pass


@contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Raise `Overrun` in this thread if the block runs longer than `seconds` (Python code only)."""

    def stop(*_: object) -> None:
        raise Overrun(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor().load()


def _real_articles(shared: Path) -> list[Article]:
    out = []
    for path in sorted((shared / "dev").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                published = r["published_at"][:10] + "T12:00:00Z" if r.get("published_at") else PUBLISHED
                out.append(Article(id=r["id"], body=r["text"], published_at=published))
    return out


def test_every_real_article_finishes_within_the_bound(shared_dir: Path, extractor: Extractor) -> None:
    articles = _real_articles(shared_dir)
    assert len(articles) > 500
    timings, failures = [], []
    for article in articles:
        started = time.perf_counter()
        try:
            with bounded(BOUND_SECONDS):
                extractor.annotate(article)
        except Exception as exc:  # noqa: BLE001 - every failure is listed below
            failures.append(f"{article.id}: {type(exc).__name__}: {exc}")
        timings.append((time.perf_counter() - started, article.id, len(article.body)))
    timings.sort(reverse=True)
    print(f"\n{len(articles)} real articles in {sum(t for t, *_ in timings):.1f} s; slowest:")
    for seconds, article_id, size in timings[:5]:
        print(f"  {seconds:6.2f} s  {article_id}  ({size} chars)")
    assert not failures, failures


# ---- structurally odd text ------------------------------------------------------------------
_NAMES = [
    "Abu Bakr",
    "Maria Silva",
    "KABUL",
    "Mosul",
    "Gen. Ahmed",
    "the Pentagon",
    "Hezbollah",
    "O'Brien",
    "Al-Shabaab",
    "Port-au-Prince",
    "Ciudad Juárez",
    "Zaporizhzhia",
    "São Paulo",
    "N'Djamena",
]
_WORDS = [
    "attack",
    "police",
    "said",
    "protest",
    "killed",
    "arrested",
    "troops",
    "bombing",
    "Monday",
    "2019",
    "the",
    "of",
    "in",
    "on",
    "a",
    "minister",
    "shelling",
    "rally",
    "statement",
    "raid",
    "fire",
    "explosion",
    "condemned",
    "yesterday",
    "last week",
    "at",
    "near",
    "town",
    "border",
    "-",
    "—",
    "(AP)",
    "Reuters",
]
_OTHER_SCRIPTS = ["Дамаск", "دمشق", "北京", "תל אביב", "मुंबई", "Αθήνα", "🔥", "\u200b", "ｆｕｌｌｗｉｄｔｈ"]
_word = st.sampled_from(_WORDS + _NAMES)


def _sentence(words: list[str]) -> str:
    return " ".join(words).strip().capitalize() + "."


_headline = st.lists(
    st.sampled_from(
        [
            "Bombing",
            "Protests",
            "Arrests",
            "Market",
            "Blast",
            "Kabul",
            "Police",
            "of",
            "in",
            "after",
            "over",
            "Monday",
            "attack",
        ]
    ),
    min_size=1,
    max_size=8,
).map(" ".join)
_caption = st.builds(
    lambda name, w: f"{name} (C) {w} / Reuters/File Photo",
    st.sampled_from(_NAMES),
    st.lists(_word, max_size=6).map(" ".join),
)
_dateline = st.builds(
    lambda place, rest: f"{place.upper()}, {place.upper()} (AP) — {rest}",
    st.sampled_from(_NAMES),
    st.lists(_word, min_size=1, max_size=20).map(_sentence),
)
_bullets = st.lists(
    st.lists(_word, min_size=1, max_size=12).map(lambda w: "• " + " ".join(w)), min_size=1, max_size=12
).map("\n".join)
_table = st.lists(
    st.lists(st.one_of(_word, st.integers(0, 10_000).map(str)), min_size=2, max_size=6).map(" | ".join),
    min_size=1,
    max_size=10,
).map("\n".join)
_long_sentence = st.lists(_word, min_size=1_500, max_size=2_000).map(lambda w: " ".join(w) + ".")
_quotes = st.builds(
    lambda a, b, c: f"{a} said: \"They told us '{b} “{c}” again' before the attack.\"",
    st.sampled_from(_NAMES),
    st.lists(_word, max_size=10).map(" ".join),
    st.lists(_word, max_size=10).map(" ".join),
)
_name_lines = st.lists(
    st.lists(st.sampled_from(_NAMES), min_size=1, max_size=6).map(", ".join), min_size=1, max_size=10
).map("\n".join)
_mixed = st.lists(st.one_of(_word, st.sampled_from(_OTHER_SCRIPTS)), min_size=1, max_size=60).map(" ".join)
_odd_text = st.lists(
    st.one_of(
        _headline,
        _caption,
        _dateline,
        _bullets,
        _table,
        _quotes,
        _name_lines,
        _mixed,
        st.text(min_size=1, max_size=200),
    ),
    min_size=1,
    max_size=6,
).map("\n\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(body=st.one_of(_odd_text, _long_sentence))
def test_odd_text_finishes_within_the_bound(extractor: Extractor, body: str) -> None:
    if not body.strip():
        body = "Kabul."
    with bounded(BOUND_SECONDS):
        annotations = extractor.annotate(Article(id="odd", body=body, published_at=PUBLISHED))
    for event in annotations.events:
        assert body[event.trigger.start : event.trigger.end] == event.trigger.text
        assert body[event.evidence.start : event.evidence.end] == event.evidence.text
