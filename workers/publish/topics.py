"""Topic names, and which topics and key each output record goes to.

Every name takes the configured prefix, so several deployments (or a replay under a
prefix) can share one cluster. Keys: the article id on article topics, the event id on
event topics, so compaction and per-key ordering work as users expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from workers.extract.codes import event_types
from workers.records import Event


@dataclass(frozen=True, slots=True)
class Topics:
    """The names of every topic eventwire reads or writes, under one prefix."""

    prefix: str = ""

    def _name(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def named(self, name: str) -> str:
        """The topic a user names on the command line (`articles.dlq`), under this prefix; a
        name that carries the prefix already is taken as it is."""
        return name if name.startswith(self.prefix) else self._name(name)

    @property
    def articles(self) -> str:
        """Input: raw article records from feeds and crawlers."""
        return self._name("articles")

    @property
    def ingested(self) -> str:
        """Internal: validated articles, one partition, read by the single dedup writer."""
        return self._name("articles.ingested")

    @property
    def unique(self) -> str:
        return self._name("articles.unique")

    @property
    def duplicates(self) -> str:
        return self._name("articles.duplicates")

    @property
    def dlq(self) -> str:
        return self._name("articles.dlq")

    @property
    def events(self) -> str:
        return self._name("events")

    def events_of(self, event_type: str) -> str:
        return self._name(f"events.{event_type}")

    @property
    def consolidate_input(self) -> str:
        """Internal: every event, one partition, read by the single consolidation writer."""
        return self._name("events.consolidate")

    @property
    def consolidated(self) -> str:
        """One record per real-world event and version, keyed by cluster id (compacted)."""
        return self._name("events.consolidated")

    def event_routes(self, event: Event, consolidate: bool = True) -> list[str]:
        """Every event goes to `events`, to the topic of its type and to the consolidation input
        (`consolidate=False`: not there, for a writer that consolidates its events itself)."""
        routes = [self.events, self.events_of(event.type)]
        return [*routes, self.consolidate_input] if consolidate else routes

    def all(self) -> list[str]:
        """Every topic to create, internal ones included."""
        return [
            self.articles,
            self.ingested,
            self.unique,
            self.duplicates,
            self.dlq,
            self.events,
            *(self.events_of(t) for t in event_types()),
            self.consolidate_input,
            self.consolidated,
        ]

    def single_partition(self) -> set[str]:
        """Topics that must have exactly one partition (their reader is a single writer)."""
        return {self.ingested, self.consolidate_input}

    def configs(self, name: str) -> dict[str, str]:
        """Topic configs beyond the broker's defaults."""
        return {"cleanup.policy": "compact"} if name == self.consolidated else {}
