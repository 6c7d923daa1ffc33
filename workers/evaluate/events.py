"""Evaluation of event extraction: per-type precision/recall/F1, location and date accuracy,
and throughput with and without sentence selection.

Input files (JSON lines) are recognised by shape:
- eventwire dev set (`eval/devset.jsonl`): articles with `gold.events[]` = {type, subtype,
  trigger, evidence: [substrings of the body], date {value, precision}, location
  {country_code, lat, lon}}. A prediction matches a gold event when the types agree and
  its evidence sentence overlaps one of the gold evidence strings.
- PLOVER sentences (`../shared/dev/plover.dev.jsonl`): `text` with `gold.events[].type`;
  scored per sentence on the set of types (gold "other" only counts against predictions),
  twice: with the file's own category-to-type mapping, and with the mapping our codes
  table implies (`plover_types`: FIGHT and ASSAULT accept attack or operation, COERCE only
  its arrest/deport/restrict/confiscate modes, SUPPORT/DEMAND/ACCUSE/REJECT/THREATEN a
  statement).
- a single article JSON (`../shared/samples/*.json`): no gold; its events are listed.
- real-news gold (`eval/realnews/*.gold.jsonl`): our own annotation of real articles whose
  text is not in the repo (it is not ours): per article {id, text_sha256, events[]} with the
  trigger and evidence as [start, end] offsets of the body. The bodies are read from the
  JSON lines files in `--texts` (default `../realnews`, rebuilt by `scripts/realnews.py`);
  a body whose sha256 differs from the gold's is an error. Skipped when absent.

Every set is reported with its kind: own dev, own held-out (synthetic or real news), or
public dev (`../shared`). Held-out sets are scored only with `--heldout`, without their
error lists, so that they stay held out.

Usage: `python -m workers.evaluate.events eval/devset.jsonl [more files] [--no-shared]
[--no-speed]`. Without --no-shared, the PLOVER file and the shared sample article are
added when `../shared` exists, and skipped cleanly when it does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workers.consolidate.match import date_interval
from workers.extract.codes import code_table
from workers.extract.nlp import load_nlp
from workers.extract.pipeline import Extractor
from workers.geo import distance_km
from workers.records import Article, Event, EventDate

if TYPE_CHECKING:
    from spacy.language import Language

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
REALNEWS = REPO.parent / "realnews"
TYPES = ("attack", "statement", "operation", "arrest", "protest")  # the types our gold annotates
WITHIN_KM = 161.0
PLACEHOLDER_PUBLISHED = "2000-01-01T12:00:00Z"  # PLOVER sentences carry no date


def _read(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def annotated_body(gold: dict[str, Any], bodies: dict[str, dict[str, Any]], where: str) -> dict[str, Any] | None:
    """The record in `bodies` that `gold` annotates, None when it is not there; raises
    ValueError when its body is not the annotated one (sha256 of the text)."""
    found = bodies.get(gold["id"])
    if found is not None and hashlib.sha256(found["body"].encode("utf-8")).hexdigest() != gold["text_sha256"]:
        raise ValueError(f"{where}: the text of {gold['id']} is not the annotated one")
    return found


def read_realnews(gold_path: Path, texts: Path) -> tuple[list[dict[str, Any]], int]:
    """Dev-set records (body + gold with evidence strings) from a real-news gold file and the
    bodies in `texts`, and how many gold articles have no body there; raises ValueError when
    a body differs from the annotated one."""
    bodies: dict[str, dict[str, Any]] = {}
    for path in sorted(texts.glob("*.jsonl")):
        for record in _read(path):
            bodies[record["id"]] = record
    out = []
    golds = _read(gold_path)
    for gold in golds:
        found = annotated_body(gold, bodies, f"{gold_path.name} in {texts}")
        if found is None:
            continue
        body = found["body"]
        events = [
            {**e, "trigger": body[slice(*e["trigger"])], "evidence": [body[start:end] for start, end in e["evidence"]]}
            for e in gold["events"]
        ]
        out.append({**found, "gold": {"events": events}})
    return out, len(golds) - len(out)


def set_kind(path: Path) -> str:
    """'own dev', 'own held-out' or 'public dev', with the text kind."""
    if SHARED.resolve() in path.resolve().parents:  # ../shared may be a link
        return "public dev, real news"
    held = "heldout" in path.name
    real = path.name.endswith(".gold.jsonl")
    return f"own {'held-out' if held else 'dev'}, {'real news' if real else 'written by us'}"


def article_of(record: dict[str, Any]) -> Article:
    """The article of a gold record: a news record (`body`, `published_at`, …) or a PLOVER
    sentence (`text`, a placeholder publication time when it has none)."""
    if "body" in record:
        return Article(
            id=record["id"],
            body=record["body"],
            published_at=record["published_at"],
            url=record.get("url"),
            source=record.get("source"),
            title=record.get("title"),
        )
    return Article(
        id=record["id"], body=record["text"], published_at=record.get("published_at") or PLACEHOLDER_PUBLISHED
    )


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def _spans(body: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    out = []
    for needle in needles:
        start = body.find(needle)
        while start >= 0:
            out.append((start, start + len(needle)))
            start = body.find(needle, start + 1)
    return out


def _macro_f1(per_type: dict[str, dict[str, float | int]]) -> float:
    """Mean F1 over the five event types (a type with no gold and no prediction counts 0)."""
    return round(sum(float(per_type[t]["f1"]) for t in TYPES) / len(TYPES), 3)


def _gold_types(per_type: dict[str, dict[str, float | int]]) -> list[str]:
    """The event types a set has gold events of, in table order."""
    return [t for t in TYPES if int(per_type[t]["tp"]) + int(per_type[t]["fn"]) > 0]


def _accuracy(hits: int, total: int) -> dict[str, float | int]:
    return {"accuracy": round(hits / total, 3) if total else 0.0, "n": total}


def score_devset(records: list[dict[str, Any]], predictions: list[list[Event]]) -> dict[str, Any]:
    """Per-type P/R/F1 and attribute accuracies of predictions against dev-set gold."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    attrs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: list[str] = []
    for record, events in zip(records, predictions):
        unmatched = list(events)
        for gold in record["gold"]["events"]:
            spans = _spans(record["body"], gold["evidence"])
            candidates = [
                e
                for e in unmatched
                if e.type == gold["type"]
                and any(e.evidence.start < end and start < e.evidence.end for start, end in spans)
            ]
            if not candidates:
                counts[gold["type"]][2] += 1
                errors.append(f"FN {record['id']} {gold['type']}/{gold['subtype']} '{gold['trigger']}'")
                continue
            event = max(
                candidates,
                key=lambda e: (
                    gold["trigger"].lower() in e.trigger.text.lower()
                    or e.trigger.text.lower() in gold["trigger"].lower(),
                    e.subtype == gold["subtype"],
                    e.confidence,
                ),
            )
            unmatched.remove(event)
            counts[gold["type"]][0] += 1
            _score_attributes(record["id"], gold, event, attrs, errors)
        for event in unmatched:
            counts[event.type][1] += 1
            errors.append(f"FP {record['id']} {event.type}/{event.subtype} '{event.trigger.text}' ({event.confidence})")
    per_type = {t: _prf(*counts[t]) for t in sorted(set(TYPES) | set(counts))}
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {
        "articles": len(records),
        "per_type": per_type,
        "micro": _prf(*total),
        "macro_f1": _macro_f1(per_type),
        "location_country": _accuracy(*attrs["country"]),
        "location_161km": _accuracy(*attrs["km"]),
        "date_value": _accuracy(*attrs["date"]),
        "date_precision": _accuracy(*attrs["precision"]),
        "date_within": _accuracy(*attrs["date_within"]),
        "subtype": _accuracy(*attrs["subtype"]),
        "errors": errors,
    }


