"""Ingest validation: every raw payload becomes an article or a dead letter with the right reason."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import orjson
import pytest

from workers.errors import RecordMeta
from workers.ingest.validate import derive_id, validate
from workers.records import Article, DeadLetter
from workers.schemas import validator
from workers.settings import Settings

SETTINGS = Settings()
META = RecordMeta(topic="articles", partition=2, offset=41, timestamp_ms=1_700_000_000_000)
BODY = "Police arrested three men in the port city on Friday after a search of the harbour, officials said."


def _validate(obj_or_bytes, settings: Settings = SETTINGS):
    raw = obj_or_bytes if isinstance(obj_or_bytes, bytes) else orjson.dumps(obj_or_bytes)
    return validate(raw, META, settings)


def test_valid_article_is_kept_as_sent():
    out = _validate(
        {
            "id": "a1",
            "url": "https://x.example/1",
            "source": "wire",
            "title": "T",
            "body": BODY,
            "published_at": "2017-03-13T14:23:00+03:00",
            "language": "en",
        }
    )
    assert isinstance(out, Article)
    assert (out.id, out.body, out.url, out.source, out.title) == ("a1", BODY, "https://x.example/1", "wire", "T")
    assert datetime.fromisoformat(out.published_at) == datetime(2017, 3, 13, 11, 23, tzinfo=UTC)
    assert out.published_at_inferred is False
    assert not list(validator("article").iter_errors(out.to_dict()))


def test_missing_id_is_a_stable_hash_of_url_then_body():
    with_url = _validate({"url": "https://x.example/2", "body": BODY})
    again = _validate({"url": "https://x.example/2", "body": BODY + " Updated."})
    body_only = _validate({"body": BODY})
    assert with_url.id == again.id == derive_id("https://x.example/2", "")
    assert body_only.id == derive_id(None, BODY) != with_url.id


def test_missing_published_at_comes_from_record_timestamp_and_is_flagged():
    out = _validate({"id": "a3", "body": BODY})
    assert out.published_at_inferred is True
    assert datetime.fromisoformat(out.published_at) == datetime.fromtimestamp(1_700_000_000, UTC)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"", "empty_payload"),
        (b'{"body": "x"', "invalid_json"),
        (b"\xff\xfe{}", "not_utf8"),
        (b'"just a string"', "schema"),
        (b"[1, 2]", "schema"),
        (b'{"title": "no body"}', "schema"),
        (b'{"body": 12}', "schema"),
        (b'{"body": "ok", "id": ["x"]}', "schema"),
        (b'{"body": "   \\n\\t "}', "empty_body"),
        (b'{"body": "abc\\u0000def"}', "binary_body"),
        (b'{"body": "police said", "published_at": "Tuesday"}', "invalid_date"),
        (b'{"body": "police said", "published_at": "2016-12-19T12:00:00"}', "invalid_date"),
        (b'{"body": "police said", "published_at": "Mon, 19 Dec 2016 12:00:00 +0000"}', "invalid_date"),
        (b'{"body": "\\ud83d\\udd25\\ud83d\\udd25 \\ud83d\\udca5 !!"}', "empty_body"),
        (b'{"body": "<div><p></p><img src=\\"x.jpg\\" alt=\\"\\"/><br/></div>"}', "empty_body"),
        (
            '{"body": "\u0639\u0627\u062c\u0644: \u0627\u0646\u0641\u062c\u0627\u0631", "language": "en"}'.encode(),
            "unsupported_language",
        ),
        (b'{"body": "police said", "published_at": "0999-01-01T00:00:00Z"}', "invalid_date"),
        (b'{"body": "police said", "published_at": "2999-01-01T00:00:00Z"}', "invalid_date"),
        (b'{"body": "la police", "language": "fr"}', "unsupported_language"),
        (b"[" * 5000 + b"]" * 5000, "invalid_json"),
    ],
)
def test_bad_records_become_dead_letters_with_reason(payload, code):
    out = validate(payload, META, SETTINGS)
    assert isinstance(out, DeadLetter), out
    assert out.error == code
    assert out.message
    assert (out.topic, out.partition, out.offset) == ("articles", 2, 41)
    assert base64.b64decode(out.payload_b64) == payload
    assert not list(validator("deadletter").iter_errors(out.to_dict()))


def test_oversized_record_is_rejected_and_its_payload_cut():
    settings = Settings(max_article_bytes=1000)
    payload = orjson.dumps({"body": "word " * 500})
    out = validate(payload, META, settings)
    assert isinstance(out, DeadLetter) and out.error == "too_large"
    assert base64.b64decode(out.payload_b64) == payload[:1000]


def test_text_in_another_language_labelled_english_is_rejected():
    spanish = (
        "El gobierno anunció hoy que las elecciones se celebrarán en marzo, según informó el ministro "
        "del interior durante una rueda de prensa en la capital, donde también habló de la economía "
        "y de los planes para las regiones del norte del país durante los próximos meses del año."
    )
    out = _validate({"body": spanish, "language": "en"})
    assert isinstance(out, DeadLetter) and out.error == "unsupported_language"
    english = _validate({"body": BODY * 3, "language": "en"})
    assert isinstance(english, Article)


BODIES_WITHOUT_TEXT = [
    "\U0001f525\U0001f525\U0001f4a5 \U0001f62d\u2764\ufe0f",  # emoji only
    '<div class="article"><p></p><img src="/photo.jpg" alt=""><br/></div>',  # markup only
    "<script>var story = loadStory();</script><style>p { color: red }</style><!-- body goes here -->",
    "&nbsp;&nbsp;&#8212;&#x2014; <p>&amp;</p>",  # character references only
    "*** --- 2016 / 12 / 19 --- ***",  # digits and punctuation
]


@pytest.mark.parametrize("body", BODIES_WITHOUT_TEXT)
def test_a_body_without_text_is_an_empty_body(body):
    out = _validate({"body": body})
    assert isinstance(out, DeadLetter) and out.error == "empty_body", out
    assert "no letter" in out.message


# One headline-sized sentence per script: too short for the English function-word check.
OTHER_SCRIPTS = {
    "Arabic": "\u0627\u0646\u0641\u062c\u0627\u0631 \u0641\u064a \u0628\u063a\u062f\u0627\u062f "
    "\u064a\u0642\u062a\u0644 \u062b\u0644\u0627\u062b\u0629",
    "Cyrillic": "\u0412\u0437\u0440\u044b\u0432 \u0432 \u041a\u0438\u0435\u0432\u0435 "
    "\u0443\u0431\u0438\u043b \u0442\u0440\u043e\u0438\u0445",
    "Cjk": "\u5df4\u683c\u8fbe\u53d1\u751f\u7206\u70b8\uff0c\u4e09\u4eba\u6b7b\u4ea1",
    "Hebrew": "\u05e4\u05d9\u05e6\u05d5\u05e5 \u05d1\u05d1\u05d2\u05d3\u05d3",
    "Devanagari": "\u092c\u0917\u093c\u0926\u093e\u0926 \u092e\u0947\u0902 \u0935\u093f\u0938\u094d\u092b\u094b\u091f",
}


@pytest.mark.parametrize("script", sorted(OTHER_SCRIPTS))
def test_a_body_in_another_script_labelled_english_is_rejected_however_short(script):
    out = _validate({"body": OTHER_SCRIPTS[script], "language": "en"})
    assert isinstance(out, DeadLetter) and out.error == "unsupported_language", out
    assert f"{script} script" in out.message
    html = _validate({"body": f"<p>{OTHER_SCRIPTS[script]}</p>", "language": "en"})
    assert isinstance(html, DeadLetter) and html.error == "unsupported_language"


def test_the_script_check_follows_the_declared_language():
    arabic = OTHER_SCRIPTS["Arabic"]
    both = Settings(languages="en,ar")
    assert isinstance(_validate({"body": arabic, "language": "ar"}, both), Article)
    latin = _validate({"body": BODY, "language": "ar"}, both)
    assert isinstance(latin, DeadLetter) and latin.error == "unsupported_language"
    assert "Latin script" in latin.message


def test_english_with_markup_or_a_phrase_in_another_script_is_accepted():
    quoted = BODY + " The group calls itself " + OTHER_SCRIPTS["Arabic"] + " in its statements."
    for body in (f"<article><h1>Arrests</h1><p>{BODY}</p>&nbsp;</article>", quoted, "Police said. \U0001f525"):
        assert isinstance(_validate({"body": body, "language": "en"}), Article), body


@pytest.mark.parametrize(
    ("value", "missing"),
    [
        ("2016-12-19T12:00:00", "no UTC offset"),
        ("2016-12-19T12:00Z", "no seconds"),
        ("2016-12-19 12:00:00Z", "space"),
        ("2016-12-19Z", "no time of day"),
        ("2016-02-30T10:00:00Z", "not a real date"),
        ("19/12/2016", "not RFC 3339"),
    ],
)
def test_an_invalid_date_says_what_is_missing(value, missing):
    out = _validate({"body": BODY, "published_at": value})
    assert isinstance(out, DeadLetter) and out.error == "invalid_date", out
    assert missing in out.message and value in out.message


def test_a_date_alone_is_the_start_of_that_day_in_utc():
    out = _validate({"body": BODY, "published_at": "2016-12-19"})
    assert isinstance(out, Article) and out.published_at_inferred is False
    assert datetime.fromisoformat(out.published_at) == datetime(2016, 12, 19, tzinfo=UTC)
    assert not list(validator("article").iter_errors(out.to_dict()))


def test_every_real_article_passes_ingest(shared_dir):
    """The real news of ../shared/dev (dates alone, quotes, names from every region) is never refused."""
    refused = []
    for path in sorted((shared_dir / "dev").glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            row = orjson.loads(line)
            out = _validate(
                {"id": row["id"], "body": row["text"], "published_at": row.get("published_at"), "language": "en"}
            )
            if isinstance(out, DeadLetter):
                refused.append((row["id"], out.error, out.message))
    assert not refused, refused[:5]
