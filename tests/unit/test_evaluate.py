"""The real-news gold reader of `eventwire evaluate events`: bodies come from a folder outside
the repo, checked by sha256, and a gold article whose body is absent is counted, not fatal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from workers.evaluate.events import read_realnews

BODY = "Police arrested two men in Leeds on Monday."


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _gold(article_id: str, body: str) -> dict:
    event = {"type": "arrest", "trigger": [7, 15], "evidence": [[0, len(body)]]}
    return {"id": article_id, "text_sha256": hashlib.sha256(body.encode()).hexdigest(), "events": [event]}


def test_gold_articles_without_a_body_are_counted_and_the_rest_scored(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    _write(texts / "a.jsonl", [{"id": "here", "body": BODY, "published_at": "2020-01-01T00:00:00Z"}])
    gold = _write(tmp_path / "dev.gold.jsonl", [_gold("here", BODY), _gold("gone", BODY)])
    records, missing = read_realnews(gold, texts)
    assert missing == 1
    assert [r["id"] for r in records] == ["here"]
    assert records[0]["gold"]["events"][0]["trigger"] == "arrested"


def test_a_body_that_is_not_the_annotated_text_is_an_error(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    _write(texts / "a.jsonl", [{"id": "here", "body": BODY + " More.", "published_at": "2020-01-01T00:00:00Z"}])
    gold = _write(tmp_path / "dev.gold.jsonl", [_gold("here", BODY)])
    with pytest.raises(ValueError, match="not the annotated one"):
        read_realnews(gold, texts)


def test_a_real_news_set_without_any_text_is_reported_not_scored(tmp_path: Path) -> None:
    from workers.evaluate.events import evaluate_events

    gold = _write(tmp_path / "dev.gold.jsonl", [_gold("gone", BODY)])
    (tmp_path / "empty").mkdir()
    for texts in (tmp_path / "empty", tmp_path / "absent"):
        results = evaluate_events([gold], texts=texts)
        assert list(results) == ["dev.gold.jsonl (own dev, real news)"]
        assert "scripts/realnews.py" in results["dev.gold.jsonl (own dev, real news)"]["skipped"]


def test_a_set_of_one_kind_of_report_is_also_averaged_over_the_types_it_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workers.evaluate.events import _print_table, evaluate_events

    gold = {"type": "arrest", "subtype": "arrest", "trigger": "arrested", "evidence": ["Police arrested two men"]}
    record = {"id": "c-1", "body": BODY, "published_at": "2020-01-01T00:00:00Z", "gold": {"events": [gold]}}
    path = _write(tmp_path / "reports.jsonl", [record])
    ((name, result),) = evaluate_events([path]).items()
    _print_table(name, result, show_errors=False)
    out = capsys.readouterr().out
    assert "macro F1 over the five types 0.200" in out  # four types without gold count 0
    assert "macro F1 over the types of its gold (arrest) 1.000" in out


def test_a_shared_set_reached_through_a_link_is_still_public(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workers.evaluate.events as ev

    real = tmp_path / "real-shared"
    (real / "dev").mkdir(parents=True)
    link = tmp_path / "shared"
    link.symlink_to(real)
    monkeypatch.setattr(ev, "SHARED", link)
    assert ev.set_kind(link / "dev" / "plover.dev.jsonl") == "public dev, real news"
