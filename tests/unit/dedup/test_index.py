"""The dedup index: verdicts (exact, near, replay, update), the window, rebuilds, odd input."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from workers.dedup import DedupConfig, DedupIndex, IndexEntry, Verdict, dedup_articles, duplicate_notice
from workers.records import Article
from workers.settings import Settings

# Two different stories on the same topic, written for these tests.
QUAKE_A = [
    "A magnitude 6.1 earthquake struck the hill town of Marvello early on Tuesday, "
    "collapsing two apartment blocks and cutting power to thousands of homes, officials said.",
    "The quake hit at 4:12 a.m. at a depth of about 10 kilometres, according to the national "
    "geological institute, which recorded more than forty aftershocks during the morning.",
    "Rescue teams with sniffer dogs searched the rubble of a five-storey building on Via Roma, "
    "where residents said at least eleven people had been sleeping when it came down.",
    "Mayor Elena Castri told local radio that the town hospital was treating 37 injured people "
    "and that a field clinic had been set up in the football stadium.",
    "The regional government declared a state of emergency and asked the army for tents, "
    "blankets and water for families who spent the night outdoors in the cold.",
    "Marvello sits on a fault line that produced a deadly quake in 1962, and engineers have "
    "long warned that many of its older stone buildings were never reinforced.",
    "Schools across the province will stay closed until inspectors have checked every building, "
    "the education office said in a statement on its website.",
]
QUAKE_B = [
    "A strong earthquake shook the coastal city of Pordena on Friday evening, damaging the old "
    "harbour wall and sending panicked diners running from seafront restaurants.",
    "Seismologists measured the tremor at magnitude 5.4 and placed its centre about 20 "
    "kilometres offshore, far from the nearest fishing villages.",
    "Port authorities suspended ferry crossings to the islands overnight while divers inspected "
    "the piers, and several hundred passengers slept in the terminal.",
    "No deaths were reported, but the city council said eight people had minor injuries from "
    "falling glass and that a church bell tower had cracked.",
    "Insurance companies said it was too early to estimate the cost of the damage, which "
    "appeared to be concentrated in the historic quarter near the harbour.",
    "Residents recalled a smaller quake two years ago and said building rules introduced "
    "since then had probably prevented worse destruction.",
]


def article(
    art_id: str, paragraphs: list[str], title: str | None = None, published_at: str = "2024-03-05T08:00:00Z"
) -> Article:
    return Article(id=art_id, body="\n\n".join(paragraphs), published_at=published_at, title=title)


def change_words(paragraphs: list[str], every: int) -> list[str]:
    out = []
    for p in paragraphs:
        ws = p.split()
        out.append(" ".join(w.upper() + "x" if i % every == every - 1 else w for i, w in enumerate(ws)))
    return out


@pytest.fixture
def index() -> DedupIndex:
    idx = DedupIndex(DedupConfig())
    assert idx.process(idx.fingerprint(article("a", QUAKE_A), seen_at=1000.0)).kind == "unique"
    assert idx.process(idx.fingerprint(article("b", QUAKE_B), seen_at=1001.0)).kind == "unique"
    return idx


def verdict(idx: DedupIndex, art: Article, seen_at: float = 2000.0) -> Verdict:
    return idx.check(idx.fingerprint(art, seen_at=seen_at))


def test_formatting_boilerplate_and_title_changes_are_exact_duplicates(index: DedupIndex) -> None:
    body = "By Sara Nunes, Example Wire\n" + "\n".join(p.upper().replace(",", " ;") for p in QUAKE_A)
    body += "\nRead more: Aftershocks rattle the region\nShare on Facebook\n© 2024 Example Wire"
    copy = Article(id="c", body=body, published_at="2024-03-05T09:00:00Z", title="Town digs out")
    assert verdict(index, copy) == Verdict("duplicate", "a", "exact", 1.0)


@pytest.mark.parametrize(
    "name, paragraphs",
    [
        ("paragraph dropped", QUAKE_A[:3] + QUAKE_A[4:]),
        ("paragraph added", QUAKE_A + ["Aid agencies said more volunteers would arrive from the capital."]),
        ("few words changed", change_words(QUAKE_A, every=25)),
        ("truncated", QUAKE_A[:5]),
        ("reordered paragraphs", QUAKE_A[::-1]),
    ],
)
def test_edited_copies_are_near_duplicates(index: DedupIndex, name: str, paragraphs: list[str]) -> None:
    v = verdict(index, article("c", paragraphs))
    assert (v.kind, v.duplicate_of, v.method) == ("duplicate", "a", "near"), name
    assert v.similarity is not None and 0.5 <= v.similarity < 1.0


def test_different_story_on_the_same_topic_is_unique(index: DedupIndex) -> None:
    third = [
        "An earthquake of magnitude 4.8 rattled the mountain villages north of Tresca on Sunday, "
        "officials said, but caused only light damage to farm buildings.",
        "Rescue teams checked isolated houses and the regional government said no one had been "
        "injured, although a road was blocked by a small landslide.",
    ] + QUAKE_A[5:6]  # one background paragraph in common, as follow-up stories often have
    assert verdict(index, article("c", third)).kind == "unique"


def test_a_heavily_rewritten_copy_is_not_a_duplicate(index: DedupIndex) -> None:
    assert verdict(index, article("c", change_words(QUAKE_A, every=2))).kind == "unique"


def test_same_id_same_content_is_a_replay(index: DedupIndex) -> None:
    replay = Article(id="a", body="\n".join(QUAKE_A).upper(), published_at="2024-03-06T00:00:00Z")
    assert verdict(index, replay) == Verdict("replay")
    assert index.process(index.fingerprint(replay, seen_at=3000.0)).kind == "replay"
    assert len(index) == 2


def test_same_id_new_content_is_an_update_that_replaces_the_entry(index: DedupIndex) -> None:
    updated = article("a", QUAKE_A + ["Later on Tuesday the death toll rose to nine."])
    assert index.process(index.fingerprint(updated, seen_at=3000.0)) == Verdict("update")
    assert len(index) == 2
    # The old text now counts as a copy of the updated article, not as a replay.
    old_copy = index.check(index.fingerprint(article("c", QUAKE_A), seen_at=3001.0))
    assert (old_copy.kind, old_copy.duplicate_of, old_copy.method) == ("duplicate", "a", "near")


def test_an_update_that_copies_another_article_is_a_duplicate(index: DedupIndex) -> None:
    v = verdict(index, article("a", QUAKE_B))
    assert v == Verdict("duplicate", "b", "exact", 1.0)


def test_duplicates_are_not_indexed_and_point_to_the_original(index: DedupIndex) -> None:
    index.process(index.fingerprint(article("c1", QUAKE_A[:6]), seen_at=2000.0))
    v = index.process(index.fingerprint(article("c2", QUAKE_A[:6]), seen_at=2001.0))
    assert v.duplicate_of == "a" and "c1" not in index


def test_expire_removes_and_returns_old_entries() -> None:
    idx = DedupIndex(DedupConfig(retention_seconds=100.0))
    idx.process(idx.fingerprint(article("a", QUAKE_A), seen_at=1000.0))
    idx.process(idx.fingerprint(article("b", QUAKE_B), seen_at=1050.0))
    assert idx.expire(1099.0) == []
    assert idx.expire(1101.0) == ["a"]
    assert "a" not in idx and len(idx) == 1
    assert verdict(idx, article("c", QUAKE_A), seen_at=1102.0).kind == "unique"
    assert idx.expire(10_000.0) == ["b"] and len(idx) == 0


def test_verdicts_ignore_entries_older_than_the_window_even_before_expiry() -> None:
    idx = DedupIndex(DedupConfig(retention_seconds=100.0))
    idx.process(idx.fingerprint(article("a", QUAKE_A), seen_at=1000.0))
    assert verdict(idx, article("c", QUAKE_A), seen_at=1099.0).kind == "duplicate"
    assert verdict(idx, article("c", QUAKE_A), seen_at=1101.0).kind == "unique"


def test_an_update_restarts_the_retention_of_its_id() -> None:
    idx = DedupIndex(DedupConfig(retention_seconds=100.0))
    idx.process(idx.fingerprint(article("a", QUAKE_A), seen_at=1000.0))
    idx.process(idx.fingerprint(article("a", QUAKE_A[:4]), seen_at=1080.0))
    assert idx.expire(1150.0) == []
    assert idx.expire(1181.0) == ["a"]


def test_rebuild_from_stored_records_gives_the_same_verdicts(index: DedupIndex) -> None:
    stored = {e.key: json.dumps(e.pack()) for e in index.entries()}
    rebuilt = DedupIndex(DedupConfig())
    assert rebuilt.load((key, json.loads(raw)) for key, raw in reversed(list(stored.items()))) == []
    probes = [
        article("a", QUAKE_A),
        article("c", QUAKE_A[:5]),
        article("d", QUAKE_B[1:]),
        article("l", QUAKE_A[:3]),
        article("e", ["Something else entirely happened in the city council today."]),
    ]
    for probe in probes:
        assert rebuilt.check(rebuilt.fingerprint(probe, 2000.0)) == index.check(index.fingerprint(probe, 2000.0))
    assert rebuilt.expire(1000.5 + 7 * 86400) == index.expire(1000.5 + 7 * 86400) == ["a"]


def test_entry_round_trips_through_its_packed_record_and_is_compact() -> None:
    idx = DedupIndex(DedupConfig())
    entry = idx.fingerprint(article("a", QUAKE_A), seen_at=1234.5)
    record = json.loads(json.dumps(entry.pack()))
    back = IndexEntry.unpack(b"a", record, idx.config.scheme)
    assert back == dataclasses.replace(entry, probes=b"")
    assert len(entry.signature) == 2 * 128 and len(record) < 360


def test_records_of_another_scheme_are_not_loaded() -> None:
    entry = DedupIndex(DedupConfig(shingle_size=4)).fingerprint(article("a", QUAKE_A), seen_at=0.0)
    idx = DedupIndex(DedupConfig(shingle_size=3))
    assert idx.load([(b"a", entry.pack()), (b"old", {"id": "old", "sig": "AAAA"})]) == [b"a", b"old"]
    assert len(idx) == 0


def test_entries_of_another_scheme_are_refused() -> None:
    entry = DedupIndex(DedupConfig(shingle_size=4)).fingerprint(article("a", QUAKE_A), seen_at=0.0)
    with pytest.raises(ValueError, match="scheme"):
        DedupIndex(DedupConfig(shingle_size=3)).add(entry)
    # Bands and threshold are not part of the fingerprint: entries stay valid across them.
    other = DedupIndex(DedupConfig(shingle_size=4, bands=16, threshold=0.7))
    other.add(entry)
    copy = other.fingerprint(article("c", QUAKE_A[:6]), seen_at=1.0)
    assert other.check(copy).duplicate_of == "a"


def test_empty_text_is_unique_and_not_indexed() -> None:
    idx = DedupIndex()
    for i, body in enumerate(["", "   \n\n ", "By Jane Doe\nShare on Facebook", "!!! ... ???"]):
        art = Article(id=f"e{i}", body=body, published_at="2024-03-05T08:00:00Z")
        assert idx.process(idx.fingerprint(art, seen_at=0.0)) == Verdict("unique")
    assert len(idx) == 0


def test_enormous_and_binary_bodies_are_capped_and_do_not_crash() -> None:
    idx = DedupIndex()
    huge = Article(id="huge", body="\n\n".join(QUAKE_A) * 45_000, published_at="2024-03-05T08:00:00Z")
    garbage = Article(
        id="bin", body=os.urandom(3_000_000).decode("latin-1") + "\ud800", published_at="2024-03-05T08:00:00Z"
    )
    for art in (huge, garbage):
        assert idx.process(idx.fingerprint(art, seen_at=0.0)).kind == "unique"
    assert len(huge.body) > 50_000_000
    # the work is bounded: a 50 MB body is sketched from its first max_chars characters only
    head = Article(id="head", body=huge.body[: idx.config.max_chars], published_at=huge.published_at)
    whole, capped = idx.fingerprint(huge, seen_at=0.0), idx.fingerprint(head, seen_at=0.0)
    assert (whole.shingles, whole.signature) == (capped.shingles, capped.signature)


def test_duplicate_notice_carries_the_verdict(index: DedupIndex) -> None:
    v = verdict(index, article("c", QUAKE_A[:6]))
    notice = duplicate_notice("c", v)
    assert (notice.article_id, notice.duplicate_of, notice.method) == ("c", "a", "near")
    assert notice.similarity == round(v.similarity, 4) and notice.detected_at.endswith("Z")
    with pytest.raises(ValueError):
        duplicate_notice("a", Verdict("unique"))


def test_offline_path_uses_published_at_as_the_clock() -> None:
    day = 86400.0
    stream = [
        article("a", QUAKE_A, published_at="2024-03-01T08:00:00Z"),
        article("c", QUAKE_A[:6], published_at="2024-03-02T08:00:00Z"),
        article("a", QUAKE_A, published_at="2024-03-02T09:00:00Z"),
        article("b", QUAKE_B, published_at="2024-03-20T08:00:00Z"),  # moves the window on
        article("d", QUAKE_A[:6], published_at="2024-03-20T09:00:00Z"),
    ]
    kinds = [(a.id, v.kind) for a, v in dedup_articles(stream, DedupConfig(retention_seconds=7 * day))]
    assert kinds == [("a", "unique"), ("c", "duplicate"), ("a", "replay"), ("b", "unique"), ("d", "unique")]


def test_config_validation_and_settings() -> None:
    with pytest.raises(ValueError):
        DedupConfig(permutations=100, bands=32)
    with pytest.raises(ValueError):
        DedupConfig(threshold=0.0)
    cfg = DedupConfig.from_settings(Settings(dedup_retention_days=2.0, dedup_bands=16))
    assert cfg.retention_seconds == 2 * 86400 and cfg.bands == 16


def test_merges_and_row_renumbering_keep_the_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    import workers.dedup.index as index_module

    rng = random.Random(3)
    words = " ".join(QUAKE_A + QUAKE_B).split()
    stories = [" ".join(rng.choices(words, k=120)) for _ in range(60)]
    stream = []
    for i, story in enumerate(stories):
        stream.append(Article(id=f"s{i}", body=story, published_at=""))
        if i % 3 == 0:
            stream.append(Article(id=f"c{i}", body=story[: len(story) * 9 // 20], published_at=""))
        if i % 5 == 0:
            stream.append(Article(id=f"s{i}", body=story + " Later the toll rose.", published_at=""))
    cfg = DedupConfig(retention_seconds=30.0)

    def verdicts() -> list[Verdict]:
        idx = DedupIndex(cfg)
        out = []
        for t, art in enumerate(stream):
            idx.expire(float(t))
            out.append(idx.process(idx.fingerprint(art, seen_at=float(t))))
        out.append(Verdict("unique", similarity=float(len(idx))))
        return out

    expected = verdicts()  # nothing merged: every LSH key stays in the fresh dict
    monkeypatch.setattr(index_module, "_FRESH_LIMIT", 64)  # merge every article or so
    monkeypatch.setattr(index_module, "_RENUMBER_MIN", 8)
    renumbered = []
    monkeypatch.setattr(
        DedupIndex,
        "_renumber",
        lambda self, alive, f=DedupIndex._renumber: (renumbered.append(len(alive)), f(self, alive))[1],
    )
    assert verdicts() == expected
    assert renumbered and {v.method for v in expected} >= {"contained"}
    assert sum(v.kind == "update" for v in expected) >= 10


def test_an_entry_comes_back_from_its_wire_form_with_the_time_it_was_received() -> None:
    entry = DedupIndex().fingerprint(article("wire", QUAKE_A), seen_at=0.0)
    back = IndexEntry.from_wire(b"wire", entry.wire(), 1234.5, entry.scheme)
    assert back == dataclasses.replace(entry, seen_at=1234.5)
    with pytest.raises(ValueError, match="another dedup scheme"):
        IndexEntry.from_wire(b"wire", entry.wire(), 1.0, DedupConfig(permutations=256).scheme)
