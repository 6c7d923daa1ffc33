"""Hypothesis strategies for malformed input records, each with the dead-letter code it must get.

Every strategy builds a record that is broken in one known way, so the expected code
follows from how it was built (not from running `validate`): invalid UTF-8, invalid or
too deeply nested JSON, the wrong shape or field types, bodies without text or binary
bodies, dates that are not RFC 3339 or out of range, other languages and scripts, records
over the size limit. Each record also names its kind (the way it was broken), so a test can
check that every kind really occurs. `english()` bodies and plausible fields around the
defect keep the rest of the record valid, so only the defect can be the reason.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypeVar

import orjson
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from workers.records import parse_timestamp
from workers.settings import Settings

MAX_BYTES = Settings().max_article_bytes  # the default EVENTWIRE_MAX_ARTICLE_BYTES
ENGLISH = (
    "Police arrested four men after a bombing at the main market on Tuesday, the governor said. "
    "The attack killed three people and wounded eleven others, officials said."
)

Labelled = tuple[bytes, str, str]  # (payload, expected dead-letter code, kind of defect)
T = TypeVar("T")

_PLACES = ["Kabul", "Mosul", "Aleppo", "Goma", "Sanaa", "Tripoli", "Bamako", "Juba", "Homs", "Lima"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_number = st.integers() | st.floats(allow_nan=False, allow_infinity=False)  # JSON has no NaN or Infinity
_scalar = st.none() | st.booleans() | _number | st.text(max_size=20)
_json = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_non_string = (
    st.booleans() | _number | st.lists(_scalar, max_size=3) | st.dictionaries(st.text(max_size=5), _scalar, max_size=3)
)
_extras = st.fixed_dictionaries(
    {}, optional={"id": st.text(min_size=1, max_size=40), "source": st.text(max_size=30), "title": st.text(max_size=80)}
)


@st.composite
def english(draw: st.DrawFn) -> str:
    """A short English news body: ENGLISH with drawn place, day and numbers."""
    place, day = draw(st.sampled_from(_PLACES)), draw(st.sampled_from(_DAYS))
    arrested, killed = draw(st.integers(2, 99)), draw(st.integers(2, 999))
    return (
        f"Police arrested {arrested} men after a bombing at the main market in {place} on {day}, the "
        f"governor said. The attack killed {killed} people and wounded others, officials said."
    )


def dumps(value: object) -> bytes:
    """JSON as UTF-8; unlike orjson, the standard library writes integers beyond 64 bits too."""
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _article(body: str, **fields: object) -> bytes:
    return dumps({"body": body, **fields})


_byte = st.integers(0, 255).map(lambda b: bytes([b]))
_continuation = st.integers(0x80, 0xBF).map(lambda b: bytes([b]))
# Bytes no UTF-8 sequence starts with: whatever follows them, the text is not UTF-8.
_never_first = st.sampled_from([*range(0x80, 0xC2), *range(0xF5, 0x100)]).map(lambda b: bytes([b]))
# Invalid sequences in an ASCII context (ASCII neither continues nor completes a sequence).
_invalid_sequence = st.one_of(
    _never_first,  # a lone continuation byte, an overlong lead (C0, C1), a byte above F4
    st.tuples(st.integers(0xC2, 0xF4).map(lambda b: bytes([b])), st.lists(_continuation, max_size=1)).map(
        lambda t: t[0] + b"".join(t[1]) if t[0][0] >= 0xE0 else t[0]
    ),  # a sequence cut short
    st.tuples(_continuation, _continuation).map(
        lambda t: b"\xed" + bytes([0xA0 | t[0][0] & 0x1F]) + t[1]
    ),  # a surrogate
    st.tuples(_continuation, _continuation).map(lambda t: b"\xf4" + bytes([0x90 | t[0][0] & 0x2F]) + t[1] + b"\x80"),
)  # the last: a code point above U+10FFFF


@st.composite
def not_utf8(draw: st.DrawFn) -> Labelled:
    """Bytes that are not UTF-8: an invalid sequence put into an article, or binary that starts with one."""
    if draw(st.booleans()):
        raw = bytearray(_article(draw(english())))
        at = draw(st.integers(10, len(raw) - 3))  # inside the body string
        raw[at:at] = draw(_invalid_sequence)
        return bytes(raw), "not_utf8", "invalid_sequence_in_article"
    return draw(_never_first) + b"".join(draw(st.lists(_byte, max_size=64))), "not_utf8", "binary"


@st.composite
def invalid_json(draw: st.DrawFn) -> Labelled:
    kind = draw(st.sampled_from(["truncated", "nested", "text"]))
    if kind == "truncated":
        text = _article(draw(english()), title=draw(st.text(max_size=40))).decode("utf-8")
        return text[: draw(st.integers(1, len(text) - 1))].encode("utf-8"), "invalid_json", kind
    if kind == "nested":  # orjson refuses more than 1,024 levels
        depth = draw(st.integers(1025, 20_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return (opener * depth + "1" + closer * depth).encode(), "invalid_json", kind
    text = draw(st.text(min_size=1, max_size=200).filter(lambda t: t.strip() and not _parses(t)))
    return text.encode("utf-8"), "invalid_json", kind  # st.text() draws no surrogates: always UTF-8


def _parses(text: str) -> bool:
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return False
    return True


@st.composite
def wrong_shape(draw: st.DrawFn) -> Labelled:
    kind = draw(st.sampled_from(["not_object", "no_body", "body_type", "field_type", "too_long"]))
    if kind == "not_object":
        value = draw(_json.filter(lambda v: not isinstance(v, dict)))
        return dumps(value), "schema", kind
    if kind == "no_body":
        obj = draw(st.dictionaries(st.text(max_size=8).filter(lambda k: k != "body"), _scalar, max_size=5))
        if draw(st.booleans()):
            obj["body"] = None
        return dumps(obj), "schema", kind
    if kind == "body_type":
        return dumps({"body": draw(_non_string), **draw(_extras)}), "schema", kind
    if kind == "field_type":
        field = draw(st.sampled_from(["id", "url", "source", "title", "published_at", "language"]))
        return _article(draw(english()), **{field: draw(_non_string.filter(lambda v: v is not None))}), "schema", kind
    field, limit = draw(st.sampled_from([("id", 512), ("url", 8192), ("source", 512), ("title", 4096)]))
    return _article(draw(english()), **{field: "x" * draw(st.integers(limit + 1, limit * 3))}), "schema", kind


# Characters that are neither letters nor control characters: digits, punctuation, symbols
# (emoji among them), marks, separators, format characters.
_NO_LETTERS = st.characters(categories=("N", "P", "S", "M", "Z", "Cf"), exclude_characters="\ufeff")
_TAGS = ["div", "p", "span", "br", "img", "a", "figure", "table", "td", "ul", "li", "section", "iframe"]


@st.composite
def _markup(draw: st.DrawFn) -> str:
    """HTML without text: empty elements with attributes, comments, scripts, character references."""
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        piece = draw(st.sampled_from(["element", "comment", "script", "reference"]))
        if piece == "element":
            tag = draw(st.sampled_from(_TAGS))
            attrs = draw(
                st.dictionaries(
                    st.sampled_from(["class", "id", "src", "href", "alt", "style"]),
                    st.text(alphabet="abcdefghijklmnop/.-_:", max_size=20),
                    max_size=3,
                )
            )
            attributes = "".join(f' {k}="{v}"' for k, v in attrs.items())
            parts.append(f"<{tag}{attributes}></{tag}>" if draw(st.booleans()) else f"<{tag}{attributes}/>")
        elif piece == "comment":
            parts.append(f"<!-- {draw(st.text(alphabet='abcdefgh ', max_size=30))} -->")
        elif piece == "script":
            parts.append(f"<script>var {draw(st.sampled_from(['story', 'ad', 'x']))} = {draw(st.integers())};</script>")
        else:
            parts.append(draw(st.sampled_from(["&nbsp;", "&amp;", "&#8212;", "&#x2014;", "&copy;"])))
    return draw(st.sampled_from(["", "\n", " "])).join(parts)


@st.composite
def bad_body(draw: st.DrawFn) -> Labelled:
    kind = draw(st.sampled_from(["whitespace", "no_letters", "markup_only", "nul", "control"]))
    if kind == "whitespace":
        return _article(draw(st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=30)), **draw(_extras)), "empty_body", kind
    if kind == "no_letters":  # emoji, symbols, digits and punctuation only
        return (
            _article(draw(st.text(alphabet=_NO_LETTERS, min_size=1, max_size=80).filter(str.strip))),
            "empty_body",
            kind,
        )
    if kind == "markup_only":
        return _article(draw(_markup())), "empty_body", kind
    body = draw(english())
    if kind == "nul":
        at = draw(st.integers(0, len(body)))
        return _article(body[:at] + "\x00" + body[at:]), "binary_body", kind
    noise = draw(
        st.text(
            alphabet=st.characters(codec="ascii", categories=("Cc",), exclude_characters="\t\n\r\x0c\x00"),
            min_size=8,
            max_size=64,
        )
    )
    return _article(noise + body[:40]), "binary_body", kind


def _rfc3339(value: str) -> bool:
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True


# A real moment in forms that are not RFC 3339: no offset, no seconds, a space, another standard.
_NEAR_MISSES = [
    "{d}T{t}",
    "{d}T{hm}Z",
    "{d} {t}Z",
    "{d}Z",
    "{d}T{t}+0300",
    "{compact}T{tc}Z",
    "{dow}, {day} {mon} {y} {t} +0000",
    "{day}/{m}/{y}",
    "{y}-W{w}-3",
    "{d}T{t}.{frac}",
]


@st.composite
def bad_date(draw: st.DrawFn) -> Labelled:
    kind = draw(st.sampled_from(["before_1900", "far_future", "impossible", "near_miss", "garbage"]))
    if kind == "before_1900":
        value = f"{draw(st.integers(1, 1899)):04d}-06-01T12:00:00Z"
    elif kind == "far_future":
        value = f"{draw(st.integers(2100, 9999)):04d}-06-01T12:00:00Z"
    elif kind == "impossible":
        value = draw(
            st.sampled_from(
                [
                    "2024-13-45",
                    "2024-02-30T10:00:00Z",
                    "0000-00-00",
                    "2024-06-01T25:61:00Z",
                    "2023-02-29",
                    "2024-04-31T08:00:00+02:00",
                    "2024-06-01T10:00:00+25:00",
                ]
            )
        )
    elif kind == "near_miss":
        moment = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2025, 12, 31)))
        value = draw(st.sampled_from(_NEAR_MISSES)).format(
            d=moment.strftime("%Y-%m-%d"),
            t=moment.strftime("%H:%M:%S"),
            hm=moment.strftime("%H:%M"),
            compact=moment.strftime("%Y%m%d"),
            tc=moment.strftime("%H%M%S"),
            dow=moment.strftime("%a"),
            day=moment.day,
            mon=moment.strftime("%b"),
            y=moment.year,
            m=moment.month,
            w=f"{moment.isocalendar()[1]:02d}",
            frac=moment.microsecond,
        )
    else:
        value = draw(
            st.one_of(
                st.sampled_from(["yesterday", "31/12/2024", "-2024-01-01", "NaN", ""]),
                st.text(alphabet="0123456789-:TZ+ ", min_size=1, max_size=12),
            )
        )
    if _rfc3339(value):
        value = "not " + value  # a garbage draw that happens to be a valid date (rare)
    return _article(draw(english()), published_at=value), "invalid_date", kind


# Words of two letters or more (those the language check counts), none an English function word.
_FOREIGN_WORDS = (
    "el la los de que en un por con para ejército ciudad ayer dijo "
    "der die das und ist nicht mit auf für Armee Stadt gestern sagte "
    "les des une dans pour avec armée ville hier selon"
).split()
# Letters of scripts English is not written in (ranges hold letters only where drawn)
_OTHER_SCRIPTS = {
    "arabic": (0x0621, 0x064A),
    "cyrillic": (0x0410, 0x044F),
    "greek": (0x03B1, 0x03C9),
    "hebrew": (0x05D0, 0x05EA),
    "devanagari": (0x0905, 0x0939),
    "thai": (0x0E01, 0x0E2E),
    "han": (0x4E00, 0x9FA5),
    "hangul": (0xAC00, 0xD7A3),
}


@st.composite
def other_language(draw: st.DrawFn) -> Labelled:
    """Another language tag; or an `en` tag on Latin-script words of another language, or on another script."""
    kind = draw(st.sampled_from(["other_tag", "en_other_words", "en_other_script"]))
    if kind == "other_tag":
        language = draw(st.sampled_from(["fr", "de", "zh", "ar", "ru", "es-MX", "xx", "pt_BR"]))
        return _article(draw(english()), language=language), "unsupported_language", kind
    language = draw(st.sampled_from(["en", "en-GB", "EN", None]))
    fields = {} if language is None else {"language": language}
    if kind == "en_other_words":
        words = " ".join(draw(st.lists(st.sampled_from(_FOREIGN_WORDS), min_size=30, max_size=40)))
        return _article(words + ".", **fields), "unsupported_language", kind
    low, high = _OTHER_SCRIPTS[draw(st.sampled_from(sorted(_OTHER_SCRIPTS)))]
    letters = st.characters(min_codepoint=low, max_codepoint=high, categories=("L",))
    words = draw(st.lists(st.text(alphabet=letters, min_size=2, max_size=8), min_size=1, max_size=12))
    return (
        _article(" ".join(words) + draw(st.sampled_from(["", ".", " 2024", "!"])), **fields),
        "unsupported_language",
        kind,
    )


@st.composite
def too_large(draw: st.DrawFn) -> Labelled:
    """A record over the size limit: mostly English padding, or binary junk."""
    size = draw(st.integers(MAX_BYTES + 1, MAX_BYTES + 4096))
    filler = draw(st.sampled_from([b"a", b"\x00", b"\xff", b"the "]))
    head = _article(ENGLISH)[:-2]
    return (head + filler * (size // len(filler) + 1))[:size], "too_large", "over_limit"


# Every kind of malformed record but `too_large` (kept apart: each of those is over 1 MiB),
# with the kinds each one draws.
CATEGORIES = {
    not_utf8(): ("invalid_sequence_in_article", "binary"),
    invalid_json(): ("truncated", "nested", "text"),
    wrong_shape(): ("not_object", "no_body", "body_type", "field_type", "too_long"),
    bad_body(): ("whitespace", "no_letters", "markup_only", "nul", "control"),
    bad_date(): ("before_1900", "far_future", "impossible", "near_miss", "garbage"),
    other_language(): ("other_tag", "en_other_words", "en_other_script"),
}


def malformed() -> st.SearchStrategy[Labelled]:
    """One malformed record of any kind but `too_large`."""
    return st.one_of(st.just((b"", "empty_payload", "no_value")), *CATEGORIES)


def draw_many(strategy: st.SearchStrategy[T], n: int, random_seed: int) -> list[T]:
    """`n` examples of `strategy`, drawn the way `@given` draws them (generation only, no shrinking)."""
    drawn: list[T] = []

    @seed(random_seed)  # the same records every run
    @settings(
        max_examples=n, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def collect(example: T) -> None:
        drawn.append(example)

    collect()
    return drawn
