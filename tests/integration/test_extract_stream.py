"""Extraction through the real broker: events on `events` and `events.<type>`, the same as offline."""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from tests.integration.conftest import REPO, Stack, load_jsonl
from workers.extract.pipeline import Extractor
from workers.records import Article
from workers.schemas import validator

pytestmark = pytest.mark.integration

ARTICLES = load_jsonl(REPO / "samples" / "articles.jsonl")


def test_events_are_published_by_type_and_match_the_offline_pipeline(stack: Stack):
    originals = [raw for raw in ARTICLES if b'"s14-' not in raw and b'"s15-' not in raw and b'"s16-' not in raw]
    offline = [e for raw in originals for e in Extractor().extract(Article(**orjson.loads(raw)))]
    assert offline, "the sample articles must hold events"

    stack.worker().start()
    stack.publish(originals)
    t = stack.topics
    events = stack.read(t.events, len(offline), timeout=120, settle=3.0)[t.events]

    assert sorted(r["event_id"] for _, r in events) == sorted(e.event_id for e in offline)
    for key, record in events:
        assert key == record["event_id"].encode()
        errors = [e.message for e in validator("event").iter_errors(record)]
        assert not errors, errors

    by_type = Counter(r["type"] for _, r in events)
    typed = stack.read([t.events_of(k) for k in by_type], sum(by_type.values()), settle=1.0)
    for event_type, count in by_type.items():
        records = typed[t.events_of(event_type)]
        assert len(records) == count
        assert {r["type"] for _, r in records} == {event_type}


def test_a_worker_with_a_missing_model_fails_at_once_with_a_clear_error(stack: Stack):
    worker = stack.worker(EVENTWIRE_SPACY_MODEL=str(stack.tmp / "no-such-model"))
    with pytest.raises(AssertionError, match="cannot load the extraction models"):
        worker.start(timeout=60)
    assert worker.proc is not None and worker.proc.wait(10) == 2
