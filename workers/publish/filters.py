"""Event filters shared by `eventwire subscribe`, `GET /events` and `GET /events/stream`.

A filter works on the JSON form of an event (what the topics carry), so readers need no
extraction code. `parse_since` reads the `--since` / `since=` forms: RFC 3339 (a date-time
with its offset, or a date), a relative age such as `90s`, `15m`, `2h`, `7d`, or `beginning`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from workers.errors import EventwireError
from workers.extract.codes import event_types
from workers.geo import distance_km
from workers.records import parse_timestamp

_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class FilterError(EventwireError, ValueError):
    """A filter argument that cannot be understood; the message says which and why."""


def parse_since(value: str | None, now: datetime | None = None, name: str = "since") -> datetime | None:
    """The start time meant by `value` (None when `value` is empty); `name` is the parameter
    an error message names."""
    if not value:
        return None
    now = now or datetime.now(UTC)
    text = value.strip().lower()
    if text in {"beginning", "earliest", "0"}:
        return datetime(1970, 1, 1, tzinfo=UTC)
    match = _RELATIVE.match(text)
    if match:
        return now - timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    try:
        return parse_timestamp(value.strip())
    except ValueError as exc:
        raise FilterError(f"{name}: {exc}; or an age like 2h or 7d, or 'beginning'") from None


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to show; every field left None matches everything."""

    type: str | None = None
    subtype: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    near: tuple[float, float, float] | None = None  # lat, lon, radius in km

    @classmethod
    def from_args(
        cls, *, type: str | None = None, subtype: str | None = None, country: str | None = None, near: str | None = None
    ) -> EventFilter:
        """A filter from the string forms of the CLI and the query string (`near=LAT,LON,KM`)."""
        if type and type not in event_types():
            raise FilterError(f"type: {type!r} is not an event type; one of {', '.join(event_types())}")
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise FilterError(f"country: expected an ISO 3166-1 alpha-2 code such as SY, got {country!r}")
        circle = None
        if near:
            try:
                lat, lon, km = (float(x) for x in near.split(","))
            except ValueError:
                raise FilterError(f"near: expected LAT,LON,KM, got {near!r}") from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
                raise FilterError(f"near: {near!r} is out of range")
            circle = (lat, lon, km)
        return cls(
            type=type or None, subtype=subtype or None, country=country.upper() if country else None, near=circle
        )

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> EventFilter:
        return cls.from_args(
            type=query.get("type"), subtype=query.get("subtype"), country=query.get("country"), near=query.get("near")
        )

    def matches(self, event: Mapping[str, Any]) -> bool:
        if self.type and event.get("type") != self.type:
            return False
        if self.subtype and event.get("subtype") != self.subtype:
            return False
        location = event.get("location") or {}
        if self.country and location.get("country_code") != self.country:
            return False
        if self.near:
            lat, lon = location.get("lat"), location.get("lon")
            if lat is None or lon is None:
                return False
            if distance_km(self.near[:2], (lat, lon)) > self.near[2]:
                return False
        return True
