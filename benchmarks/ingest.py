"""Ingest validation alone: records/s of `workers.ingest.validate.validate` on ~5 KB articles.

    .venv/bin/python -m benchmarks.ingest                    # ~1 min: 20,000 records, 3 rounds, profile
    .venv/bin/python -m benchmarks.ingest --quick            # ~15 s: 5,000 records, 1 round
    .venv/bin/python -m benchmarks.ingest --size 20000 --json benchmarks/results/ingest.json

Pure Python, no Kafka: the records are JSON article payloads as producers send them
(id, url, source, title, published_at, language and a body of sentences from the sample
articles and the dev set, `harness.make_corpus`), `--size` bytes each. Timed in one
process on one thread: records per wall second and per CPU second (the per-core figure,
less disturbed by other jobs on a shared machine), best of `--rounds`. Also timed: what
the ingest agent does beyond `validate` for each record (`to_dict()` and the orjson
encoding of the outgoing value). Then a cProfile run shows where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections.abc import Callable
from typing import Any

import orjson

from benchmarks.harness import MACHINE_NOTE, make_corpus, print_table, write_json
from workers.ingest.validate import RecordMeta, validate
from workers.records import Article
from workers.settings import Settings

TARGET_PER_CORE = 20_000


def payloads(count: int, size: int, seed: int) -> list[bytes]:
    """`count` distinct article records of about `size` bytes (whole sentences, cut under `size`)."""
    corpus = make_corpus(64, seed)
    text = " ".join(r["body"].replace("\n\n", " ") for r in corpus)
    out = []
    for i in range(count):
        record = {**corpus[i % len(corpus)], "id": f"ingest-{i:07d}", "url": f"https://bench.example/ingest/{i}"}
        room = size - len(orjson.dumps({**record, "body": ""}))
        start = (i * 997) % (len(text) - room)
        body = text[start : start + room]
        record["body"] = body[: body.rfind(". ") + 1] or body
        out.append(orjson.dumps(record))
    return out


def rate(records: list[bytes], work: Callable[[bytes], Any]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for raw in records:
        work(raw)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "records_per_s": round(len(records) / wall),
        "records_per_cpu_s": round(len(records) / cpu),
        "us_per_record_cpu": round(cpu / len(records) * 1e6, 1),
    }


def profile(records: list[bytes], work: Callable[[bytes], Any], rows: int) -> str:
    """cProfile of `work` over `records`: functions by cumulative time, then by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for raw in records:
        work(raw)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(rows)
    stats.sort_stats("tottime").print_stats(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ingest", description=__doc__.split("\n")[0])
    p.add_argument("--records", type=int, default=20_000)
    p.add_argument("--size", type=int, default=5_000, help="bytes per record")
    p.add_argument("--rounds", type=int, default=3, help="timed rounds (best kept)")
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--profile-rows", type=int, default=14, help="rows of each profile listing (0: no profile)")
    p.add_argument("--quick", action="store_true", help="5,000 records, 1 round")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.records, args.rounds = 5_000, 1
    print(MACHINE_NOTE)

    settings = Settings.from_env()
    meta = RecordMeta(topic="articles", partition=0, offset=0, timestamp_ms=int(time.time() * 1000))
    records = payloads(args.records, args.size, args.seed)
    outcomes = [validate(raw, meta, settings) for raw in records[:100]]
    assert all(isinstance(o, Article) for o in outcomes), "benchmark records must be valid articles"
    sizes = sorted(map(len, records))
    print(f"{len(records)} records, {sizes[0]}-{sizes[-1]} bytes (median {sizes[len(sizes) // 2]})")

    def validate_only(raw: bytes) -> Any:
        return validate(raw, meta, settings)

    def ingest_agent_work(raw: bytes) -> Any:
        return orjson.dumps(validate(raw, meta, settings).to_dict())  # type: ignore[union-attr]

    modes = {"validate": validate_only, "validate + to_dict + orjson (agent's pure work)": ingest_agent_work}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in modes}
    for _ in range(args.rounds):
        for name, work in modes.items():
            runs[name].append(rate(records, work))
    best = {name: max(r, key=lambda x: x["records_per_cpu_s"]) for name, r in runs.items()}
    print()
    print_table(
        ["what", "records/s (wall)", "records/CPU-s (one core)", "µs/record (CPU)", "target/core"],
        [
            (name, r["records_per_s"], r["records_per_cpu_s"], r["us_per_record_cpu"], TARGET_PER_CORE)
            for name, r in best.items()
        ],
    )
    met = best["validate"]["records_per_cpu_s"] >= TARGET_PER_CORE
    print(f"validate: {'meets' if met else 'misses'} the target of {TARGET_PER_CORE:,} records/s per core")
    results: dict[str, Any] = {
        "records": len(records),
        "bytes": {"min": sizes[0], "max": sizes[-1]},
        "best": best,
        "runs": runs,
        "target_per_core": TARGET_PER_CORE,
    }
    if args.profile_rows:
        listing = profile(records[:5_000], validate_only, args.profile_rows)
        print("\ncProfile of validate over 5,000 records (profiling overhead inflates small calls):")
        print(listing)
        results["profile"] = listing
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
