"""The consolidation agents: events from every partition of `events` into one cluster index,
cluster versions out to `events.consolidated`.

    extract ──► events.consolidate (1 partition) ──consolidate──► events.consolidated

`events` is keyed by event id, so reports of one happening land on different partitions
and no partition alone can group them. The extract agent therefore sends every event to an
internal one-partition topic as well, read by a single writer that owns the whole index,
like dedup does with `articles.ingested` (an agent copying `events` there cost one more
record read per event). Partitioning by type would be just as correct (type
equality is a hard rule) and is the next step if one writer stops keeping up; partitioning
by (type, country) was rejected because events with no country may join any country's
clusters. See docs/consolidation.md for the throughput of the single writer.

The index lives in a changelog-backed Faust table, one entry per live cluster (with its
members' reports) and per retired id, keyed by cluster id: rebuilt into a `Consolidator`
whenever the group generation changes (start-up recovery, rebalance), written in the same
step as every change, deleted on expiry. `events.consolidated` is compacted: the last record
of a cluster id is its current state; a retired id gets a record naming the cluster it
merged into, then a tombstone.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import orjson
from faust.types import EventT

from workers.consolidate import ConsolidationConfig, Consolidator, RetiredCluster, Update, event_from_dict
from workers.records import Event
from workers.stream.agents import Guard, deliver, finish
from workers.stream.app import Wiring
from workers.stream.metrics import CONSOLIDATED, Metrics
from workers.stream.state import TableMirror

MERGED = "eventwire_clusters_merged_total"


class TableBackedConsolidator(TableMirror):
    """A `Consolidator` whose state is mirrored in a table (cluster id -> `Consolidator.stored()`)."""

    def __init__(self, table: MutableMapping[bytes, Any], config: ConsolidationConfig) -> None:
        super().__init__(table)
        self.config = config
        self.consolidator = Consolidator(config)

    def rebuild(self) -> None:
        self.consolidator = Consolidator.from_dict({"clusters": list(self.table.values())}, self.config)
        self._swept = self.consolidator.watermark

    def process(self, event: Event) -> Update | None:
        """`Consolidator.process`, with every changed id written to the table and expired ones deleted."""
        update = self.consolidator.process(event)
        if update is not None:
            for record in update.records:
                self.table[record.cluster_id.encode()] = self.consolidator.stored(record.cluster_id)
        if self.expiry_due(self.consolidator.watermark):
            for cluster_id in self.consolidator.expire():
                self.table.pop(cluster_id.encode(), None)
        return update


def register_consolidation(w: Wiring, metrics: Metrics, guarded: Guard) -> None:
    """Attach the consolidate agent and the cluster table to the app in `w`. A record that is
    not an event becomes a dead letter of stage "consolidate" (`guarded`)."""
    metrics.describe(MERGED, "cluster ids retired because their first report now belongs to another cluster")
    # Raw bytes: a retired id's tombstone must be a null value, which the orjson codec would encode.
    output = w.app.topic(w.names.consolidated, key_type=bytes, value_type=bytes, value_serializer="raw")
    table = w.app.Table("consolidation-clusters", partitions=1, key_type=bytes)
    state = TableBackedConsolidator(table, ConsolidationConfig.from_settings(w.settings))

    @w.app.agent(w.consolidate_input, name="consolidate")
    async def consolidate(stream):
        async for event in stream.events():

            async def work(event: EventT = event) -> None:
                state.sync(w.app.consumer_generation_id)
                try:
                    extracted = event_from_dict(orjson.loads(event.value))
                except (KeyError, TypeError, ValueError):  # orjson.JSONDecodeError is a ValueError
                    metrics.inc(CONSOLIDATED, "outcome", "invalid")
                    raise
                update = state.process(extracted)
                if update is None:
                    metrics.inc(CONSOLIDATED, "outcome", "late")
                    return
                own = update.cluster
                outcome = "again" if update.again else "new" if own is not None and own.num_events == 1 else "update"
                metrics.inc(CONSOLIDATED, "outcome", outcome)
                for record in update.records:
                    key = record.cluster_id.encode()
                    await deliver(output, key, record.to_json())
                    if isinstance(record, RetiredCluster):
                        metrics.inc(MERGED)
                        await deliver(output, key, None)

            await finish(guarded("consolidate", event, work), event)
