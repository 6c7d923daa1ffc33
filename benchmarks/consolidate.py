"""Consolidation benchmark: events/s of the single writer, live clusters, state memory, in time order and shuffled.

    .venv/bin/python -m benchmarks.consolidate                      # 40 days, 1,000 attacks a day
    .venv/bin/python -m benchmarks.consolidate --days 10 --per-day 500

Synthetic attacks: each real-world happening (a random city of a random country on a random
day) is reported by one to three articles over the next two days; a share of the reports give
only the month ("in May"), as late round-ups do. Every event goes through
`Consolidator.process` with expiry swept every 60 s of event time, as the stream agent does,
in four orders: by publication time; shuffled within each day (partitions and crawlers
interleaving); shuffled over the whole run (a backfill in no order); and newest first.
Reported per order: events/s (one core, the pure stage only), late events, the most live
clusters, the clusters formed, whether they are the clusters of the time-ordered run (for the
orders in which nothing is late), and the peak memory the stage allocated (tracemalloc, in a
second pass so that tracing does not slow the timed one). The clusters formed against the
happenings generated are a sanity check, not a quality figure: the quality figures come from
`eventwire evaluate consolidation`.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from workers.consolidate import ConsolidationConfig, Consolidator, RetiredCluster
from workers.records import Event, EventDate, EventLocation, Span

EXPIRE_EVERY = 60.0  # seconds of event time, as in workers/stream/consolidate.py
SUBTYPES = ["bombing", "armed_assault", "shelling", "airstrike"]


def synthetic_events(days: int, per_day: int, month_share: float, seed: int) -> list[Event]:
    """The events in publication order."""
    rng = random.Random(seed)
    countries = [f"C{i:02d}" for i in range(20)]
    cities = [(rng.choice(countries), f"City {i}", rng.uniform(-40, 60), rng.uniform(-100, 140)) for i in range(400)]
    start = datetime(2026, 5, 1, tzinfo=UTC)
    events: list[tuple[datetime, Event]] = []
    happenings = days * per_day // 2  # about two reports per happening
    for h in range(happenings):
        country, city, lat, lon = rng.choice(cities)
        when = start + timedelta(seconds=rng.uniform(0, days * 86400))
        subtype = rng.choice(SUBTYPES)
        for r in range(rng.randint(1, 3)):
            published = when + timedelta(hours=rng.uniform(1, 48))
            month = rng.random() < month_share
            date = EventDate(
                when.strftime("%Y-%m") if month else when.strftime("%Y-%m-%d"),
                "month" if month else "day",
                None,
                "text",
            )
            location = EventLocation(city, city, country, None, lat, lon, None, "city")
            events.append(
                (
                    published,
                    Event(
                        event_id=f"e{h}-{r}",
                        article_id=f"a{h}-{r}",
                        source=f"src{rng.randint(0, 30)}",
                        url=None,
                        published_at=published.isoformat(),
                        type="attack",
                        subtype=subtype,
                        codes={},
                        trigger=Span("attack", 0, 6),
                        evidence=Span("attack", 0, 6),
                        actors=[],
                        location=location,
                        date=date,
                        confidence=0.9,
                    ),
                )
            )
    events.sort(key=lambda pair: pair[0])
    return [event for _, event in events]


def orders(events: list[Event], seed: int) -> dict[str, list[Event]]:
    rng = random.Random(seed)
    by_day: dict[str, list[Event]] = {}
    for event in events:
        by_day.setdefault(event.published_at[:10], []).append(event)
    within_day = []
    for day in sorted(by_day):
        rng.shuffle(by_day[day])
        within_day.extend(by_day[day])
    shuffled = events[:]
    rng.shuffle(shuffled)
    return {
        "time order": events,
        "shuffled within a day": within_day,
        "shuffled": shuffled,
        "newest first": events[::-1],
    }


def run(events: list[Event], config: ConsolidationConfig) -> tuple[float, int, int, dict[str, frozenset[str]]]:
    """(events/s, late events, most live clusters, the final clusters by id)."""
    consolidator = Consolidator(config)
    swept, most, late = float("-inf"), 0, 0
    table: dict[str, frozenset[str]] = {}
    started = time.perf_counter()
    for event in events:
        update = consolidator.process(event)
        if update is None:
            late += 1
        else:
            for record in update.records:
                if isinstance(record, RetiredCluster):
                    table.pop(record.cluster_id, None)
                else:
                    table[record.cluster_id] = frozenset(record.event_ids)
        if consolidator.watermark - swept > EXPIRE_EVERY:
            consolidator.expire()
            swept = consolidator.watermark
            most = max(most, len(consolidator))
    elapsed = time.perf_counter() - started
    most = max(most, len(consolidator))
    return len(events) / elapsed, late, most, table


def peak_memory(events: list[Event], config: ConsolidationConfig) -> int:
    """Bytes allocated at most while consolidating `events` (the state and the records made)."""
    consolidator = Consolidator(config)
    swept = float("-inf")
    tracemalloc.start()
    try:
        for event in events:
            consolidator.process(event)
            if consolidator.watermark - swept > EXPIRE_EVERY:
                consolidator.expire()
                swept = consolidator.watermark
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--per-day", type=int, default=1000, help="events a day")
    parser.add_argument("--month-share", type=float, default=0.05, help="share of month-only reports")
    parser.add_argument("--lateness", type=float, default=30.0, help="EVENTWIRE_CONSOLIDATION_LATENESS in days")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = ConsolidationConfig(lateness_days=args.lateness)
    events = synthetic_events(args.days, args.per_day, args.month_share, args.seed)
    print(f"{len(events):,} events over {args.days} days, lateness {args.lateness:g} days")
    reference: dict[str, frozenset[str]] | None = None
    for name, ordered in orders(events, args.seed).items():
        rate, late, most, table = run(ordered, config)
        if reference is None:
            reference = table
        same = (
            "same clusters as time order"
            if table == reference
            else "other clusters (late events left out)"
            if late
            else "OTHER CLUSTERS"
        )
        memory = peak_memory(ordered, config)
        print(
            f"  {name:<22} {rate:>7,.0f} events/s  {late:>6,} late  at most {most:>6,} live clusters  "
            f"{len(table):>6,} clusters  peak {memory / 2**20:6.1f} MiB  {same}"
        )


if __name__ == "__main__":
    main()
