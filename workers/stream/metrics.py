"""Outcome counters of the worker, exposed in the Prometheus text format at `/metrics`."""

from __future__ import annotations

from collections import Counter
from threading import Lock


class Metrics:
    """Counters keyed by (name, label value); one instance per worker process."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._help: dict[str, str] = {}
        self._lock = Lock()

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
