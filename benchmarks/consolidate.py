"""Consolidation benchmark: events/s of the single writer and how many clusters it keeps live.

    .venv/bin/python -m benchmarks.consolidate                      # 40 days, 1,000 attacks a day
    .venv/bin/python -m benchmarks.consolidate --days 10 --per-day 500

Synthetic attacks in time order: each real-world happening (a random city of a random country
on a random day) is reported by one to four articles over the next two days; a share of the
reports give only the month ("in May"), as late round-ups do. Every event goes through
`Consolidator.process` with expiry swept every 60 s of event time, as the stream agent does.
Reported: events/s (one core, the pure stage only), the most live clusters, and the clusters
formed against the happenings generated (a sanity check, not a quality figure: the quality
figures come from `eventwire evaluate consolidation`).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

from workers.consolidate import ConsolidationConfig, Consolidator
from workers.records import Event, EventDate, EventLocation, Span

EXPIRE_EVERY = 60.0  # seconds of event time, as in workers/stream/consolidate.py
SUBTYPES = ["bombing", "armed_assault", "shelling", "airstrike"]


def synthetic_events(days: int, per_day: int, month_share: float, seed: int) -> list[Event]:
    rng = random.Random(seed)
    countries = [f"C{i:02d}" for i in range(20)]
    cities = [(rng.choice(countries), f"City {i}", rng.uniform(-40, 60), rng.uniform(-100, 140)) for i in range(400)]
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    events: list[tuple[datetime, Event]] = []
    happenings = days * per_day // 2  # about two reports per happening
    for h in range(happenings):
        country, city, lat, lon = rng.choice(cities)
        when = start + timedelta(seconds=rng.uniform(0, days * 86400))
        subtype = rng.choice(SUBTYPES)
        for r in range(rng.randint(1, 3)):
            published = when + timedelta(hours=rng.uniform(1, 48))
            month = rng.random() < month_share
            date = EventDate(when.strftime("%Y-%m") if month else when.strftime("%Y-%m-%d"),
                             "month" if month else "day", None, "text")
            location = EventLocation(city, city, country, None, lat, lon, None, "city")
            events.append((published, Event(
                event_id=f"e{h}-{r}", article_id=f"a{h}-{r}", source=f"src{rng.randint(0, 30)}", url=None,
                published_at=published.isoformat(), type="attack", subtype=subtype, codes={},
                trigger=Span("attack", 0, 6), evidence=Span("attack", 0, 6), actors=[], location=location,
                date=date, confidence=0.9)))
    events.sort(key=lambda pair: pair[0])
    return [event for _, event in events]


def run(events: list[Event]) -> tuple[float, int, int]:
    consolidator = Consolidator(ConsolidationConfig())
    swept, most, clusters = float("-inf"), 0, set()
    started = time.perf_counter()
    for event in events:
        record = consolidator.process(event)
        if record is not None:
            clusters.add(record.cluster_id)
        if consolidator.watermark - swept > EXPIRE_EVERY:
            consolidator.expire()
            swept = consolidator.watermark
            most = max(most, len(consolidator))
    elapsed = time.perf_counter() - started
    return len(events) / elapsed, most, len(clusters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--per-day", type=int, default=1000, help="events a day")
    parser.add_argument("--month-share", type=float, default=0.05, help="share of month-only reports")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    events = synthetic_events(args.days, args.per_day, args.month_share, args.seed)
    rate, most, clusters = run(events)
    print(f"{len(events):,} events over {args.days} days: {rate:,.0f} events/s, "
          f"at most {most:,} live clusters, {clusters:,} clusters formed")


if __name__ == "__main__":
    main()
