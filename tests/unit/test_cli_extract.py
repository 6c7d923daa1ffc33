"""`eventwire extract`: every article comes out, as its events or as a dead letter."""

from __future__ import annotations

import base64
from pathlib import Path

import orjson
import pytest

from tests.hang import HANG, MisbehavingExtractor
from workers.cli import build_parser
from workers.cli.dedup import cmd_dedup
from workers.cli.extract import cmd_extract

BODY = "Gunmen attacked a police station in Kabul on Sunday, killing {n} officers, the interior ministry said."


def test_an_article_that_never_finishes_is_a_dead_letter_and_the_rest_are_extracted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [{"id": f"a{n}", "body": BODY.format(n=n + 2), "published_at": "2024-05-06T10:00:00Z"} for n in range(5)]
    lines[2]["body"] = f"{HANG} " + lines[2]["body"]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    out, letters = tmp_path / "out.jsonl", tmp_path / "dlq.jsonl"
    args = build_parser().parse_args(
        ["extract", str(source), "-o", str(out), "--annotations", "--timeout", "3", "--dead-letters", str(letters)]
    )

    assert cmd_extract(args, factory=MisbehavingExtractor) == 3

    done = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [a["article_id"] for a in done] == ["a0", "a1", "a3", "a4"]
    assert all(a["events"] for a in done)
    (letter,) = [orjson.loads(x) for x in letters.read_bytes().splitlines()]
    assert (letter["error"], letter["stage"], letter["offset"]) == ("processing_timeout", "extract", 2)
    assert "line 3, article a2" in letter["message"] and "3 s" in letter["message"]
    assert orjson.loads(base64.b64decode(letter["payload_b64"]))["id"] == "a2"
    err = capsys.readouterr().err
    assert "4 articles extracted" in err and "1 of 5 records failed" in err


def test_invalid_records_are_dead_letters_with_their_line_and_an_old_file_is_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"id": "g1", "body": BODY.format(n=3), "published_at": "2024-05-06T10:00:00Z"}
    source = tmp_path / "in.jsonl"
    # line 2 is blank; the bad records are lines 3 (not JSON) and 5 (no body)
    source.write_bytes(
        orjson.dumps(good)
        + b"\n\n{not json\n"
        + orjson.dumps({**good, "id": "g2"})
        + b"\n"
        + orjson.dumps({"id": "x", "published_at": "2024-05-06T10:00:00Z"})
        + b"\n"
    )
    letters = tmp_path / "dlq.jsonl"
    letters.write_text("an earlier run's dead letter\n")
    for command, run in (("extract", cmd_extract), ("dedup", cmd_dedup)):
        args = build_parser().parse_args(
            [command, str(source), "-o", str(tmp_path / "out.jsonl"), "--dead-letters", str(letters)]
        )
        assert run(args) == 3, command
        found = [orjson.loads(x) for x in letters.read_bytes().splitlines()]
        assert [(d["error"], d["offset"]) for d in found] == [("invalid_json", 2), ("schema", 4)], command
        err = capsys.readouterr().err
        assert f"{source}:3: invalid_json" in err and f"{source}:5: schema" in err
        assert "2 of 4 records failed" in err

    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(orjson.dumps(good) + b"\n")
    args = build_parser().parse_args(
        ["extract", str(clean), "-o", str(tmp_path / "out.jsonl"), "--dead-letters", str(letters)]
    )
    assert cmd_extract(args) == 0
    assert letters.read_bytes() == b""


@pytest.mark.parametrize("flags", [["--jobs", "0"], ["--jobs", "-2"], ["--timeout", "0"], ["--timeout", "-1"]])
def test_a_budget_or_pool_size_below_one_is_a_usage_error(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["extract", "in.jsonl", *flags])
    assert exit_.value.code == 2 and "must be above 0" in capsys.readouterr().err


def test_the_output_and_its_order_do_not_depend_on_the_number_of_extraction_processes(tmp_path: Path) -> None:
    """The sample articles and the dev set, one after the other, with one and with three
    extraction processes: the same lines in the same order (apart from when they were made)."""
    repo = Path(__file__).resolve().parents[2]
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        (repo / "samples" / "articles.jsonl").read_bytes() + (repo / "eval" / "devset.jsonl").read_bytes()
    )
    outputs = []
    for jobs in (1, 3):
        out = tmp_path / f"out-{jobs}.jsonl"
        assert (
            cmd_extract(build_parser().parse_args(["extract", str(source), "-o", str(out), "--jobs", str(jobs)])) == 0
        )
        events = [orjson.loads(x) for x in out.read_bytes().splitlines()]
        outputs.append([{k: v for k, v in e.items() if k != "extracted_at"} for e in events])
    assert len(outputs[0]) > 50
    assert outputs[1] == outputs[0]


def test_dedup_says_how_many_articles_got_each_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = {"id": "s1", "body": BODY.format(n=3), "published_at": "2024-05-06T10:00:00Z"}
    lines = [story, {**story, "id": "s2"}, {**story, "id": "s3", "body": BODY.format(n=3).replace("Kabul", "Herat")}]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    args = build_parser().parse_args(["dedup", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert cmd_dedup(args) == 0
    assert "3 articles: 1 unique, 2 duplicate, 0 replay, 0 update" in capsys.readouterr().err
