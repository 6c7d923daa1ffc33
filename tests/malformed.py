"""Hypothesis strategies for malformed input records, each with the dead-letter code it must get.

Every strategy builds a record that is broken in one known way, so the expected code
follows from how it was built (not from running `validate`): invalid UTF-8, invalid or
too deeply nested JSON, the wrong shape or field types, empty or binary bodies, absurd
dates, other languages, records over the size limit. `valid_looking` fields around the
defect keep the rest of the record plausible, so only the defect can be the reason.
"""

from __future__ import annotations

import json

import orjson
from hypothesis import strategies as st

from workers.settings import Settings

MAX_BYTES = Settings().max_article_bytes  # the default EVENTWIRE_MAX_ARTICLE_BYTES
ENGLISH = ("Police arrested four men after a bombing at the main market on Tuesday, the governor said. "
           "The attack killed three people and wounded eleven others, officials said.")

Labelled = tuple[bytes, str]  # (payload, expected dead-letter code)

_words = st.text(alphabet=st.characters(categories=("Ll",), max_codepoint=0x7F), min_size=2, max_size=9)
_number = st.integers() | st.floats(allow_nan=False, allow_infinity=False)  # JSON has no NaN or Infinity
_scalar = st.none() | st.booleans() | _number | st.text(max_size=20)
_json = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
_non_string = st.booleans() | _number | st.lists(_scalar, max_size=3) \
    | st.dictionaries(st.text(max_size=5), _scalar, max_size=3)
_extras = st.fixed_dictionaries({}, optional={"id": st.text(min_size=1, max_size=40),
                                              "source": st.text(max_size=30), "title": st.text(max_size=80)})


def dumps(value: object) -> bytes:
    """JSON as UTF-8; unlike orjson, the standard library writes integers beyond 64 bits too."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _article(body: str, **fields: object) -> bytes:
    return dumps({"body": body, **fields})


@st.composite
def not_utf8(draw: st.DrawFn) -> Labelled:
    raw = bytearray(_article(ENGLISH))
    bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]))
    at = draw(st.integers(10, len(raw) - 3))  # inside the body string
    raw[at:at] = bad
    return bytes(raw), "not_utf8"


@st.composite
def invalid_json(draw: st.DrawFn) -> Labelled:
    kind = draw(st.sampled_from(["truncated", "nested", "text"]))
    if kind == "truncated":
        text = _article(ENGLISH, title=draw(st.text(max_size=40))).decode("utf-8")
        return text[:draw(st.integers(1, len(text) - 1))].encode("utf-8"), "invalid_json"
    if kind == "nested":  # orjson refuses more than 1,024 levels
        depth = draw(st.integers(1025, 20_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return (opener * depth + "1" + closer * depth).encode(), "invalid_json"
    text = draw(st.text(min_size=1, max_size=200).filter(lambda t: t.strip() and not _parses(t)))
    return text.encode("utf-8", "surrogatepass"), "invalid_json" if _is_utf8(text) else "not_utf8"


def _parses(text: str) -> bool:
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return False
    return True


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@st.composite
def wrong_shape(draw: st.DrawFn) -> Labelled:
    kind = draw(st.sampled_from(["not_object", "no_body", "body_type", "field_type", "too_long"]))
    if kind == "not_object":
        value = draw(_json.filter(lambda v: not isinstance(v, dict)))
        return dumps(value), "schema"
    if kind == "no_body":
        obj = draw(st.dictionaries(st.text(max_size=8).filter(lambda k: k != "body"), _scalar, max_size=5))
        if draw(st.booleans()):
            obj["body"] = None
        return dumps(obj), "schema"
    if kind == "body_type":
        return dumps({"body": draw(_non_string), **draw(_extras)}), "schema"
    if kind == "field_type":
        field = draw(st.sampled_from(["id", "url", "source", "title", "published_at", "language"]))
        return _article(ENGLISH, **{field: draw(_non_string.filter(lambda v: v is not None))}), "schema"
    field, limit = draw(st.sampled_from([("id", 512), ("url", 8192), ("source", 512), ("title", 4096)]))
    return _article(ENGLISH, **{field: "x" * draw(st.integers(limit + 1, limit * 3))}), "schema"


@st.composite
def bad_body(draw: st.DrawFn) -> Labelled:
    kind = draw(st.sampled_from(["empty", "nul", "control"]))
    if kind == "empty":
        return _article(draw(st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=30)), **draw(_extras)), "empty_body"
    if kind == "nul":
        at = draw(st.integers(0, len(ENGLISH)))
        return _article(ENGLISH[:at] + "\x00" + ENGLISH[at:]), "binary_body"
    noise = draw(st.text(alphabet=st.characters(codec="ascii", categories=("Cc",), exclude_characters="\t\n\r\x0c\x00"),
                         min_size=8, max_size=64))
    return _article(noise + ENGLISH[:40]), "binary_body"


@st.composite
def absurd_date(draw: st.DrawFn) -> Labelled:
    value = draw(st.one_of(
        st.integers(1, 1899).map(lambda y: f"{y:04d}-06-01T12:00:00Z"),
        st.integers(2100, 9999).map(lambda y: f"{y:04d}-06-01T12:00:00Z"),
        st.sampled_from(["yesterday", "2024-13-45", "2024-02-30T10:00:00Z", "31/12/2024", "0000-00-00",
                         "2024-06-01T25:61:00Z", "-2024-01-01", "NaN", ""]),
        st.text(alphabet="0123456789-:TZ+ ", min_size=1, max_size=12).filter(lambda s: not _iso(s)),
    ))
    return _article(ENGLISH, published_at=value), "invalid_date"


def _iso(value: str) -> bool:
    from datetime import datetime

    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


# Words of two letters or more (those the language check counts), none an English function word.
_FOREIGN_WORDS = ("не на что он как это по но они мы было года после армия город "
                  "καὶ τὸ τῆς ἐν δὲ στρατός πόλη μετά χθες είπε οι αρχές "
                  "el la los de que en un por con para ejército ciudad ayer dijo "
                  "der die das und ist nicht mit auf für Armee Stadt gestern sagte").split()


@st.composite
def other_language(draw: st.DrawFn) -> Labelled:
    """Another language tag, or an `en` tag on a body in another script or language."""
    words = " ".join(draw(st.lists(st.sampled_from(_FOREIGN_WORDS), min_size=30, max_size=40)))
    language = draw(st.sampled_from(["en", "en-GB", "fr", "de", "zh", "ar", "ru", "es-MX", "xx"]))
    body = words + "." if language.startswith("en") else ENGLISH + " " + words
    return _article(body, language=language), "unsupported_language"


@st.composite
def too_large(draw: st.DrawFn) -> Labelled:
    """A record over the size limit: mostly English padding, or binary junk."""
    size = draw(st.integers(MAX_BYTES + 1, MAX_BYTES + 4096))
    filler = draw(st.sampled_from([b"a", b"\x00", b"\xff", b"the "]))
    head = _article(ENGLISH)[:-2]
    return (head + filler * (size // len(filler) + 1))[:size], "too_large"


# Every kind of malformed record but `too_large` (kept apart: each of those is over 1 MiB).
CATEGORIES = (not_utf8(), invalid_json(), wrong_shape(), bad_body(), absurd_date(), other_language())


def malformed() -> st.SearchStrategy[Labelled]:
    """One malformed record of any kind but `too_large`."""
    return st.one_of(st.just((b"", "empty_payload")), *CATEGORIES)
