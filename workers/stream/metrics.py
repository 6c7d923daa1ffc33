"""Outcome counters of the worker, exposed in the Prometheus text format at `/metrics`.

Every counter the worker keeps is declared here with each value of its label, so `/metrics`
shows all of them, at zero, from the start: a dashboard or an alert on
`eventwire_articles_total{outcome="dlq:invalid_date"}` finds the series before the first
such record. The label values come from where they are defined: the dead-letter codes from
`schemas/deadletter.schema.json`, the dedup verdicts from `workers.dedup.index`, the event
types from the code table (`workers.extract.codes.event_types`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from threading import Lock
from typing import get_args

from workers.dedup.index import VerdictKind
from workers.extract.codes import event_types
from workers.schemas import load_schema

ARTICLES = "eventwire_articles_total"
EVENTS = "eventwire_events_total"
CONSOLIDATED = "eventwire_consolidated_total"
REPLACED = "eventwire_extract_processes_replaced_total"
CONSOLIDATION_OUTCOMES = ("new", "update", "again", "late", "invalid")


def worker_counters() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Every counter of the worker: name -> (help, label name, label values)."""
    codes = load_schema("deadletter")["properties"]["error"]["enum"]
    return {
        ARTICLES: (
            "articles by outcome: unique, update, replay, duplicate or dlq:<error code>",
            "outcome",
            (*get_args(VerdictKind), *(f"dlq:{code}" for code in codes)),
        ),
        EVENTS: ("events published, by type", "type", event_types()),
        CONSOLIDATED: (
            "events consolidated, by outcome: new cluster, update, again (a re-delivered event; its cluster is"
            " sent again unchanged), late or invalid",
            "outcome",
            CONSOLIDATION_OUTCOMES,
        ),
        REPLACED: ("extraction processes replaced after running past the time budget or dying", "", ("",)),
    }


class Metrics:
    """Counters keyed by (name, label value); one instance per worker process."""

    def __init__(self, counters: dict[str, tuple[str, str, Iterable[str]]] | None = None) -> None:
        """Counters declared at zero: the worker's (`worker_counters()`) unless given."""
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._help: dict[str, str] = {}
        self._lock = Lock()
        for name, (help_text, label, values) in (worker_counters() if counters is None else counters).items():
            self.describe(name, help_text)
            for value in values:
                self._counts[(name, label, value)] = 0

    def describe(self, name: str, help_text: str) -> None:
        self._help[name] = help_text

    def inc(self, name: str, label: str = "", value: str = "", by: int = 1) -> None:
        with self._lock:
            self._counts[(name, label, value)] += by

    def get(self, name: str, label: str = "", value: str = "") -> int:
        return self._counts[(name, label, value)]

    def render(self) -> str:
        """All counters in the Prometheus exposition format."""
        lines: list[str] = []
        with self._lock:
            items = sorted(self._counts.items())
        seen: set[str] = set()
        for (name, label, value), count in items:
            if name not in seen:
                seen.add(name)
                lines.append(f"# HELP {name} {self._help.get(name, name)}")
                lines.append(f"# TYPE {name} counter")
            labels = f'{{{label}="{value}"}}' if label else ""
            lines.append(f"{name}{labels} {count}")
        return "\n".join(lines) + "\n"