def _score_attributes(
    article_id: str, gold: dict[str, Any], event: Event, attrs: dict[str, list[int]], errors: list[str]
) -> None:
    def tally(name: str, ok: bool, detail: str) -> None:
        attrs[name][0] += ok
        attrs[name][1] += 1
        if not ok:
            errors.append(f"{name} {article_id} {gold['type']} '{gold['trigger']}': {detail}")

    tally("subtype", event.subtype == gold["subtype"], f"{event.subtype} != {gold['subtype']}")
    where = gold.get("location") or {}
    loc = event.location
    if where.get("country_code"):
        tally(
            "country",
            loc is not None and loc.country_code == where["country_code"],
            f"{loc and loc.country_code} != {where['country_code']}",
        )
    if where.get("lat") is not None:
        near = (
            loc is not None
            and loc.lat is not None
            and loc.lon is not None
            and distance_km((loc.lat, loc.lon), (where["lat"], where["lon"])) <= WITHIN_KM
        )
        tally("km", near, f"{loc and loc.name} not within {WITHIN_KM:.0f} km")
    when = gold.get("date")
    if when:
        tally("date", event.date.value == when["value"], f"{event.date.value} != {when['value']}")
        tally("precision", event.date.precision == when["precision"], f"{event.date.precision} != {when['precision']}")
        # The gold may give a week or a month where the text leaves the day open: a date
        # inside the gold's days is right at the precision the gold can vouch for.
        found = date_interval(event.date, 0)
        gold_days = date_interval(EventDate(when["value"], when["precision"], None, "text"), 0)
        tally(
            "date_within",
            gold_days[0] <= found[0] and found[1] <= gold_days[1],
            f"{event.date.value} not within {when['value']}",
        )


