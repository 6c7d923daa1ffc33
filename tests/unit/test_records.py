"""The one timestamp parser (`records.parse_timestamp`) every stage uses."""

from datetime import UTC, datetime, timedelta

import pytest

from workers.records import parse_timestamp


def test_rfc3339_forms() -> None:
    assert parse_timestamp("2017-03-15T10:00:00Z") == datetime(2017, 3, 15, 10, tzinfo=UTC)
    assert parse_timestamp("2017-03-15") == datetime(2017, 3, 15, tzinfo=UTC)
    assert parse_timestamp("2017-03-15T10:00:00+03:00").utcoffset() == timedelta(hours=3)
    assert parse_timestamp("2017-03-15T10:00:00.250-05:00").microsecond == 250000


@pytest.mark.parametrize(
    "value, says",
    [
        ("2017-03-15T10:00:00", "offset"),  # could be in any zone
        ("Wed, 15 Mar 2017 10:00:00 +0300", "RFC 3339"),
        ("2017-02-30", "real date"),
        ("next Tuesday", "RFC 3339"),
    ],
)
def test_refusals_say_what_is_wrong(value: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_timestamp(value)
