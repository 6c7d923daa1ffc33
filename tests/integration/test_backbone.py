"""The backbone on the real broker: every record leaves as a unique article, a duplicate notice or a dead letter."""

from __future__ import annotations

import urllib.request
from collections import Counter

import orjson
import pytest

from tests.integration.conftest import REPO, Stack, load_jsonl
from workers.schemas import validator

pytestmark = pytest.mark.integration

ARTICLES = load_jsonl(REPO / "samples" / "articles.jsonl")
BROKEN = load_jsonl(REPO / "samples" / "broken.jsonl")
EXPECTED_DLQ = Counter(
    {"invalid_json": 1, "schema": 3, "empty_body": 1, "invalid_date": 1, "unsupported_language": 1, "not_utf8": 1}
)


def test_samples_flow_to_unique_duplicates_and_dlq(stack: Stack):
    stack.worker().start()
    stack.publish(ARTICLES + BROKEN)
    total = len(ARTICLES) + len(BROKEN)

    t = stack.topics
    out = stack.read([t.unique, t.duplicates, t.dlq], total, settle=3.0)
    unique, duplicates, dlq = out[t.unique], out[t.duplicates], out[t.dlq]
    assert len(unique) + len(duplicates) + len(dlq) == total

    assert Counter(r["error"] for _, r in dlq) == EXPECTED_DLQ
    for _, record in dlq:
        assert not list(validator("deadletter").iter_errors(record))
        assert record["topic"] == stack.topics.articles and record["offset"] is not None

    sent_ids = {orjson.loads(raw)["id"] for raw in ARTICLES}
    seen = {r["id"] for _, r in unique} | {r["article_id"] for _, r in duplicates}
    assert seen == sent_ids
    for key, record in unique:
        assert key == record["id"].encode()
        assert not list(validator("article").iter_errors(record))
    for key, record in duplicates:
        assert key == record["article_id"].encode()
        assert not list(validator("duplicate").iter_errors(record))


def test_metrics_count_each_outcome(stack: Stack):
    worker = stack.worker().start()
    stack.publish(BROKEN)
    stack.read(stack.topics.dlq, len(BROKEN))

    port = worker.env["EVENTWIRE_WEB_PORT"]
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    for code, n in EXPECTED_DLQ.items():
        assert f'eventwire_articles_total{{outcome="dlq:{code}"}} {n}' in text
