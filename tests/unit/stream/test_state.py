"""The dedup index over its Faust table: packed records shared with the table, rebuilds, foreign records."""

from __future__ import annotations

import orjson

from tests.unit.dedup.test_index import QUAKE_A, QUAKE_B, article
from workers.dedup import DedupConfig, Fingerprinter
from workers.stream.state import TableBackedIndex


def test_the_table_holds_packed_records_and_the_index_shares_them() -> None:
    table: dict[bytes, object] = {}
    state = TableBackedIndex(table, DedupConfig())
    assert state.process(article("a", QUAKE_A), seen_at=1000.0).kind == "unique"
    assert state.process(article("b", QUAKE_B), seen_at=1001.0).kind == "unique"
    assert state.process(article("c", QUAKE_A[:3]), seen_at=1002.0).kind == "duplicate"
    assert set(table) == {b"a", b"b"}
    for key, value in table.items():
        assert isinstance(value, str) and len(value) < 360
        held_key, held_record = state.index.stored(key)
        # The very objects, not equal copies: an article's record is in memory once.
        assert held_key is key and held_record is value
    state.process(article("d", ["An unrelated story about a new bridge over the river."]), seen_at=1000.0 + 8 * 86400)
    assert set(table) == {b"d"} and "a" not in state.index


def test_rebuild_after_a_restart_gives_the_same_verdicts_and_drops_foreign_records() -> None:
    table: dict[bytes, object] = {}
    state = TableBackedIndex(table, DedupConfig())
    state.process(article("lead", QUAKE_A[:3]), seen_at=1000.0)
    state.process(article("b", QUAKE_B), seen_at=1001.0)
    # What recovery reads back from the changelog (orjson codec), plus an entry of an older format.
    recovered = {k: orjson.loads(orjson.dumps(v)) for k, v in table.items()}
    recovered[b"old"] = {"id": "old", "seen_at": 999.0, "sig": "AAAA", "shingles": 3, "scheme": "n1"}
    restarted = TableBackedIndex(recovered, DedupConfig())
    restarted.sync(generation=1)
    assert b"old" not in recovered and len(restarted.index) == 2
    full = restarted.process(article("full", QUAKE_A), seen_at=2000.0)
    assert (full.kind, full.update_of) == ("update", "lead")
    assert restarted.process(article("b2", QUAKE_B[:5]), seen_at=2001.0).duplicate_of == "b"
    assert set(recovered) == {b"lead", b"b", b"full"}


def test_entries_sent_with_the_articles_give_the_verdicts_of_entries_made_at_dedup() -> None:
    """The worker fingerprints in ingest and sends the entry along (`IndexEntry.wire`)."""
    stories = [
        article("a-lead", QUAKE_A[:3]),
        article("a", QUAKE_A),  # the full story after its lead: an update, found by its leading parts
        article("b", QUAKE_B),
        article("a-copy", QUAKE_A[:5]),  # a shortened version: contained
        article("b-rewrite", QUAKE_B[:-1] + ["Officials repeated that no deaths had been reported."]),
        article("a", QUAKE_A),  # a re-delivery
    ]
    sender = Fingerprinter(DedupConfig())
    made_here = TableBackedIndex({}, DedupConfig())
    sent_along = TableBackedIndex({}, DedupConfig())
    verdicts = []
    for t, story in enumerate(stories):
        wire = sender.fingerprint(story, seen_at=0.0).wire()
        verdict = sent_along.process(story, 1000.0 + t, wire)
        assert verdict == made_here.process(story, 1000.0 + t)
        verdicts.append(verdict.kind)
    assert verdicts == ["unique", "update", "unique", "duplicate", "duplicate", "replay"]
    assert sent_along.table == made_here.table


def test_an_entry_made_under_another_scheme_or_unreadable_is_made_again() -> None:
    config = DedupConfig()
    here = Fingerprinter(config)
    story = article("a", QUAKE_A)
    expected = here.fingerprint(story, seen_at=5.0)
    other = Fingerprinter(DedupConfig(shingle_size=4)).fingerprint(story, seen_at=0.0).wire()
    for wire in (other, b"", b"\x00\x01", here.fingerprint(story, 0.0).wire()[:9]):
        assert here.received(story, 5.0, wire) == expected
    assert here.received(story, 5.0, here.fingerprint(story, 0.0).wire()) == expected
