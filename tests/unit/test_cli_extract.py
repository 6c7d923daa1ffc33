"""`eventwire extract`: every article comes out, as its events or as a dead letter."""

from __future__ import annotations

import base64
from pathlib import Path

import orjson
import pytest

from tests.hang import HANG, MisbehavingExtractor
from workers.cli import build_parser, cmd_extract

BODY = "Gunmen attacked a police station in Kabul on Sunday, killing {n} officers, the interior ministry said."


def test_an_article_that_never_finishes_is_a_dead_letter_and_the_rest_are_extracted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [{"id": f"a{n}", "body": BODY.format(n=n + 2), "published_at": "2024-05-06T10:00:00Z"} for n in range(5)]
    lines[2]["body"] = f"{HANG} " + lines[2]["body"]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    out, letters = tmp_path / "out.jsonl", tmp_path / "dlq.jsonl"
    args = build_parser().parse_args(["extract", str(source), "-o", str(out), "--annotations",
                                      "--timeout", "3", "--dead-letters", str(letters)])

    assert cmd_extract(args, factory=MisbehavingExtractor) == 3

    done = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [a["article_id"] for a in done] == ["a0", "a1", "a3", "a4"]
    assert all(a["events"] for a in done)
    (letter,) = [orjson.loads(x) for x in letters.read_bytes().splitlines()]
    assert (letter["error"], letter["stage"], letter["offset"]) == ("processing_timeout", "extract", 2)
    assert "line 3, article a2" in letter["message"] and "3 s" in letter["message"]
    assert orjson.loads(base64.b64decode(letter["payload_b64"]))["id"] == "a2"
    assert "1 of 5 articles failed" in capsys.readouterr().err
