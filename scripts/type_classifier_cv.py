"""Does a learned sentence classifier beat the typing rules on text it was not trained on?

The experiment behind the decision in docs/extraction.md ("A learned classifier, measured").
Units are the segments of our real-news dev articles and own dev set (labels: the types of the
gold events whose evidence overlaps the segment) and the PLOVER sentences of ../shared (labels:
the file's types, "other" dropped). A spaCy `textcat_multilabel` (bag of words and bigrams,
the CPU text classifier spaCy ships) is trained on the text, optionally with the rules'
findings as extra tokens ("RULE_attack", "RULE_statement_condemnation", "SRC_minister"), and
compared at unit level with the rules alone, with rules kept only where the classifier agrees
(AND), and with the union (OR); the classifier's threshold is the one of 0.1/0.2/0.3/0.5 that
gives the union its best score on the test units themselves (an optimistic bound):

- train real-news dev + own dev, test on the PLOVER half;
- train PLOVER + own dev, test on real-news dev;
- 5-fold cross-validation by article within real-news dev (own dev and PLOVER always in training).

    .venv/bin/python scripts/type_classifier_cv.py [--epochs 12] [--seed 0]

Held-out sets are never read. Unit-level macro F1 over the five types (a type with no gold and
no prediction counts 0, as in `eventwire evaluate events`).
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict
from typing import Any

import spacy
from spacy.training import Example
from spacy.util import minibatch

from workers.evaluate import events as ev
from workers.extract.pipeline import Extractor
from workers.extract.text import clean, segment, segment_text

TYPES = ev.TYPES
THRESHOLDS = (0.1, 0.2, 0.3, 0.5)
WORD = re.compile(r"[a-z]+")


def units(records: list[dict[str, Any]], plover: bool, ex: Extractor) -> list[dict[str, Any]]:
    """One unit per segment (per record for PLOVER): text, gold types, rule findings, article."""
    out = []
    for record, ann in zip(records, ex.annotate_many(ev._article(r) for r in records)):
        body = ev._article(record).body
        gold = record["gold"]["events"]
        if plover:
            spans = [(0, len(body), body)]
        else:
            text = clean(body)
            spans = [(*text.to_original(s.start, s.end), segment_text(text.text, s)) for s in segment(text.text)]
        for start, end, text_ in spans:
            if plover:
                labels = {g["type"] for g in gold if g["type"] in TYPES}
            else:
                labels = {
                    g["type"] for g in gold if any(start < e1 and e0 < end for e0, e1 in ev._spans(body, g["evidence"]))
                }
            found = [e for e in ann.events if start <= e.evidence.start < end]
            out.append(
                {
                    "doc": record["id"],
                    "text": text_,
                    "labels": labels,
                    "rules": {e.type for e in found},
                    "rule_tokens": " ".join(
                        [f"RULE_{e.type} RULE_{e.type}_{e.subtype}" for e in found]
                        + [
                            f"SRC_{w}"
                            for e in found
                            for a in e.actors
                            if a.role == "source"
                            for w in WORD.findall(a.text.lower())
                        ]
                    ),
                }
            )
    return out


def train(data: list[dict[str, Any]], with_rules: bool, epochs: int, seed: int) -> spacy.Language:
    nlp = spacy.blank("en")
    cat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
            }
        },
    )
    for t in TYPES:
        cat.add_label(t)
    examples = [
        Example.from_dict(nlp.make_doc(_text(u, with_rules)), {"cats": {t: float(t in u["labels"]) for t in TYPES}})
        for u in data
    ]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer)
    return nlp


def _text(u: dict[str, Any], with_rules: bool) -> str:
    return f"{u['text']} {u['rule_tokens']}" if with_rules else u["text"]


def predict(nlp: spacy.Language, data: list[dict[str, Any]], with_rules: bool) -> list[dict[str, float]]:
    return [doc.cats for doc in nlp.pipe(_text(u, with_rules) for u in data)]


def above(scores: list[dict[str, float]], threshold: float) -> list[set[str]]:
    return [{t for t, p in cats.items() if p >= threshold} for cats in scores]


def macro(data: list[dict[str, Any]], predicted: list[set[str]]) -> tuple[float, dict[str, float]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for u, pred in zip(data, predicted):
        for t in TYPES:
            if t in pred:
                counts[t][0 if t in u["labels"] else 1] += 1
            elif t in u["labels"]:
                counts[t][2] += 1
    f1 = {t: float(ev._prf(*counts[t])["f1"]) for t in TYPES}
    return sum(f1.values()) / len(TYPES), f1


def compare(
    name: str,
    train_set: list[dict[str, Any]],
    test_set: list[dict[str, Any]],
    epochs: int,
    seed: int,
    folds: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] | None = None,
) -> None:
    folds = folds or [(train_set, test_set)]
    rules = [u["rules"] for _, test in folds for u in test]
    ordered = [u for _, test in folds for u in test]
    print(f"\n== {name} ({len(ordered)} units)")
    rows = {"rules": rules}
    for with_rules in (False, True):
        scores: list[dict[str, float]] = []
        for tr, te in folds:
            scores.extend(predict(train(tr, with_rules, epochs, seed), te, with_rules))
        tag = "words+rules" if with_rules else "words"
        # The threshold is chosen on the test units themselves: an optimistic bound.
        best = max(THRESHOLDS, key=lambda t: macro(ordered, [r | c for r, c in zip(rules, above(scores, t))])[0])
        clf = above(scores, best)
        rows[f"classifier ({tag}, >= {best})"] = clf
        rows[f"rules AND classifier ({tag})"] = [r & c for r, c in zip(rules, clf)]
        rows[f"rules OR classifier ({tag})"] = [r | c for r, c in zip(rules, clf)]
    for label, predicted in rows.items():
        m, f1 = macro(ordered, predicted)
        print(f"  {label:<42} macro F1 {m:.3f}   " + "  ".join(f"{t} {f1[t]:.2f}" for t in TYPES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    ex = Extractor()
    realnews = units(ev.read_realnews(ev.REPO / "eval" / "realnews" / "dev.gold.jsonl", ev.REALNEWS)[0], False, ex)
    own = units(ev._read(ev.REPO / "eval" / "devset.jsonl"), False, ex)
    plover = units(ev._read(ev.SHARED / "dev" / "plover.dev.jsonl"), True, ex)
    for name, data in (("real-news dev", realnews), ("own dev", own), ("PLOVER", plover)):
        print(f"{name}: {len(data)} units, {sum(bool(u['labels']) for u in data)} with a gold type")
    compare("train real-news dev + own dev, test PLOVER", realnews + own, plover, args.epochs, args.seed)
    compare("train PLOVER + own dev, test real-news dev", plover + own, realnews, args.epochs, args.seed)
    docs = sorted({u["doc"] for u in realnews})
    random.Random(args.seed).shuffle(docs)
    folds = []
    for k in range(5):
        held = set(docs[k::5])
        folds.append(
            ([u for u in realnews if u["doc"] not in held] + own + plover, [u for u in realnews if u["doc"] in held])
        )
    compare(
        "5-fold by article within real-news dev (+ own dev + PLOVER in training)", [], [], args.epochs, args.seed, folds
    )


if __name__ == "__main__":
    main()
