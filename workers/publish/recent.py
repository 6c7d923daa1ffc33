"""The recent events a worker serves over HTTP: an in-memory table keyed by event id.

Entries are upserted by event id (a replay or a retry replaces, never doubles), ordered by
the time the event was published, and pruned by age and count so memory stays bounded.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workers.publish.filters import EventFilter

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Entry:
    published: datetime  # when the event reached the events topic (record timestamp)
    event: dict[str, Any]


class RecentEvents:
    def __init__(self, max_age: timedelta = DAY, max_count: int = 50_000) -> None:
        self.max_age = max_age
        self.max_count = max_count
        self._entries: OrderedDict[str, Entry] = OrderedDict()  # oldest first

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, event: dict[str, Any], published: datetime) -> None:
        """Insert or replace the event with this event id, then prune."""
        event_id = event["event_id"]
        self._entries.pop(event_id, None)
        newest = next(reversed(self._entries.values())).published if self._entries else published
        self._entries[event_id] = Entry(published, event)
        if published < newest:
            # An arrival from a partition that lags: move the newer entries behind it. The cost
            # is the number of entries it lags by, not the size of the table.
            newer = []
            for key, entry in reversed(self._entries.items()):
                if key != event_id and entry.published <= published:
                    break
                if key != event_id:
                    newer.append(key)
            for key in reversed(newer):
                self._entries.move_to_end(key)
        self.prune(published)

    def prune(self, now: datetime) -> None:
        horizon = now - self.max_age
        while self._entries:
            first = next(iter(self._entries.values()))
            if first.published >= horizon and len(self._entries) <= self.max_count:
                break
            self._entries.popitem(last=False)

    def query(self, where: EventFilter, since: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Matching events, newest first."""
        out: list[dict[str, Any]] = []
        for entry in reversed(self._entries.values()):
            if since and entry.published < since:
                break
            if where.matches(entry.event):
                out.append(entry.event)
                if len(out) >= limit:
                    break
        return out

    def stats(self, now: datetime) -> dict[str, Any]:
        """Counts by type and by country over the last hour and the last day."""
        windows = {"last_hour": now - HOUR, "last_day": now - DAY}
        out: dict[str, Any] = {}
        for name, start in windows.items():
            by_type: Counter[str] = Counter()
            by_country: Counter[str] = Counter()
            for entry in self._entries.values():
                if entry.published < start:
                    continue
                by_type[entry.event["type"]] += 1
                country = (entry.event.get("location") or {}).get("country_code")
                by_country[country or "unknown"] += 1
            out[name] = {
                "total": sum(by_type.values()),
                "by_type": dict(by_type.most_common()),
                "by_country": dict(by_country.most_common()),
            }
        return out
