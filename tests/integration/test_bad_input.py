"""Bad input through the real worker: over 10,000 distinct malformed payloads, drawn by Hypothesis
with every kind of defect, interleaved with valid articles. The worker never stops, every malformed record lands on the
dead-letter topic with the reason its defect calls for, and every valid article goes on."""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest
from hypothesis import strategies as st

from tests.integration.conftest import Stack, generated_articles
from tests.malformed import CATEGORIES, Labelled, draw_many, too_large
from workers.clients import max_record_bytes

pytestmark = pytest.mark.integration

PER_CATEGORY = 1_750  # distinct malformed payloads of each category: 10,500 in all
N_TOO_LARGE = 8  # each is over 1 MiB
N_VALID = 150


def distinct(category: st.SearchStrategy[Labelled], n: int, random_seed: int) -> list[Labelled]:
    """`n` records of `category` with distinct payloads (Hypothesis repeats simple examples)."""
    found: dict[bytes, Labelled] = {}
    batch = 0
    while len(found) < n:
        for record in draw_many(category, n, random_seed * 1000 + batch):
            found.setdefault(record[0], record)
        batch += 1
    return list(found.values())[:n]


def test_malformed_records_go_to_the_dlq_with_their_reason_and_valid_ones_go_on(stack: Stack):
    started = time.monotonic()
    bad: list[Labelled] = [(b"", "empty_payload", "no_value")] + draw_many(too_large(), N_TOO_LARGE, 0)
    for n, (category, kinds) in enumerate(CATEGORIES.items(), 1):
        drawn = distinct(category, PER_CATEGORY, n)
        assert {kind for _, _, kind in drawn} == set(kinds), f"{category} must draw every kind it names"
        bad += drawn
    payloads = {raw for raw, _, _ in bad}
    assert len(payloads) == len(bad) >= 10_000, "distinct payloads, not repeats of a few"
    valid = generated_articles(N_VALID, seed=3, prefix="valid")
    records = [(f"bad-{i}".encode(), raw, code) for i, (raw, code, _) in enumerate(bad)]
    records += [(f"ok-{a['id']}".encode(), orjson.dumps(a), None) for a in valid]
    random.Random(4).shuffle(records)
    drawn_at = time.monotonic()

    worker = stack.worker().start()
    stack.publish([raw for _, raw, _ in records], keys=[key for key, _, _ in records])
    expected_dlq = {key: code for key, _, code in records if code is not None}
    valid_ids = {a["id"] for a in valid}
    t = stack.topics

    def done(out: dict[str, list[tuple[bytes | None, dict]]]) -> bool:
        went_on = {r["id"] for _, r in out[t.unique]} | {r["article_id"] for _, r in out[t.duplicates]}
        return len(out[t.dlq]) >= len(expected_dlq) and went_on >= valid_ids

    out = stack.read_until([t.unique, t.duplicates, t.dlq], done, timeout=150, settle=2.0)
    assert worker.proc is not None and worker.proc.poll() is None, "the worker must keep running"

    letters = {key: letter["error"] for key, letter in out[t.dlq]}
    assert len(letters) == len(out[t.dlq]), "one dead letter per malformed record"
    wrong = {k: (letters.get(k), code) for k, code in expected_dlq.items() if letters.get(k) != code}
    assert not wrong, f"{len(wrong)} malformed records without their dead letter, e.g. {list(wrong.items())[:5]}"
    assert all(letter["message"] and letter["stage"] == "ingest" for _, letter in out[t.dlq])
    assert {r["id"] for _, r in out[t.unique]} | {r["article_id"] for _, r in out[t.duplicates]} == valid_ids
    print(
        f"{len(payloads)} distinct malformed payloads + {len(valid)} valid records; drawn in "
        f"{drawn_at - started:.1f}s, through the worker in {time.monotonic() - drawn_at:.1f}s; dead letters "
        f"by reason: {sorted(Counter(letters.values()).items())}; by kind: "
        f"{sorted(Counter(kind for _, _, kind in bad).items())}"
    )


def test_publish_reports_a_line_it_cannot_send_and_goes_on(stack: Stack, tmp_path: Path):
    """A line too large for any record is reported with its line number; the lines after it are sent."""
    articles = [orjson.dumps(a) for a in generated_articles(4, seed=9, prefix="pub")]
    oversized = orjson.dumps({"id": "huge", "body": "word " * (max_record_bytes(stack.settings) // 5 + 10)})
    over_ingest_limit = orjson.dumps({"id": "big", "body": "x" * (stack.settings.max_article_bytes + 10)})
    lines = [articles[0], oversized, articles[1], b"", over_ingest_limit, articles[2], oversized, articles[3]]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    done = stack.cli("publish", str(path), "--quiet", timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{path}:2: not sent: {len(oversized):,} bytes, more than a record may hold" in done.stderr
    assert f"{path}:7: not sent" in done.stderr
    assert f"published 5 of 7 records to {stack.topics.articles}; 2 refused ({path}:2, {path}:7)" in done.stderr
    topic = stack.topics.articles
    received = [record["id"] for _, record in stack.read(topic, 5, timeout=30, settle=1.0)[topic]]
    assert sorted(received) == ["big", "pub-00000", "pub-00001", "pub-00002", "pub-00003"]
