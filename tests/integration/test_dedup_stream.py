"""Dedup through the real broker: sample copies, copies across partitions and workers, recovery after SIGKILL, replays."""

from __future__ import annotations

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from tests.integration.conftest import REPO, Stack, load_jsonl
from workers.clients import client_kwargs
from workers.dedup import DedupConfig, Fingerprinter
from workers.records import Article
from workers.stream.agents import FINGERPRINT

pytestmark = pytest.mark.integration

ARTICLES = load_jsonl(REPO / "samples" / "articles.jsonl")
BY_ID = {orjson.loads(raw)["id"]: orjson.loads(raw) for raw in ARTICLES}

COPIES = {
    # the byline, share line and copyright line are boilerplate: an exact copy
    "s14-jalalabad-bombing-syndicated": ("s01-jalalabad-bombing", "exact"),
    "s15-un-condemns-rewrite": ("s04-un-condemns", "near"),
    # "Read more: …" and "Follow us …" lines are boilerplate too
    "s16-borno-offensive-recrawl": ("s07-borno-offensive", "exact"),
}


def article(id_: str, based_on: str, **changes: str) -> bytes:
    record = dict(BY_ID[based_on], id=id_, url=f"https://copies.example/{id_}")
    record.update(changes)
    return orjson.dumps(record)


def outputs(stack: Stack, total: int) -> tuple[dict[str, dict], dict[str, dict]]:
    t = stack.topics
    out = stack.read([t.unique, t.duplicates], total, settle=2.0)
    return ({r["id"]: r for _, r in out[t.unique]}, {r["article_id"]: r for _, r in out[t.duplicates]})


def test_sample_copies_are_duplicates_of_their_originals(stack: Stack):
    stack.worker().start()
    # Records on different partitions have no order between them, so the originals go
    # first and the copies once the originals are through.
    copies = [raw for raw in ARTICLES if orjson.loads(raw)["id"] in COPIES]
    originals = [raw for raw in ARTICLES if raw not in copies]
    stack.publish(originals)
    outputs(stack, len(originals))
    stack.publish(copies)
    unique, dups = outputs(stack, len(ARTICLES))
    assert {k: (v["duplicate_of"], v["method"]) for k, v in dups.items()} == COPIES
    assert dups["s14-jalalabad-bombing-syndicated"]["similarity"] == 1.0
    assert 0.5 <= dups["s15-un-condemns-rewrite"]["similarity"] < 1.0
    assert len(unique) == len(ARTICLES) - 3


def test_copies_on_different_partitions_and_workers_are_caught(stack: Stack):
    stack.worker("w1").start()
    stack.worker("w2").start()
    originals = ["s02-idlib-airstrike", "s03-donetsk-shelling", "s09-istanbul-arrests", "s10-santiago-protest"]
    for p, based_on in enumerate(originals):
        stack.publish([article(f"orig-{p}", based_on)], partition=p)
    for p, based_on in enumerate(originals):  # each copy on another partition than its original
        body = BY_ID[based_on]["body"].replace(" said", " reported", 1)
        stack.publish([article(f"copy-{p}", based_on, body=body, title="Retitled")], partition=(p + 2) % 4)
    unique, dups = outputs(stack, 8)
    # Partitions have no order between them: whichever of a pair reached dedup first is the original.
    assert len(unique) == len(dups) == 4
    for p in range(4):
        pair = {f"orig-{p}", f"copy-{p}"}
        (first,) = pair & unique.keys()
        (later,) = pair - {first}
        assert dups[later]["duplicate_of"] == first


def test_index_survives_sigkill_and_restart(stack: Stack):
    worker = stack.worker()
    worker.start()
    stack.publish([article("before-crash", "s05-claim")])
    assert outputs(stack, 1)[0].keys() == {"before-crash"}
    worker.kill()
    worker.start()
    stack.publish([article("after-crash", "s05-claim", title="Group says it attacked Mali base")])
    unique, dups = outputs(stack, 2)
    assert dups["after-crash"]["duplicate_of"] == "before-crash"


def test_replayed_article_goes_on_again_instead_of_being_its_own_duplicate(stack: Stack):
    stack.worker().start()
    raw = article("replayed", "s11-nairobi-protest")
    stack.publish([raw])
    stack.publish([raw])
    t = stack.topics
    out = stack.read([t.unique, t.duplicates], 2, settle=2.0)
    assert [r["id"] for _, r in out[t.unique]] == ["replayed", "replayed"]
    assert out[t.duplicates] == []


def test_shortened_copies_are_contained_and_a_full_story_after_its_lead_goes_on_once(stack: Stack):
    from tests.unit.dedup.test_index import QUAKE_A, QUAKE_B

    stack.worker().start()
    base = BY_ID["s01-jalalabad-bombing"]

    def story(id_: str, body: str) -> bytes:
        return orjson.dumps(dict(base, id=id_, url=f"https://copies.example/{id_}", body=body))

    # The full story, then its first three of seven paragraphs as a crawler left them (HTML).
    stack.publish([story("quake-full", "\n\n".join(QUAKE_A)), story("harbour-lead", "\n\n".join(QUAKE_B[:3]))])
    assert outputs(stack, 2)[0].keys() == {"quake-full", "harbour-lead"}
    lead_html = "".join(f"<p>{p}</p>" for p in QUAKE_A[:3]).replace('"', "&quot;")
    # A shortened copy of the full story, and the full story after its lead (another id).
    stack.publish([story("quake-lead-html", lead_html), story("harbour-full", "\n\n".join(QUAKE_B))])
    unique, dups = outputs(stack, 4)
    assert (dups["quake-lead-html"]["duplicate_of"], dups["quake-lead-html"]["method"]) == ("quake-full", "contained")
    assert dups["quake-lead-html"]["similarity"] >= 0.9
    assert "harbour-full" in unique and "harbour-full" not in dups
    t = stack.topics
    on_unique = [r["id"] for _, r in stack.read([t.unique], 3, settle=2.0)[t.unique]]
    assert sorted(on_unique) == ["harbour-full", "harbour-lead", "quake-full"]


def test_ingest_sends_each_article_with_its_dedup_entry(stack: Stack):
    """Fingerprinting runs in ingest, over every partition; dedup reads the entry from a header."""
    stack.worker().start()
    stack.publish(ARTICLES)
    outputs(stack, len(ARTICLES))
    consumer = KafkaConsumer(enable_auto_commit=False, **client_kwargs(stack.settings))
    consumer.assign([TopicPartition(stack.topics.ingested, 0)])
    consumer.seek_to_beginning()
    records = [r for batch in iter(lambda: consumer.poll(timeout_ms=2000), {}) for rs in batch.values() for r in rs]
    consumer.close()
    assert len(records) == len(ARTICLES)
    fingerprinter = Fingerprinter(DedupConfig.from_settings(stack.settings))
    for record in records:
        article = Article(**orjson.loads(record.value))
        (wire,) = [value for name, value in record.headers if name == FINGERPRINT]
        assert wire == fingerprinter.fingerprint(article, seen_at=0.0).wire(), article.id
