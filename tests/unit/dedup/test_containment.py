"""Containment: shortened versions of a story are duplicates, a longer version after its lead is an update."""

from __future__ import annotations

import pytest

from tests.unit.dedup.test_index import QUAKE_A, QUAKE_B, article
from workers.dedup import DedupConfig, DedupIndex, Verdict
from workers.records import Article

FOLLOW_UP = [
    "Two days after the earthquake in Marvello, the first families moved from the stadium into "
    "prefabricated houses delivered by the army on Thursday night.",
    "The regional governor promised a reconstruction fund and said inspectors had cleared 140 of "
    "the 600 buildings checked so far, most of them in the new town.",
    "Shop owners on the main square reopened for a few hours, selling bread and batteries to "
    "residents who had queued since dawn in front of the town hall.",
] + QUAKE_A[4:6]  # two background paragraphs reused, as follow-ups do


def run(index: DedupIndex, art: Article, seen_at: float) -> Verdict:
    return index.process(index.fingerprint(art, seen_at=seen_at))


@pytest.fixture
def index() -> DedupIndex:
    idx = DedupIndex(DedupConfig())
    assert run(idx, article("a", QUAKE_A), 1000.0).kind == "unique"
    assert run(idx, article("b", QUAKE_B), 1001.0).kind == "unique"
    return idx


@pytest.mark.parametrize("paragraphs", [3, 4], ids=["three of seven paragraphs", "four of seven"])
def test_a_shortened_lead_is_a_contained_duplicate(index: DedupIndex, paragraphs: int) -> None:
    v = run(index, article("lead", QUAKE_A[:paragraphs]), 2000.0)
    assert (v.kind, v.duplicate_of) == ("duplicate", "a")
    if paragraphs == 3:  # Jaccard with the full story is below the near threshold
        assert v.method == "contained" and v.similarity is not None and v.similarity >= 0.9
    assert "lead" not in index


def test_a_shortened_lead_with_markup_and_an_ad_line_is_a_duplicate(index: DedupIndex) -> None:
    # The ad sits between two sentences of one paragraph, as ad slots do.
    html = f"<p>{QUAKE_A[0]} Advertisement Continue reading the main story {QUAKE_A[1]}</p>\n<p>{QUAKE_A[2]}</p>"
    v = run(index, Article(id="lead", body=html.replace('"', "&quot;"), published_at=""), 2000.0)
    assert (v.kind, v.duplicate_of, v.method) == ("duplicate", "a", "contained")


def test_short_briefs_and_follow_ups_are_not_contained_copies(index: DedupIndex) -> None:
    assert run(index, article("lead", QUAKE_A[:3]), 1500.0).kind == "duplicate"
    # Less than a third of the original, or a new story reusing two background paragraphs.
    assert run(index, article("brief", QUAKE_A[:2]), 2000.0).kind == "unique"
    assert run(index, article("f", FOLLOW_UP), 2001.0).kind == "unique"


def test_the_full_story_after_its_lead_is_an_update_of_the_lead() -> None:
    idx = DedupIndex(DedupConfig())
    assert run(idx, article("lead", QUAKE_A[:3]), 1000.0).kind == "unique"
    v = run(idx, article("full", QUAKE_A), 2000.0)
    assert (v.kind, v.update_of, v.method) == ("update", "lead", "contained")
    assert v.similarity is not None and v.similarity >= 0.9 and v.duplicate_of is None
    # Both stay indexed: later copies of either are duplicates of the one they copy.
    assert "full" in idx and "lead" in idx
    assert run(idx, article("full-copy", QUAKE_A), 3000.0) == Verdict("duplicate", "full", "exact", 1.0)
    assert run(idx, article("lead-copy", QUAKE_A[:3]), 3001.0) == Verdict("duplicate", "lead", "exact", 1.0)


def test_a_version_only_a_little_longer_stays_a_near_duplicate_and_exact_copies_win() -> None:
    idx = DedupIndex(DedupConfig())
    run(idx, article("lead", QUAKE_A[:3]), 1000.0)
    assert run(idx, article("short", QUAKE_A[:6]), 1001.0).kind == "update"
    v = run(idx, article("long", QUAKE_A), 2000.0)
    assert (v.kind, v.duplicate_of, v.method) == ("duplicate", "short", "near")
    assert run(idx, article("again", QUAKE_A[:6]), 2001.0) == Verdict("duplicate", "short", "exact", 1.0)


def test_containment_can_be_switched_off_by_its_threshold() -> None:
    idx = DedupIndex(DedupConfig(containment=1.0, min_length_ratio=1.0))
    run(idx, article("a", QUAKE_A), 1000.0)
    assert run(idx, article("lead", QUAKE_A[:3]), 2000.0).kind == "unique"