# The PLOVER gold records use the 2018 category names; our codes table the 2021 ones.
PLOVER_RENAMED = {"FIGHT": "ASSAULT", "DISAPPROVE": "ACCUSE"}
PLOVER_MODE_ALIASES = {"detain": "arrest"}


def plover_types(type_raw: str | None) -> tuple[str, ...]:
    """Our event types whose codes (`data/event_codes.tsv`) claim a PLOVER category/mode,
    main one first: the rows with that mode, then the rows giving the category with no
    mode (which claim any of its modes). Empty for categories we do not type (AGREE, AID,
    COERCE/censor...). Old FIGHT without a matching mode (conventional force) counts an
    operation first."""
    category, _, mode = (type_raw or "").partition("/")
    fight = category == "FIGHT"
    category = PLOVER_RENAMED.get(category, category)
    mode = PLOVER_MODE_ALIASES.get(mode, mode)
    exact, unspecified = [], []
    for code in code_table().values():
        row_category, _, row_mode = code.plover.partition("/")
        if row_category != category:
            continue
        if mode and row_mode == mode:
            exact.append(code.type)
        elif not row_mode or not mode:
            unspecified.append(code.type)
    out = list(dict.fromkeys(exact + unspecified))
    if fight and not exact and "operation" in out:
        out.remove("operation")
        out.insert(0, "operation")
    return tuple(out)


