"""Evaluation of consolidation: pairwise precision and recall of clusters against gold clusters.

Input (`eval/consolidation.jsonl`): articles with `gold.events[]` = {cluster, type, subtype,
trigger and evidence (substrings of the body), date {value, precision}, location {name,
country_code, admin1, lat, lon, precision}}. Gold events with the same `cluster` are one real-world event.

Two figures:
- end to end (the headline): the articles go through `Extractor`, every extracted event goes
  through `Consolidator` in publication order, and an extracted event stands for the gold
  event of its article with the same type whose evidence its evidence sentence overlaps
  (preferring the one whose trigger overlaps the gold trigger).
  A gold pair is found when both gold events are extracted and land in one cluster; a
  predicted pair is right when its two gold events share a gold cluster. Extracted events
  that stand for no gold event take part in consolidation but in no pair.
- gold events: the gold events themselves, as events, through `Consolidator`: the errors
  left are the consolidator's own.

Real multi-outlet reporting (`eval/consolidation-realnews.jsonl`, `--split dev|heldout`): our
annotation of real WikiNews articles whose text is not in the repo: per article {id, happening,
split, text_sha256}; the bodies come from `--texts` (default `../realnews/multi.jsonl`, rebuilt by
`scripts/realnews.py`), a body whose sha256 differs is an error. Two documents are predicted to
report one happening when an event of one and an event of the other end in one cluster; the
figure is pairwise precision and recall over document pairs.

Usage: `python -m workers.evaluate.consolidation eval/consolidation.jsonl [--errors]`,
`python -m workers.evaluate.consolidation eval/consolidation-realnews.jsonl --split dev [--errors]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

from workers.consolidate import ConsolidationConfig, Consolidator, consolidate, current
from workers.evaluate.events import annotated_body, article_of
from workers.extract.codes import codes_for
from workers.extract.pipeline import Extractor
from workers.records import Event, EventDate, EventLocation, Span

GoldKey = tuple[str, int]  # (article id, index in gold.events)
REALNEWS = Path(__file__).resolve().parents[3] / "realnews" / "multi.jsonl"


def read_records(path: Path) -> list[dict[str, Any]]:
    """The articles of the evaluation file, in publication order (the order a stream sees them)."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(records, key=lambda r: (r["published_at"], r["id"]))


def gold_clusters(records: list[dict[str, Any]]) -> dict[GoldKey, str]:
    return {(r["id"], i): g["cluster"] for r in records for i, g in enumerate(r["gold"]["events"])}


def gold_as_event(record: dict[str, Any], index: int) -> Event:
    """A gold event as the extractor would ideally have produced it."""
    gold = record["gold"]["events"][index]
    start = record["body"].index(gold["evidence"])
    span = Span(gold["evidence"], start, start + len(gold["evidence"]))
    loc = gold["location"]
    return Event(
        event_id=f"{record['id']}#{index}",
        article_id=record["id"],
        source=record.get("source"),
        url=record.get("url"),
        published_at=record["published_at"],
        type=gold["type"],
        subtype=gold["subtype"],
        codes=codes_for(gold["type"], gold["subtype"]),
        trigger=span,
        evidence=span,
        actors=[],
        location=EventLocation(
            loc["name"], loc["name"], loc["country_code"], loc["admin1"], loc["lat"], loc["lon"], None, loc["precision"]
        )
        if loc
        else None,
        date=EventDate(gold["date"]["value"], gold["date"]["precision"], None, "text"),
        confidence=1.0,
    )


def match_gold(record: dict[str, Any], events: list[Event]) -> dict[str, GoldKey]:
    """Extracted event id -> the gold event it stands for (each taken once).

    An extracted event stands for a gold event of its type whose evidence its evidence
    sentence overlaps; one whose trigger overlaps the gold trigger is preferred, as a
    sentence may tell of two happenings.
    """
    candidates = []
    for event in events:
        for i, gold in enumerate(record["gold"]["events"]):
            start = record["body"].index(gold["evidence"])
            end = start + len(gold["evidence"])
            if gold["type"] != event.type or not (event.evidence.start < end and start < event.evidence.end):
                continue
            t_start = start + gold["evidence"].index(gold["trigger"])
            on_trigger = event.trigger.start < t_start + len(gold["trigger"]) and t_start < event.trigger.end
            candidates.append((not on_trigger, event.trigger.start, event.event_id, i))
    taken: set[int] = set()
    out: dict[str, GoldKey] = {}
    for _, _, event_id, i in sorted(candidates):
        if i not in taken and event_id not in out:
            taken.add(i)
            out[event_id] = (record["id"], i)
    return out


def final_clusters(events: Iterable[Event], config: ConsolidationConfig) -> dict[str, str]:
    """Event id -> the id of the cluster it ends in."""
    latest = current(consolidate(events, consolidator=Consolidator(config)))
    return {event_id: r.cluster_id for r in latest.values() for event_id in r.event_ids}


def _pair_scores(predicted: set[frozenset[Any]], gold: set[frozenset[Any]]) -> dict[str, Any]:
    """Precision, recall and F1 of predicted pairs against gold pairs (1.0 for an empty side)."""
    tp = len(predicted & gold)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(gold) if gold else 1.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "pairs": {"gold": len(gold), "predicted": len(predicted), "correct": tp},
    }


