"""The real-news gold reader of `eventwire evaluate events`: bodies come from a folder outside
the repo, checked by sha256, and a gold article whose body is absent is counted, not fatal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

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


def _gum_token(n: int, form: str, upos: str, head: int, entity: str = "", space: bool = True) -> str:
    misc = "|".join(x for x in (f"Entity={entity}" if entity else "", "" if space else "SpaceAfter=No") if x) or "_"
    return "\t".join([str(n), form, form.lower(), upos, "_", "_", str(head), "dep", "_", misc])


def _gum_script() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gum_places", Path("scripts/gum_places.py"))
    assert spec is not None and spec.loader is not None
    gum = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gum)
    return gum


def test_gum_documents_without_text_or_in_the_held_out_half_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "dep").mkdir()
    for name, url in [("news_kept", "a"), ("news_held", "b"), ("reddit_masked", "c")]:
        conllu = f"# meta::sourceURL = https://example.org/{url}\n# text = In Leeds.\n" + "\n".join(
            [_gum_token(1, "In", "ADP", 2), _gum_token(2, "Leeds", "PROPN", 0, "(1-place-new-s-cf1-1-sgl)", False), ""]
        )
        (tmp_path / "dep" / f"GUM_{name}.conllu").write_text(conllu, encoding="utf-8")
    records = _gum_script().build(tmp_path, {"https://example.org/b"})
    assert [(r["id"], r["gold"]["toponyms"][0]["text"]) for r in records] == [("GUM_news_kept", "Leeds")]


def test_gum_place_names_are_the_proper_noun_headed_innermost_place_mentions() -> None:
    gum = _gum_script()
    conllu = "\n".join(
        [
            "# newpar",
            "# text = Visitors love Athens, Greece.",
            _gum_token(1, "Visitors", "NOUN", 2, "(1-person-new-sss-cf1-1-sgl)"),
            _gum_token(2, "love", "VERB", 0),
            _gum_token(
                3,
                "Athens",
                "PROPN",
                2,
                "(2-place-new-sss-cf1-1-coref-Athens",
                False,
            ),
            _gum_token(4, ",", "PUNCT", 5),
            _gum_token(5, "Greece", "PROPN", 3, "(4-place-new-sss-cf1-1-sgl-Greece)2)", False),
            _gum_token(6, ".", "PUNCT", 2),
            "",
            "# newpar",
            "# text = The city of 1972 hosts the Fort_Lee fair.",
            _gum_token(1, "The", "DET", 2, "(5-place-giv-sss-cf1-1-coref-Athens"),
            _gum_token(2, "city", "NOUN", 5),
            _gum_token(3, "of", "ADP", 4),
            _gum_token(4, "1972", "NUM", 2, "(6-time-new-sss-cf1-1-sgl-1972_%28year%29)5)"),
            _gum_token(5, "hosts", "VERB", 0),
            _gum_token(6, "the", "DET", 8),
            _gum_token(7, "Fort_Lee", "PROPN", 8, "(7-place-new-sss-cf1-1-sgl)"),
            _gum_token(8, "fair", "NOUN", 5, "", False),
            _gum_token(9, ".", "PUNCT", 5),
            "",
        ]
    )
    record = gum.document(conllu)
    assert record["text"] == "Visitors love Athens, Greece.\n\nThe city of 1972 hosts the Fort_Lee fair."
    found = [(t["text"], record["text"][t["start"] : t["end"]]) for t in record["gold"]["toponyms"]]
    # the mention "Athens, Greece" (headed by Athens) holds a second one, Greece: two names;
    # "the city of 1972" is headed by a common noun
    assert found == [("Athens", "Athens"), ("Greece", "Greece"), ("Fort_Lee", "Fort_Lee")]


def test_place_gold_without_coordinates_scores_the_mentions_and_their_recall_by_genre(tmp_path: Path) -> None:
    from workers.evaluate.places import evaluate_places

    rows = [
        {
            "id": "a",
            "genre": "voyage",
            "text": "Trains leave Leeds for York at noon.",
            "gold": {"toponyms": [{"text": "Leeds", "start": 13, "end": 18}, {"text": "York", "start": 23, "end": 27}]},
        },
        {"id": "b", "genre": "news", "text": "Nothing here.", "gold": {"toponyms": []}},
    ]
    result = evaluate_places(_write(tmp_path / "gum.jsonl", rows), with_parse=False)
    assert (result["gold"], result["matched"], result["located"]) == (2, 2, 0)
    assert result["recall_by_genre"] == {"news": (0, 0.0), "voyage": (2, 1.0)}


def test_evaluate_reads_the_default_files_beside_the_checkout_wherever_it_runs_and_with_flags_alone() -> None:
    from workers.cli.evaluate import evaluation_argv

    beside = Path(__file__).resolve().parents[3]
    assert evaluation_argv("places", ["--errors", "5"]) == [
        str(beside / "shared/dev/geovirus.dev.jsonl"),
        str(beside / "realnews/gum-places.jsonl"),
        "--errors",
        "5",
    ]
    assert evaluation_argv("places", ["mine.jsonl", "--errors", "5"]) == ["mine.jsonl", "--errors", "5"]


def test_evaluate_places_names_each_missing_file_and_says_when_nothing_was_evaluated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workers.evaluate.places import main

    assert main([str(tmp_path / "geovirus.dev.jsonl"), str(tmp_path / "gum-places.jsonl")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("geovirus.dev.jsonl: file not found")
    assert "scripts/gum_places.py" in err[1]
    assert err[2] == "no gold files found: nothing to evaluate"
