"""Properties of ingest validation: it never raises, its output obeys the schemas, and every
malformed record gets the dead-letter code of its defect."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.malformed import CATEGORIES, ENGLISH, Labelled, draw_many, dumps, malformed, too_large
from workers.errors import RecordMeta
from workers.ingest.scripts import mostly_ascii_letters, script_counts
from workers.ingest.validate import validate
from workers.records import Article, DeadLetter
from workers.schemas import validator
from workers.settings import Settings

SETTINGS = Settings()
META = RecordMeta(topic="articles", partition=1, offset=7, timestamp_ms=1_790_000_000_000)
FIELDS = ["id", "url", "source", "title", "body", "published_at", "language", "extra"]


def check(payload: bytes) -> Article | DeadLetter:
    """Validate `payload` and check the result against its JSON Schema."""
    out = validate(payload, META, SETTINGS)
    schema = "article" if isinstance(out, Article) else "deadletter"
    errors = [e.message for e in validator(schema).iter_errors(out.to_dict())]
    assert not errors, errors
    return out


@given(st.binary(max_size=4096))
def test_any_bytes_give_an_article_or_a_dead_letter(payload: bytes):
    check(payload)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(FIELDS),
        st.none() | st.booleans() | st.integers() | st.text(max_size=300) | st.lists(st.integers(), max_size=2),
        max_size=8,
    )
)
def test_any_json_object_gives_an_article_or_a_dead_letter(obj: dict):
    check(dumps(obj))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(malformed())
def test_malformed_records_are_dead_letters_with_the_reason_and_the_payload(record: Labelled):
    payload, code, _ = record
    out = check(payload)
    assert isinstance(out, DeadLetter) and out.error == code, (out, code)
    assert base64.b64decode(out.payload_b64) == payload
    assert (out.topic, out.partition, out.offset, out.stage) == ("articles", 1, 7, "ingest")


@settings(
    max_examples=5,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example, HealthCheck.data_too_large],
)
@given(too_large())
def test_oversized_records_keep_the_first_megabyte_of_their_payload(record: Labelled):
    payload, code, _ = record
    out = check(payload)
    assert isinstance(out, DeadLetter) and out.error == code
    assert base64.b64decode(out.payload_b64) == payload[: SETTINGS.max_article_bytes]


@pytest.mark.parametrize("category", list(CATEGORIES), ids=lambda c: repr(c).rstrip("()"))
def test_every_kind_of_defect_is_drawn_and_gets_its_code(category: st.SearchStrategy[Labelled]):
    """300 drawn records of a category hold every kind it names, and each one is a dead letter with its code."""
    drawn = draw_many(category, 300, 1)
    assert {kind for _, _, kind in drawn} == set(CATEGORIES[category])
    wrong = [
        (kind, code, out)
        for payload, code, kind in drawn
        if not isinstance(out := check(payload), DeadLetter) or out.error != code
    ]
    assert not wrong, wrong[:3]


# Letters, digits, punctuation and spaces added to an English body: its Latin letters stay the
# majority (the script check asks for half), whatever the script of the extra letters.
@given(
    extra=st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), max_size=100),
    published=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)),
    date_only=st.booleans(),
    title=st.none() | st.text(max_size=100),
)
def test_english_articles_with_plausible_fields_are_accepted(
    extra: str, published: datetime, date_only: bool, title: str | None
):
    body = ENGLISH + " " + extra
    value = published.date().isoformat() if date_only else published.isoformat()
    out = check(dumps({"body": body, "title": title, "published_at": value}))
    assert isinstance(out, Article), out
    expected = datetime.combine(published.date(), datetime.min.time(), UTC) if date_only else published
    assert out.body == body and datetime.fromisoformat(out.published_at) == expected


@given(st.text(max_size=300), st.sampled_from([0.3, 0.5, 0.8]))
def test_the_fast_latin_check_never_passes_a_text_the_exact_count_refuses(text: str, share: float):
    counts = script_counts(text)
    letters = sum(counts.values())
    if mostly_ascii_letters(text, share) and letters:
        assert counts["LATIN"] >= share * letters, (counts, share)
