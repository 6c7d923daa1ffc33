"""Measuring `find_dates` (and a general-purpose date parser as a baseline) on gold TIMEX3.

Input: JSON lines with `text`, `published_at` and `gold.timexes` (the `../shared/dev/`
format). Scored gold = DATE timexes whose value is one of our four formats (YYYY-MM-DD,
YYYY-Www, YYYY-MM, YYYY). For each system and corpus:

- span recall: scored gold overlapped by a prediction (one-to-one, greedy in text order);
- span precision: matched predictions / (matched + false positives). A prediction that
  overlaps no gold timex, or only DURATION/SET ones, is a false positive; one that overlaps
  only a DATE/TIME whose value we cannot express ("PRESENT_REF", "1998-WXX", a time of day)
  is neutral and left out;
- value accuracy on matched pairs (exact value) and precision-field accuracy on matched
  pairs; `end_to_end` = gold with a matched prediction of the right value / gold.

MEANTIME annotates only the title and the first sentences of each article (here: title,
dateline and five sentences), so predictions after that are left out of its precision
(`out_of_scope`); recall is unaffected.

Run: `python -m workers.evaluate.dates FILE.jsonl [FILE.jsonl ...] [--no-baseline]
[--errors N]`. The baseline needs the `dateparser` package (the `bench` extra); without it
only our figures are given.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from workers.extract.dates import find_dates
from workers.records import parse_timestamp

_FORMATS = (
    (re.compile(r"\d{4}-\d\d-\d\d"), "day"),
    (re.compile(r"\d{4}-W\d\d"), "week"),
    (re.compile(r"\d{4}-\d\d"), "month"),
    (re.compile(r"\d{4}"), "year"),
    # quarters, halves and seasons fix no month: precision "year" (docs/dates.md)
    (re.compile(r"\d{4}-(?:Q[1-4]|H[12]|SP|SU|FA|WI)"), "year"),
)
_DATE_PREFIX = re.compile(r"\d{4}-\d\d-\d\d")
# Corpora annotated only at the top of each document: how many lines/sentences.
_ANNOTATED_SEGMENTS = {"meantime-en": 7}
_SEGMENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"`'])|\n")


def annotated_end(text: str, corpus: str) -> int:
    """Where a corpus's annotation of `text` stops (the whole text for most corpora)."""
    segments = _ANNOTATED_SEGMENTS.get(corpus)
    if segments is None:
        return len(text)
    ends = [m.end() for m in _SEGMENT_END.finditer(text)]
    return ends[segments - 1] if len(ends) >= segments else len(text)


def value_precision(value: str) -> str | None:
    """'day', 'week', 'month' or 'year' for a value in one of our formats, else None
    (quarters, halves and seasons: 'year')."""
    for pattern, precision in _FORMATS:
        if pattern.fullmatch(value):
            return precision
    return None


@dataclass(slots=True)
class Prediction:
    start: int
    end: int
    value: str
    precision: str
    text: str


System = Callable[[str, datetime], list[Prediction]]


def ours(text: str, published_at: datetime) -> list[Prediction]:
    return [Prediction(e.start, e.end, e.value, e.precision, e.text) for e in find_dates(text, published_at)]


def dateparser_system() -> System | None:
    """dateparser's `search_dates`, anchored at publication, preferring the past; None if absent.

    `search_dates` gives substrings and datetimes but no offsets nor granularity: offsets are
    found by searching forward in the text, granularity from dateparser's own `period`.
    """
    try:
        from dateparser import DateDataParser
        from dateparser.search import search_dates
    except ImportError:
        return None

    def run(text: str, published_at: datetime) -> list[Prediction]:
        base = published_at.replace(tzinfo=None)
        settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
        found = search_dates(text, languages=["en"], settings=settings) or []
        periods = DateDataParser(languages=["en"], settings=settings)
        predictions, cursor = [], 0
        for substring, when in found:
            start = text.find(substring, cursor)
            if start < 0:
                continue
            cursor = start + len(substring)
            period = periods.get_date_data(substring).period or "day"
            day = when.date()
            if period == "year":
                value, precision = f"{day.year:04d}", "year"
            elif period == "month":
                value, precision = f"{day.year:04d}-{day.month:02d}", "month"
            elif period == "week":
                iso = day.isocalendar()
                value, precision = f"{iso.year:04d}-W{iso.week:02d}", "week"
            else:
                value, precision = day.isoformat(), "day"
            predictions.append(Prediction(start, cursor, value, precision, substring))
        return predictions

    return run


@dataclass(slots=True)
class Tally:
    gold: int = 0
    matched: int = 0
    false_positives: int = 0
    neutral: int = 0
    out_of_scope: int = 0
    value_correct: int = 0
    precision_correct: int = 0
    seconds: float = 0.0
    characters: int = 0
    errors: list[str] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        return {
            "gold": self.gold,
            "matched": self.matched,
            "false_positives": self.false_positives,
            "neutral": self.neutral,
            "out_of_scope": self.out_of_scope,
            "span_recall": ratio(self.matched, self.gold),
            "span_precision": ratio(self.matched, self.matched + self.false_positives),
            "value_accuracy": ratio(self.value_correct, self.matched),
            "precision_field_accuracy": ratio(self.precision_correct, self.matched),
            "end_to_end": ratio(self.value_correct, self.gold),
            "kb_per_second": round(self.characters / 1000 / self.seconds, 1) if self.seconds else 0.0,
        }


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 50) : start] + "[[" + text[start:end] + "]]" + text[end : end + 30]


