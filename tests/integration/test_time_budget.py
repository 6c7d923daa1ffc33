"""The per-article time budget on the real broker: an article whose extraction never ends
becomes a `processing_timeout` dead letter, and its partition goes on."""

from __future__ import annotations

import base64
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from tests.hang import HANG, HUGE, RAISE, MisbehavingExtractor
from tests.integration.conftest import Stack, generated_articles
from workers.publish.topics import Topics

pytestmark = pytest.mark.integration


def test_a_never_ending_article_is_a_dead_letter_and_its_partition_keeps_flowing(broker: str, tmp_path: Path):
    stack = Stack(broker, tmp_path, partitions=1)  # one partition: the stuck article and the rest share it
    try:
        worker = stack.worker(module="tests.integration.hang_worker", EVENTWIRE_EXTRACT_TIMEOUT="5")
        worker.start()
        records = generated_articles(9, prefix="art")
        late_record = records.pop()
        records[2]["body"] = f"{HANG} {records[2]['body']}"
        records[5]["body"] = f"{RAISE} {records[5]['body']}"
        stack.publish([orjson.dumps(r) for r in records])

        t = stack.topics
        out = stack.read_until(
            [t.events, t.dlq],
            lambda got: (
                len(got[t.dlq]) >= 2
                and {e["article_id"] for _, e in got[t.events]}
                >= {r["id"] for r in records} - {"art-00002", "art-00005"}
            ),
            timeout=120,
        )
        letters = {orjson.loads(base64.b64decode(d["payload_b64"]))["id"]: d for _, d in out[t.dlq]}
        stuck, failing = letters.get("art-00002", {}), letters.get("art-00005", {})
        assert set(letters) == {"art-00002", "art-00005"}
        assert (stuck["error"], stuck["stage"]) == ("processing_timeout", "extract")
        assert "5 s" in stuck["message"]
        assert failing["error"] == "processing_error" and "on purpose" in failing["message"]
        extracted = {e["article_id"] for _, e in out[t.events]}
        assert extracted == {r["id"] for r in records} - {"art-00002", "art-00005"}

        assert worker.proc is not None and worker.proc.poll() is None  # still running
        metrics = (
            urllib.request.urlopen(f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}/metrics", timeout=10)
            .read()
            .decode()
        )
        assert 'eventwire_articles_total{outcome="dlq:processing_timeout"} 1' in metrics
        assert 'eventwire_articles_total{outcome="dlq:processing_error"} 1' in metrics
        # killed twice: with its batch, then alone
        assert "eventwire_extract_processes_replaced_total 2" in metrics
        health = orjson.loads(
            urllib.request.urlopen(f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}/health", timeout=10).read()
        )
        assert health["extraction"] == {"processes": 1, "timeouts": 1, "errors": 1, "processes_replaced": 2}

        # a later article on the same partition is still extracted
        stack.publish([orjson.dumps(late_record)])
        late = stack.read_until(
            t.events, lambda got: any(e["article_id"] == late_record["id"] for _, e in got[t.events]), timeout=60
        )
        assert any(e["article_id"] == late_record["id"] for _, e in late[t.events])
    finally:
        stack.close()


def test_an_event_the_producer_refuses_is_a_dead_letter_and_the_partition_goes_on(broker: str, tmp_path: Path):
    """A send refused for good (a record too large for the producer) is never acknowledged
    silently: the article becomes an `output_refused` dead letter and the articles behind it
    are extracted."""
    stack = Stack(broker, tmp_path, partitions=1)
    try:
        worker = stack.worker(module="tests.integration.hang_worker")
        worker.start()
        records = generated_articles(4, prefix="big")
        records[1]["body"] = f"{HUGE} {records[1]['body']}"
        stack.publish([orjson.dumps(r) for r in records])
        t = stack.topics
        rest = {r["id"] for r in records} - {"big-00001"}
        out = stack.read_until(
            [t.events, t.dlq],
            lambda got: len(got[t.dlq]) >= 1 and {e["article_id"] for _, e in got[t.events]} >= rest,
            timeout=120,
        )
        (letter,) = [d for _, d in out[t.dlq]]
        assert (letter["error"], letter["stage"]) == ("output_refused", "extract"), letter
        assert orjson.loads(base64.b64decode(letter["payload_b64"]))["id"] == "big-00001"
        assert {e["article_id"] for _, e in out[t.events]} >= rest
        assert worker.proc is not None and worker.proc.poll() is None
        metrics = (
            urllib.request.urlopen(f"http://127.0.0.1:{worker.env['EVENTWIRE_WEB_PORT']}/metrics", timeout=10)
            .read()
            .decode()
        )
        assert 'eventwire_articles_total{outcome="dlq:output_refused"} 1' in metrics
    finally:
        stack.close()


def test_a_replay_dead_letters_a_never_ending_article_and_replays_the_rest(stack: Stack):
    from workers.replay import Replay

    records = generated_articles(6, prefix="rep")
    records[1]["body"] = f"{HANG} {records[1]['body']}"
    stack.publish([orjson.dumps(r) for r in records])
    replay = Replay(
        stack.settings.replace(extract_timeout=4.0),
        since=datetime.fromtimestamp(0, UTC),
        output_prefix="tb.",
        factory=MisbehavingExtractor,
    )
    state = replay.run()
    assert state.done == state.total == len(records)

    out = Topics(f"tb.{stack.prefix}")
    got = stack.read_until(
        [out.events, out.dlq],
        lambda g: len(g[out.dlq]) >= 1 and len({e["article_id"] for _, e in g[out.events]}) >= 5,
        timeout=60,
        settle=1.0,
    )
    (letter,) = [d for _, d in got[out.dlq]]
    assert (letter["error"], letter["stage"]) == ("processing_timeout", "extract")
    assert orjson.loads(base64.b64decode(letter["payload_b64"]))["id"] == "rep-00001"
    assert {e["article_id"] for _, e in got[out.events]} == {r["id"] for r in records} - {"rep-00001"}
