"""Bad input through the real worker: over 10,000 malformed records, drawn by Hypothesis,
interleaved with valid articles. The worker never stops, every malformed record lands on the
dead-letter topic with the reason its defect calls for, and every valid article goes on."""

from __future__ import annotations

import random
import time
from collections import Counter
from typing import TypeVar

import orjson
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.integration.conftest import Stack, generated_articles
from tests.malformed import CATEGORIES, Labelled, too_large

pytestmark = pytest.mark.integration

T = TypeVar("T")
PER_CATEGORY = 1_750  # malformed records of each kind: 10,500 in all, drawn 25 distinct at a time
N_TOO_LARGE = 8  # each is over 1 MiB
N_VALID = 150


def draw_many(strategy: st.SearchStrategy[T], n: int, random_seed: int) -> list[T]:
    """`n` examples of `strategy`, drawn the way `@given` draws them (generation only, no shrinking)."""
    drawn: list[T] = []

    @seed(random_seed)  # the same records every run
    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(example: T) -> None:
        drawn.append(example)

    collect()
    return drawn


def test_malformed_records_go_to_the_dlq_with_their_reason_and_valid_ones_go_on(stack: Stack):
    started = time.monotonic()
    bad: list[Labelled] = [(b"", "empty_payload")] + draw_many(too_large(), N_TOO_LARGE, 0)
    for n, category in enumerate(CATEGORIES, 1):
        batches = draw_many(st.lists(category, min_size=25, max_size=25, unique=True), PER_CATEGORY // 25, n)
        bad += [record for batch in batches for record in batch]
    assert len(bad) >= 10_000
    valid = generated_articles(N_VALID, seed=3, prefix="valid")
    records = [(f"bad-{i}".encode(), raw, code) for i, (raw, code) in enumerate(bad)]
    records += [(f"ok-{a['id']}".encode(), orjson.dumps(a), None) for a in valid]
    random.Random(4).shuffle(records)
    drawn = time.monotonic()

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
    print(f"{len(bad)} malformed + {len(valid)} valid records; drawn in {drawn - started:.1f}s, "
          f"through the worker in {time.monotonic() - drawn:.1f}s; dead letters by reason: "
          f"{sorted(Counter(letters.values()).items())}")