def _score_document(
    row: dict[str, Any], corpus: str, predictions: list[Prediction], tally: Tally, keep_errors: bool
) -> None:
    text = row["text"]
    scope_end = annotated_end(text, corpus)
    timexes = row["gold"]["timexes"]
    scored = [t for t in timexes if t["type"] == "DATE" and value_precision(t["value"])]
    # Gold we cannot express but that is still a date: predicting it is not an error.
    expressible_elsewhere = [
        t
        for t in timexes
        if t not in scored and (t["type"] == "DATE" or (t["type"] == "TIME" and _DATE_PREFIX.match(t["value"])))
    ]
    tally.gold += len(scored)
    unused = list(predictions)
    for gold in sorted(scored, key=lambda t: t["start"]):
        match = next((p for p in unused if _overlaps(p.start, p.end, gold["start"], gold["end"])), None)
        if match is None:
            if keep_errors:
                tally.errors.append(f"MISS  {gold['value']:<12} {_context(text, gold['start'], gold['end'])!r}")
            continue
        unused.remove(match)
        tally.matched += 1
        if match.value == gold["value"]:
            tally.value_correct += 1
        elif keep_errors:
            tally.errors.append(
                f"VALUE {match.value} != {gold['value']:<12} {_context(text, match.start, match.end)!r}"
            )
        if match.precision == value_precision(gold["value"]):
            tally.precision_correct += 1
    for prediction in unused:
        if prediction.start >= scope_end:
            tally.out_of_scope += 1
        elif any(
            _overlaps(prediction.start, prediction.end, t["start"], t["end"]) for t in expressible_elsewhere + scored
        ):
            tally.neutral += 1
        else:
            tally.false_positives += 1
            if keep_errors:
                tally.errors.append(
                    f"FP    {prediction.value:<12} {_context(text, prediction.start, prediction.end)!r}"
                )


def _documents(path: Path) -> Iterator[tuple[dict[str, Any], datetime]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                if row.get("published_at"):
                    yield row, parse_timestamp(row["published_at"])


def evaluate_dates(path: Path, *, baseline: bool = True, errors: int = 0) -> dict[str, Any]:
    """Figures for one corpus file: {"corpus", "documents", "systems": {name: figures}}.

    With `errors` > 0, each system's figures also carry up to that many error lines (misses,
    wrong values, false positives) under "errors", for finding failure classes.
    """
    systems: dict[str, System] = {"eventwire": ours}
    if baseline and (parser := dateparser_system()) is not None:
        systems["dateparser"] = parser
    tallies = {name: Tally() for name in systems}
    corpus, documents = path.stem, 0
    for row, published_at in _documents(path):
        corpus = row.get("corpus") or corpus
        documents += 1
        for name, system in systems.items():
            started = time.perf_counter()
            predictions = system(row["text"], published_at)
            tallies[name].seconds += time.perf_counter() - started
            tallies[name].characters += len(row["text"])
            _score_document(row, corpus, predictions, tallies[name], keep_errors=errors > 0)
    result: dict[str, Any] = {"corpus": corpus, "documents": documents, "systems": {}}
    for name, tally in tallies.items():
        figures = tally.report()
        if errors:
            figures["errors"] = tally.errors[:errors]
            figures["error_kinds"] = dict(Counter(e.split()[0] for e in tally.errors))
        result["systems"][name] = figures
    return result


_COLUMNS = (
    "gold",
    "span_recall",
    "span_precision",
    "value_accuracy",
    "precision_field_accuracy",
    "end_to_end",
    "false_positives",
    "neutral",
    "out_of_scope",
    "kb_per_second",
)


def format_report(results: list[dict[str, Any]]) -> str:
    """A plain-text table: one row per corpus and system."""
    header = ["corpus", "docs", "system", *_COLUMNS]
    rows = [header]
    for result in results:
        for name, figures in result["systems"].items():
            rows.append([result["corpus"], str(result["documents"]), name, *(str(figures[c]) for c in _COLUMNS)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="gold JSON-lines files")
    parser.add_argument("--no-baseline", action="store_true", help="skip dateparser")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="print up to N error lines per system and corpus"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    present = [p for p in args.paths if p.is_file()]
    for missing in sorted(set(args.paths) - set(present)):
        print(f"skipping {missing}: file not found", file=sys.stderr)
    if not present:
        print("no gold files found: nothing to evaluate", file=sys.stderr)
        return 0
    results = [evaluate_dates(p, baseline=not args.no_baseline, errors=args.errors) for p in present]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    if not args.no_baseline and not any("dateparser" in r["systems"] for r in results):
        print("(dateparser is not installed: baseline skipped)", file=sys.stderr)
    print(f"run at {date.today().isoformat()}")
    print(format_report(results))
    for result in results:
        for name, figures in result["systems"].items():
            if figures.get("errors"):
                print(f"\n== {result['corpus']} / {name}: {figures['error_kinds']}")
                print("\n".join(figures["errors"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
