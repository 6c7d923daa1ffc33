"""Evaluation of the geocoder on gold toponym files (GeoVirus-style JSON lines).

Each line: `{"id", "text", "gold": {"toponyms": [{"text", "start", "end", "lat", "lon"}]}}`;
a file without coordinates (`lat`, `lon`: the GUM mentions `scripts/gum_places.py` builds)
scores finding the mentions only, and one with a `genre` per line also reports recall by genre.
A prediction matches a gold toponym when their spans overlap (one-to-one, in text order).
Reported three ways: the places `eventwire extract` returns (the extractor over each passage as
an article: only the sentences it selects are parsed), and the geocoder alone over the whole
passage with and without the spaCy parse:
- precision / recall / F1 of the spans;
- accuracy@161km: matched pairs whose predicted point lies within 161 km (100 miles) of gold;
- country accuracy: matched pairs whose predicted country is the country of the gold point
  (the country of the gazetteer place nearest to the gold coordinates).

    python -m workers.evaluate.places ../shared/dev/geovirus.dev.jsonl ../realnews/gum-places.jsonl [--errors N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from workers.extract.places import Geocoder
from workers.geo import distance_km
from workers.records import Place

ACCURACY_KM = 161.0
_GUM_HINT = (
    " (build it: python scripts/gum_places.py <git dir of amir-zeldes/gum> ../realnews/gum-places.jsonl"
    " --exclude ../realnews/heldout.jsonl; docs/places.md)"
)


class _CountryOfPoint:
    """The country of the gazetteer place (town, admin1 or country point) nearest to a point."""

    def __init__(self, geo: Geocoder) -> None:
        located = [e for e in geo.gaz.entries if e.country_code and e.lat is not None and e.lon is not None]
        self.points = _unit_vectors(np.array([e.lat for e in located]), np.array([e.lon for e in located]))
        self.codes = [e.country_code or "" for e in located]

    def __call__(self, lat: float, lon: float) -> str:
        # The nearest point on the sphere is the one whose unit vector is most aligned.
        return self.codes[int(np.argmax(self.points @ _unit_vectors(np.array([lat]), np.array([lon]))[0]))]


def _unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lats), np.radians(lons)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)


def _match(pred: list[Place], gold: list[dict[str, Any]]) -> list[tuple[Place, dict[str, Any]]]:
    pairs, used = [], set()
    for g in gold:
        for k, p in enumerate(pred):
            if k not in used and p.start < g["end"] and g["start"] < p.end:
                pairs.append((p, g))
                used.add(k)
                break
    return pairs


def _score(docs: list[dict[str, Any]], predictions: list[list[Place]], country_of: _CountryOfPoint) -> dict[str, Any]:
    n_gold = n_pred = n_match = n_located = near = same_country = 0
    by_genre: dict[str, list[int]] = {}  # genre -> [gold, matched]
    missed: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    far: Counter[str] = Counter()
    by_precision: dict[str, list[int]] = {}  # predicted precision -> [matched, within 161 km]
    for doc, pred in zip(docs, predictions):
        gold = doc["gold"]["toponyms"]
        pairs = _match(pred, gold)
        n_gold, n_pred, n_match = n_gold + len(gold), n_pred + len(pred), n_match + len(pairs)
        matched_gold = {id(g) for _, g in pairs}
        matched_pred = {id(p) for p, _ in pairs}
        missed.update(g["text"] for g in gold if id(g) not in matched_gold)
        spurious.update(p.text for p in pred if id(p) not in matched_pred)
        if "genre" in doc:
            tally = by_genre.setdefault(doc["genre"], [0, 0])
            tally[0] += len(gold)
            tally[1] += len(pairs)
        for p, g in pairs:
            if g.get("lat") is None or g.get("lon") is None:
                continue
            n_located += 1
            ok = (
                p.lat is not None
                and p.lon is not None
                and distance_km((g["lat"], g["lon"]), (p.lat, p.lon)) <= ACCURACY_KM
            )
            near += ok
            tally = by_precision.setdefault(p.precision, [0, 0])
            tally[0] += 1
            tally[1] += ok
            if not ok:
                far[f"{g['text']} -> {p.name} ({p.country_code}, {p.precision})"] += 1
            same_country += p.country_code == country_of(g["lat"], g["lon"])
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "matched": n_match,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "located": n_located,
        "accuracy_161km": near / n_located if n_located else 0.0,
        "country_accuracy": same_country / n_located if n_located else 0.0,
        "recall_by_genre": {k: (n, found / n if n else 0.0) for k, (n, found) in sorted(by_genre.items())},
        "accuracy_161km_by_precision": {k: (n, ok / n) for k, (n, ok) in sorted(by_precision.items())},
        "missed": missed,
        "spurious": spurious,
        "far": far,
    }


def evaluate_places(path: Path, *, with_parse: bool = True) -> dict[str, Any]:
    """Scores of `Geocoder.default()` on the gold file at `path` (see the module docstring).

    With `with_parse`, the text is parsed with the project's spaCy pipeline first; the result
    also holds the scores without the parse under "without_parse", and those of the places
    the extractor returns under "extractor".
    """
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    geo = Geocoder.default()
    country_of = _CountryOfPoint(geo)
    started = time.perf_counter()
    plain = [geo.resolve(d["text"]) for d in docs]
    plain_seconds = time.perf_counter() - started
    result = _score(docs, plain, country_of)
    result["seconds_per_doc"] = plain_seconds / max(len(docs), 1)
    if not with_parse:
        return result
    from workers.extract.nlp import load_nlp

    nlp = load_nlp()
    parsed = [geo.resolve(d["text"], doc) for d, doc in zip(docs, nlp.pipe(d["text"] for d in docs))]
    with_doc = _score(docs, parsed, country_of)
    with_doc["without_parse"] = result
    from workers.extract.pipeline import Extractor
    from workers.records import Article

    articles = [
        Article(id=d["id"], body=d["text"], published_at=d.get("published_at") or "2000-01-01T12:00:00Z") for d in docs
    ]
    extractor = Extractor(nlp=nlp, geocoder=geo)
    started = time.perf_counter()
    extracted = [a.places for a in extractor.annotate_many(articles)]
    with_doc["extractor"] = _score(docs, extracted, country_of)
    with_doc["extractor"]["seconds_per_doc"] = (time.perf_counter() - started) / max(len(docs), 1)
    return with_doc


def _report(name: str, r: dict[str, Any], errors: int) -> None:
    print(f"{name}: gold {r['gold']}, predicted {r['predicted']}, matched {r['matched']}")
    print(f"  precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}")
    if r["recall_by_genre"]:
        print(
            "  recall by genre: " + ", ".join(f"{k} {rec:.3f} (n={n})" for k, (n, rec) in r["recall_by_genre"].items())
        )
    if r["located"]:
        print(f"  accuracy@161km {r['accuracy_161km']:.3f}  country accuracy {r['country_accuracy']:.3f}")
        print(
            "  accuracy@161km by predicted precision: "
            + ", ".join(f"{k} {acc:.3f} (n={n})" for k, (n, acc) in r["accuracy_161km_by_precision"].items())
        )
    else:
        print("  (no gold coordinates: resolution not scored)")
    if errors:
        for label in ("missed", "spurious", "far") if r["located"] else ("missed", "spurious"):
            print(f"  {label}: " + "; ".join(f"{k} x{v}" for k, v in r[label].most_common(errors)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eventwire evaluate places", description=__doc__.split("\n")[0])
    parser.add_argument(
        "paths",
        type=Path,
        nargs="+",
        help="gold toponym files, JSON lines (default: ../shared/dev/geovirus.dev.jsonl and ../realnews/gum-places.jsonl)",
    )
    parser.add_argument("--errors", type=int, default=0, help="show the N commonest errors of each kind")
    parser.add_argument("--no-parse", action="store_true", help="skip the spaCy parse")
    args = parser.parse_args(argv)
    present = [p for p in args.paths if p.is_file()]
    for missing in args.paths:
        if missing not in present:
            hint = _GUM_HINT if missing.name == "gum-places.jsonl" else ""
            print(f"skipping {missing}: file not found{hint}", file=sys.stderr)
    if not present:
        print("no gold files found: nothing to evaluate", file=sys.stderr)
    for path in present:
        _evaluate(path, args.errors, with_parse=not args.no_parse)
    return 0


def _evaluate(path: Path, errors: int, *, with_parse: bool) -> None:
    result = evaluate_places(path, with_parse=with_parse)
    print(f"corpus {path.name}")
    if "extractor" in result:
        _report("through the extractor (eventwire extract)", result["extractor"], errors)
        print(f"  {result['extractor']['seconds_per_doc'] * 1000:.1f} ms per passage (whole extractor)")
    if "without_parse" in result:
        _report("geocoder with spaCy parse of the whole passage", result, errors)
        result = result["without_parse"]
    _report("geocoder, gazetteer only (no parse)", result, errors)
    print(f"  {result['seconds_per_doc'] * 1000:.1f} ms per passage (no parse)")


if __name__ == "__main__":
    sys.exit(main())