def pairwise(predicted: dict[GoldKey, str], gold: dict[GoldKey, str]) -> dict[str, Any]:
    """Pairwise precision/recall: `predicted` maps the gold events found to their predicted cluster."""
    gold_pairs = {frozenset(p) for p in combinations(sorted(gold), 2) if gold[p[0]] == gold[p[1]]}
    found = sorted(predicted)
    predicted_pairs = {frozenset(p) for p in combinations(found, 2) if predicted[p[0]] == predicted[p[1]]}
    return {
        **_pair_scores(predicted_pairs, gold_pairs),
        "wrong_pairs": sorted(sorted(f"{a}#{i}" for a, i in p) for p in predicted_pairs - gold_pairs),
        "missed_pairs": sorted(sorted(f"{a}#{i}" for a, i in p) for p in gold_pairs - predicted_pairs),
    }


def end_to_end(records: list[dict[str, Any]], extractor: Extractor, config: ConsolidationConfig) -> dict[str, Any]:
    events: list[Event] = []
    stands_for: dict[str, GoldKey] = {}
    for record, annotated in zip(records, extractor.annotate_many(article_of(r) for r in records)):
        events.extend(annotated.events)
        stands_for.update(match_gold(record, annotated.events))
    cluster_of = final_clusters(events, config)
    gold = gold_clusters(records)
    result = pairwise({key: cluster_of[eid] for eid, key in stands_for.items()}, gold)
    result["events"] = {
        "gold": len(gold),
        "extracted": len(events),
        "matched": len(stands_for),
        "clusters": len(set(cluster_of.values())),
    }
    return result


def from_gold(records: list[dict[str, Any]], config: ConsolidationConfig) -> dict[str, Any]:
    gold = gold_clusters(records)
    events = [gold_as_event(r, i) for r in records for i in range(len(r["gold"]["events"]))]
    cluster_of = final_clusters(events, config)
    return pairwise({(e.article_id, int(e.event_id.rsplit("#", 1)[1])): cluster_of[e.event_id] for e in events}, gold)


def read_documents(gold_path: Path, texts: Path, split: str) -> list[dict[str, Any]]:
    """The articles of one split of a document-level gold file, with their bodies from `texts`;
    raises ValueError when a body is missing or is not the annotated one."""
    bodies = {
        r["id"]: r
        for r in (json.loads(line) for line in texts.read_text(encoding="utf-8").splitlines() if line.strip())
    }
    out = []
    for gold in (json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()):
        if gold["split"] != split:
            continue
        record = annotated_body(gold, bodies, f"{gold_path.name} in {texts}")
        if record is None:
            raise ValueError(f"{gold_path.name}: no text for {gold['id']} in {texts}")
        out.append({**record, "happening": gold["happening"]})
    return sorted(out, key=lambda r: (r["published_at"], r["id"]))


def document_pairs(records: list[dict[str, Any]], extractor: Extractor, config: ConsolidationConfig) -> dict[str, Any]:
    """Pairwise precision/recall over documents: predicted together when two of their events share a cluster."""
    events = [e for a in extractor.annotate_many(article_of(r) for r in records) for e in a.events]
    cluster_of = final_clusters(events, config)
    docs_of: dict[str, set[str]] = {}
    for event in events:
        if event.event_id in cluster_of:  # not late
            docs_of.setdefault(cluster_of[event.event_id], set()).add(event.article_id)
    predicted = {frozenset(p) for docs in docs_of.values() for p in combinations(sorted(docs), 2)}
    gold = {frozenset((a["id"], b["id"])) for a, b in combinations(records, 2) if a["happening"] == b["happening"]}
    return {
        **_pair_scores(predicted, gold),
        "events": {
            "documents": len(records),
            "extracted": len(events),
            "late": len(events) - len(cluster_of),
            "clusters": len(set(cluster_of.values())),
        },
        "wrong_pairs": sorted(sorted(p) for p in predicted - gold),
        "missed_pairs": sorted(sorted(p) for p in gold - predicted),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="eval/consolidation.jsonl")
    parser.add_argument("--errors", action="store_true", help="list the wrong and the missed pairs")
    parser.add_argument(
        "--split", choices=("dev", "heldout"), help="a document-level gold file (real news): the split to score"
    )
    parser.add_argument("--texts", type=Path, default=REALNEWS, help="JSON lines with the bodies of the real news")
    args = parser.parse_args(argv)
    config = ConsolidationConfig()
    if args.split:
        if not args.texts.exists():
            print(
                f"no article texts at {args.texts} (rebuild them with scripts/realnews.py, or give --texts); "
                "nothing to evaluate",
                file=sys.stderr,
            )
            return 0
        records = read_documents(Path(args.path), args.texts, args.split)
        results = {f"documents ({args.split})": document_pairs(records, Extractor(), config)}
    else:
        records = read_records(Path(args.path))
        results = {"end_to_end": end_to_end(records, Extractor(), config), "gold_events": from_gold(records, config)}
    for name, result in results.items():
        print(
            f"{name:<11} precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
            f"f1 {result['f1']:.3f}  pairs {result['pairs']}"
            + (f"  events {result['events']}" if "events" in result else "")
        )
        if args.errors:
            for kind in ("wrong_pairs", "missed_pairs"):
                for pair in result[kind]:
                    print(f"  {kind[:-6]:<6} {' + '.join(pair)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