def score_sentences(
    records: list[dict[str, Any]], predictions: list[list[Event]], *, codes_mapping: bool = False
) -> dict[str, Any]:
    """Per-type P/R/F1 at sentence level: the set of predicted types against the gold types.

    With `codes_mapping`, a gold event accepts every type `plover_types` gives for its raw
    PLOVER category (a predicted type is right when some gold event accepts it; a gold
    event none of whose types was predicted is missed under its main type); otherwise the
    file's own `type` field is the one accepted type ("other" only counts against us)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    errors = []
    for record, events in zip(records, predictions):
        raw = ",".join(e.get("type_raw") or "" for e in record["gold"]["events"])
        accepted = [
            plover_types(e.get("type_raw")) if codes_mapping else (() if e["type"] == "other" else (e["type"],))
            for e in record["gold"]["events"]
        ]
        predicted = {e.type for e in events}
        gold_any = {t for types in accepted for t in types}
        for t in sorted(predicted):
            counts[t][0 if t in gold_any else 1] += 1
            if t not in gold_any:
                errors.append(f"FP {record['id']} {t} (gold {raw}): {record['text'][:90]}")
        for types in accepted:
            if types and not set(types) & predicted:
                counts[types[0]][2] += 1
                errors.append(f"FN {record['id']} {types[0]} (gold {raw}): {record['text'][:90]}")
    per_type = {t: _prf(*counts[t]) for t in sorted(set(TYPES) | set(counts))}
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {
        "sentences": len(records),
        "per_type": per_type,
        "micro": _prf(*total),
        "macro_f1": _macro_f1(per_type),
        "errors": errors,
    }


def describe(events: list[Event]) -> list[str]:
    out = []
    for e in events:
        loc = e.location
        where = f"{loc.name} ({loc.country_code}, {loc.precision})" if loc else "-"
        out.append(
            f"{e.type}/{e.subtype} '{e.trigger.text}' date={e.date.value}/{e.date.precision}"
            f"/{e.date.source} loc={where} conf={e.confidence}"
        )
    return out


def throughput(articles: list[Article], extractor: Extractor, repeat: int = 1) -> dict[str, float]:
    """Articles per second and words per second of `annotate_many` (after a warm-up)."""
    list(extractor.annotate_many(articles[:2]))
    words = sum(len(a.body.split()) for a in articles) * repeat
    start = time.perf_counter()
    for _ in range(repeat):
        for _ in extractor.annotate_many(articles):
            pass
    seconds = time.perf_counter() - start
    return {
        "articles_per_s": round(len(articles) * repeat / seconds, 2),
        "words_per_s": round(words / seconds),
        "seconds": round(seconds, 2),
    }


def parse_only(articles: list[Article], nlp: Language) -> dict[str, float]:
    """The reference cost: `nlp.pipe` over every body, nothing else."""
    bodies = [a.body for a in articles]
    list(nlp.pipe(bodies[:2]))
    start = time.perf_counter()
    for _ in nlp.pipe(bodies, batch_size=32):
        pass
    seconds = time.perf_counter() - start
    words = sum(len(b.split()) for b in bodies)
    return {
        "articles_per_s": round(len(bodies) / seconds, 2),
        "words_per_s": round(words / seconds),
        "seconds": round(seconds, 2),
    }


def speed_comparison(
    articles: list[Article], selected: Extractor, everything: Extractor, rounds: int = 3
) -> dict[str, Any]:
    """(a) the stock spaCy pipeline over every body, (b) the extractor with sentence
    selection, (c) the extractor parsing every sentence; `rounds` interleaved runs each (the
    machine is shared, so the modes alternate), the best of each kept, and b/a, c/a."""
    stock = load_nlp(fast=False)
    runs: dict[str, list[dict[str, float]]] = defaultdict(list)
    for _ in range(rounds):
        runs["a_nlp_pipe_stock"].append(parse_only(articles, stock))
        runs["b_selected"].append(throughput(articles, selected))
        runs["c_all_sentences"].append(throughput(articles, everything))
    best = {k: max(v, key=lambda r: r["articles_per_s"]) for k, v in runs.items()}
    base = best["a_nlp_pipe_stock"]["articles_per_s"]
    return {
        **best,
        "ratio_b_a": round(best["b_selected"]["articles_per_s"] / base, 2),
        "ratio_c_a": round(best["c_all_sentences"]["articles_per_s"] / base, 2),
        "all_runs": {k: [r["articles_per_s"] for r in v] for k, v in runs.items()},
    }


def evaluate_events(
    paths: Iterable[str | Path],
    *,
    select_sentences: bool = True,
    extractor: Extractor | None = None,
    texts: Path | None = None,
) -> dict[str, Any]:
    """Scores for every file in `paths`, keyed by "file name (kind)"; real-news gold files
    read their bodies from `texts`."""
    extractor = extractor or Extractor(select_sentences=select_sentences)
    results: dict[str, Any] = {}
    for path in map(Path, paths):
        kind = set_kind(path)
        name = f"{path.name} ({kind})"
        if path.name.endswith(".gold.jsonl"):
            folder = texts or REALNEWS
            records, missing = read_realnews(path, folder)
            if not records:
                results[name] = {
                    "skipped": f"no article texts in {folder} (rebuild them with scripts/realnews.py, "
                    "see docs/extraction.md, or give --texts)"
                }
                continue
            if missing:
                total = len(records) + missing
                name = f"{path.name} ({kind}; {len(records)} of {total} articles, {missing} without text in {folder})"
        else:
            records = _read(path)
        predictions = [a.events for a in extractor.annotate_many(article_of(r) for r in records)]
        if "gold" not in records[0]:
            results[name] = {"events": describe(predictions[0])}
        elif "body" in records[0]:
            results[name] = score_devset(records, predictions)
        else:
            results[name] = score_sentences(records, predictions)
            results[f"{path.name} ({kind}, codes-table mapping)"] = score_sentences(
                records, predictions, codes_mapping=True
            )
    return results


def default_files(heldout: bool) -> list[Path]:
    """Our own sets: the dev sets, and the held-out sets with `heldout`."""
    names = ["devset.jsonl", "conflict.jsonl", "realnews/dev.gold.jsonl"]
    if heldout:
        names += ["heldout.jsonl", "heldout2.jsonl", "heldout-conflict.jsonl", "realnews/heldout.gold.jsonl"]
    return [p for p in (REPO / "eval" / n for n in names) if p.is_file()]


def shared_files() -> list[Path]:
    """The shared real-text files used when ../shared is present."""
    if not SHARED.is_dir():
        return []
    return sorted(p for p in [SHARED / "dev" / "plover.dev.jsonl", *SHARED.glob("samples/*.json")] if p.is_file())


def speed_corpus(limit: int = 80) -> tuple[str, list[Article]]:
    """Real multi-paragraph news for timing (TempEval-3 articles when shared), else the dev set."""
    tempeval = SHARED / "dev" / "tempeval3-train.dev.jsonl"
    path = tempeval if tempeval.is_file() else REPO / "eval" / "devset.jsonl"
    return path.name, [article_of(r) for r in _read(path)[:limit]]


def _print_table(name: str, result: dict[str, Any], show_errors: bool) -> None:
    print(f"\n== {name}")
    if "skipped" in result:
        print(f"  not scored: {result['skipped']}")
        return
    if "events" in result:
        print("\n".join("  " + line for line in result["events"]))
        return
    print(f"  {'type':<10} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    for t, s in [*result["per_type"].items(), ("micro", result["micro"])]:
        print(
            f"  {t:<10} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}  "
            f"{s['tp']:>3} {s['fp']:>3} {s['fn']:>3}"
        )
    print(f"  macro F1 over the five types {result['macro_f1']:.3f}")
    present = _gold_types(result["per_type"])
    if len(present) < len(TYPES):  # a set of one kind of report: "short conflict reports" have no statements
        mean = sum(float(result["per_type"][t]["f1"]) for t in present) / max(len(present), 1)
        print(f"  macro F1 over the types of its gold ({'/'.join(present)}) {mean:.3f}")
    for key in ("location_country", "location_161km", "date_value", "date_precision", "date_within", "subtype"):
        if key in result:
            print(f"  {key:<18} {result[key]['accuracy']:.3f} (n={result[key]['n']})")
    if show_errors:
        print("\n".join("    " + e for e in result["errors"]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="files to score (default: our dev sets, see --heldout)")
    parser.add_argument(
        "--heldout",
        action="store_true",
        help="also score our held-out sets (figures only: their errors are not listed)",
    )
    parser.add_argument(
        "--texts",
        type=Path,
        default=REALNEWS,
        help="folder with the bodies of the real-news gold (default: ../realnews)",
    )
    parser.add_argument("--no-shared", action="store_true", help="do not add ../shared files")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput runs")
    parser.add_argument("--all-sentences", action="store_true", help="parse every sentence")
    parser.add_argument("--errors", action="store_true", help="list every error (not for held-out sets)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    own = [Path(p) for p in args.paths] or default_files(args.heldout)
    paths = own + ([] if args.no_shared else shared_files())
    selected = Extractor(select_sentences=not args.all_sentences)
    results = evaluate_events(paths, extractor=selected, texts=args.texts)
    if not args.no_speed:
        name, articles = speed_corpus()
        everything = Extractor(select_sentences=False)
        results["throughput"] = {
            "corpus": f"{name} ({len(articles)} articles, {sum(len(a.body.split()) for a in articles)} words)",
            **speed_comparison(articles, selected if not args.all_sentences else Extractor(), everything),
        }
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for name, result in results.items():
        if name == "throughput":
            print(f"\n== throughput on {result['corpus']} (best of {len(result['all_runs']['b_selected'])} runs)")
            for key in ("a_nlp_pipe_stock", "b_selected", "c_all_sentences"):
                r = result[key]
                print(
                    f"  {key:<19} {r['articles_per_s']:>7} articles/s {r['words_per_s']:>7} words/s"
                    f"   runs {result['all_runs'][key]}"
                )
            print(f"  b/a {result['ratio_b_a']}   c/a {result['ratio_c_a']}")
        else:
            _print_table(name, result, args.errors and "held-out" not in name)


if __name__ == "__main__":
    main()
