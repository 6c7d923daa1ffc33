"""Dedup benchmark: precision, recall, speed and memory on synthetic news with known truth.

    .venv/bin/python -m benchmarks.dedup                 # eventwire vs datasketch, default config
    .venv/bin/python -m benchmarks.dedup --sweep         # parameter sweep to choose the defaults
    .venv/bin/python -m benchmarks.dedup --articles 500 --no-baseline

The generator writes news-like stories from word lists and sentence templates kept in this
file (several topics, so many stories share a topic and its vocabulary), then makes copies
whose truth is known: exact copies with new boilerplate, retitled copies, a paragraph
dropped or added, words changed, truncations, combinations, and replays of the same id.
Hard negatives are follow-up stories on the same topic that reuse one or two background
paragraphs of an earlier story: they must not be flagged.

Reported: precision and recall of the duplicate verdicts (a true positive must also name
the right story), recall per transform, the share of replays recognized, the articles/s
of the dedup stage alone (fingerprint + check + add + expire, one core), and the index
memory per indexed article (tracemalloc). The baseline is datasketch's MinHash and
MinHashLSH over the same tokens and shingles, with the same bands, threshold and
candidate verification.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from workers.dedup import DedupConfig, DedupIndex, IndexEntry, Verdict
from workers.dedup.normalize import tokenize
from workers.records import Article

DAY = 86400.0

# --- generator ------------------------------------------------------------------------

TOPICS: dict[str, dict[str, str]] = {
    "quake": {
        "actor": "rescuers|seismologists|residents|the mayor|firefighters|the civil protection agency|engineers|volunteers",
        "verb": "searched|inspected|evacuated|reported|cleared|surveyed|reinforced|closed",
        "thing": "the rubble|collapsed houses|the old bridge|damaged schools|the main road|aftershock zones|the hospital wing|emergency shelters",
        "figure": "injured people|aftershocks|homeless families|damaged buildings|rescue teams|tents",
    },
    "election": {
        "actor": "the opposition|voters|the electoral commission|the prime minister|party officials|observers|the governing coalition|campaign staff",
        "verb": "counted|contested|announced|rejected|promised|challenged|certified|delayed",
        "thing": "the ballots|the preliminary results|a recount|the turnout figures|the coalition talks|the new budget plan|postal votes|the debate schedule",
        "figure": "polling stations|seats|registered voters|complaints|districts|candidates",
    },
    "trade": {
        "actor": "exporters|the central bank|customs officials|the trade ministry|steel makers|farm groups|analysts|importers",
        "verb": "raised|cut|suspended|negotiated|criticised|welcomed|delayed|reviewed",
        "thing": "the new tariffs|import quotas|the currency band|the shipping rules|the export licences|the trade deal|grain prices|the port fees",
        "figure": "containers|tonnes of wheat|million dollars|trucks|shipments|licences",
    },
    "flood": {
        "actor": "the weather service|farmers|river authorities|soldiers|the regional governor|aid workers|boat crews|town officials",
        "verb": "reinforced|evacuated|pumped|warned|rescued|monitored|opened|sandbagged",
        "thing": "the river banks|low-lying villages|the flood barriers|the rail line|the reservoir|flooded fields|the water supply|the storm drains",
        "figure": "millimetres of rain|evacuees|hectares|homes|villages|pumps",
    },
    "court": {
        "actor": "the judge|prosecutors|defence lawyers|the supreme court|witnesses|the jury|the appeals panel|court officials",
        "verb": "adjourned|dismissed|heard|upheld|questioned|postponed|overturned|reviewed",
        "thing": "the fraud case|the appeal|the testimony|the sentencing hearing|new evidence|the ruling|the bail request|the contract dispute",
        "figure": "witnesses|charges|documents|years in prison|hearings|defendants",
    },
    "football": {
        "actor": "the coach|the home side|supporters|the league|the club president|the referee|the captain|the visitors",
        "verb": "won|lost|appealed|signed|criticised|celebrated|suspended|defended",
        "thing": "the penalty decision|the transfer fee|the cup final|the new contract|the stadium plans|the away match|the title race|the ticket prices",
        "figure": "goals|points|fans|matches|million euros|yellow cards",
    },
}
PLACES = ("Marvello Pordena Tresca Alvina Corvado Belmora Santera Ruvigo Ostrava Kelmar Durnov Vashti "
          "Lindholm Aracena Pimbury Castrel Otterby Quinlan Halvard Serrano Mirabel Tolland").split()
PEOPLE = ("Elena Castri|Marco Dell|Ana Petrov|John Okafor|Lena Brandt|Samir Haddad|Rosa Ferreira|"
          "Tom Whitaker|Ivana Novak|Kenji Mori|Priya Nair|Omar Selim|Clara Jung|Pablo Ruiz").split("|")
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
WHEN = ("early on {day}|late on {day}|on {day} morning|on {day} evening|over the weekend|"
        "earlier this week|on {day} afternoon|overnight").split("|")
SAYS = "said|told reporters|said in a statement|told local radio|wrote on social media|confirmed".split("|")
LINKS = ("after|while|because|even though|as|before|although|since").split("|")
ADJ = ("serious|unexpected|growing|limited|major|widespread|temporary|significant|fresh|renewed").split("|")
TEMPLATES = (
    "{Actor} {verb} {thing} in {place} {when}, {person} {says}.",
    "{Person} {says} that {actor} had {verb} {thing} {link} {actor2} {verb2} {thing2}.",
    "About {n} {figure} were counted in {place} by {when2}, according to {actor}.",
    "{Actor} {verb} {thing} {when} {link} {actor2} warned of {adj} problems with {thing2}.",
    "In {place}, {actor} {verb} {thing} and {verb2} {thing2}, with {n} {figure} reported.",
    "The {adj} pressure on {actor} grew {when} as {actor2} {verb} {thing}.",
    "{Person}, who has followed the matter for years, {says} the {adj} response to {thing} was expected.",
    "Officials in {place} {says} {n} {figure} were involved and that {actor} {verb} {thing2}.",
)
TITLES = ("{Actor} {verb} {thing} in {place}|{place}: {actor} {verb} {thing}|"
          "{n} {figure} as {actor} {verb} {thing}").split("|")
BOILERPLATE_HEAD = ["By {person}", "By {person} and {person2}, Example Wire", "Updated: March {n2}, 2024 10:{n2} ET"]
BOILERPLATE_TAIL = ["Read more: {title}", "Share on Facebook", "Facebook Twitter LinkedIn Email",
                    "© 2024 Example Wire. All rights reserved.", "Reporting by {person}; Editing by {person2}",
                    "Related: {title}", "Advertisement"]
SUBSTITUTES = "officials authorities agencies leaders critics observers groups sources".split()


class Writer:
    """Synthesizes news-like paragraphs, titles and boilerplate from the word lists above."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.topics = {name: {k: v.split("|") for k, v in words.items()} for name, words in TOPICS.items()}

    def _fill(self, template: str, topic: str, **extra: str) -> str:
        r, t = self.rng, self.topics[topic]
        day = r.choice(DAYS)
        values = {
            "actor": r.choice(t["actor"]), "actor2": r.choice(t["actor"]),
            "verb": r.choice(t["verb"]), "verb2": r.choice(t["verb"]),
            "thing": r.choice(t["thing"]), "thing2": r.choice(t["thing"]),
            "figure": r.choice(t["figure"]), "place": r.choice(PLACES),
            "person": r.choice(PEOPLE), "person2": r.choice(PEOPLE), "says": r.choice(SAYS),
            "when": r.choice(WHEN).format(day=day), "when2": r.choice(WHEN).format(day=day),
            "link": r.choice(LINKS), "adj": r.choice(ADJ), "n": r.randint(2, 950), "n2": r.randint(10, 28),
        }
        values.update({k.capitalize(): str(v)[:1].upper() + str(v)[1:] for k, v in values.items()})
        return template.format(**values, **extra)

    def paragraph(self, topic: str) -> str:
        return " ".join(self._fill(self.rng.choice(TEMPLATES), topic) for _ in range(self.rng.randint(3, 5)))

    def story(self, topic: str, words: int) -> list[str]:
        paragraphs: list[str] = []
        while sum(len(p.split()) for p in paragraphs) < words:
            paragraphs.append(self.paragraph(topic))
        return paragraphs

    def title(self, topic: str) -> str:
        return self._fill(self.rng.choice(TITLES), topic)

    def boilerplate(self, choices: list[str], topic: str) -> str:
        return self._fill(self.rng.choice(choices), topic, title=self.title(topic))


@dataclass
class Item:
    """One article of the stream and what the right verdict is."""

    article: Article
    seen_at: float
    truth: str  # unique | duplicate | replay
    transform: str  # base, follow-up (...), replay, or the name of the copy transform
    original: str | None = None  # for a duplicate: the id it copies


def _change_words(r: random.Random, paragraphs: list[str], rate: float) -> list[str]:
    return [" ".join(r.choice(SUBSTITUTES) if r.random() < rate else w for w in p.split()) for p in paragraphs]


def _truncate(r: random.Random, paragraphs: list[str], low: float, high: float) -> list[str]:
    words = "\n\n".join(paragraphs).split(" ")
    return [" ".join(words[: int(len(words) * r.uniform(low, high))])]


def _drop_paragraph(r: random.Random, paragraphs: list[str]) -> list[str]:
    i = r.randrange(len(paragraphs))
    return paragraphs[:i] + paragraphs[i + 1:]


TransformFn = Callable[[Writer, str, list[str]], tuple[list[str], str | None]]


def _with_boilerplate(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    head = w.boilerplate(BOILERPLATE_HEAD, topic)
    tail = [w.boilerplate(BOILERPLATE_TAIL, topic) for _ in range(w.rng.randint(1, 3))]
    return [head] + [p.upper() if w.rng.random() < 0.3 else p for p in ps] + tail, w.title(topic)


def _combined(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    edited = _change_words(w.rng, _drop_paragraph(w.rng, ps), 0.02)
    return _with_boilerplate(w, topic, edited)[0], w.title(topic)


TRANSFORMS: dict[str, TransformFn] = {
    "exact+boilerplate": _with_boilerplate,
    "retitled": lambda w, topic, ps: (ps, w.title(topic)),
    "paragraph dropped": lambda w, topic, ps: (_drop_paragraph(w.rng, ps), None),
    "paragraph added": lambda w, topic, ps: (ps + [w.paragraph(topic)], None),
    "words changed (3%)": lambda w, topic, ps: (_change_words(w.rng, ps, 0.03), None),
    "words changed (8%)": lambda w, topic, ps: (_change_words(w.rng, ps, 0.08), None),
    "truncated (70-90%)": lambda w, topic, ps: (_truncate(w.rng, ps, 0.7, 0.9), None),
    "truncated (50-70%)": lambda w, topic, ps: (_truncate(w.rng, ps, 0.5, 0.7), None),
    "combined": _combined,
}
EXACT_TRANSFORMS = {"exact+boilerplate", "retitled"}


def make_stream(n_articles: int, words: int, seed: int) -> list[Item]:
    """`n_articles` base stories over three days, with copies, follow-ups and replays."""
    r = random.Random(seed)
    writer = Writer(r)
    items: list[Item] = []
    span = 3 * DAY
    for i in range(n_articles):
        topic = r.choice(list(TOPICS))
        paragraphs = writer.story(topic, words)
        t0 = r.uniform(0, span)
        base_id = f"s{i}"
        items.append(Item(Article(id=base_id, body="\n\n".join(paragraphs), published_at="",
                                  title=writer.title(topic)), t0, "unique", "base"))
        for j in range(r.choice((0, 0, 1, 1, 2, 3))):
            name = r.choice(list(TRANSFORMS))
            body, title = TRANSFORMS[name](writer, topic, paragraphs)
            items.append(Item(Article(id=f"{base_id}c{j}", body="\n\n".join(body), published_at="", title=title),
                              t0 + r.uniform(60, DAY), "duplicate", name, base_id))
        if r.random() < 0.2:
            # A follow-up: a new story on the same topic that reuses background paragraphs of this one.
            reused = r.choice((1, 2))
            follow = writer.story(topic, words // 2) + r.sample(paragraphs, reused)
            items.append(Item(Article(id=f"{base_id}f", body="\n\n".join(follow), published_at=""),
                              t0 + r.uniform(60, DAY), "unique", f"follow-up ({reused} paragraph{'s' if reused > 1 else ''} reused)"))
        if r.random() < 0.05:
            items.append(Item(Article(id=base_id, body="\n\n".join(paragraphs), published_at=""),
                              t0 + r.uniform(60, DAY), "replay", "replay"))
    items.sort(key=lambda it: it.seen_at)
    return items


# --- scoring --------------------------------------------------------------------------


def family(article_id: str | None) -> str | None:
    """The id of the base story of a copy or follow-up id (`s12c0` -> `s12`)."""
    return None if article_id is None else article_id.split("c")[0].split("f")[0]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    replays: int = 0
    replays_right: int = 0
    by_transform: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)

    def add(self, item: Item, kind: str, duplicate_of: str | None) -> None:
        self.totals[item.transform] += 1
        if item.truth == "replay":
            self.replays += 1
            self.replays_right += kind == "replay"
            self.by_transform[item.transform] += kind == "replay"
            return
        said_dup = kind == "duplicate"
        # Naming any copy of the same story is right: a copy that was missed before (an
        # error counted then) is indexed and may be the closest match of a later copy.
        right = said_dup == (item.truth == "duplicate") and (not said_dup or family(duplicate_of) == item.original)
        self.by_transform[item.transform] += right
        if item.truth == "duplicate":
            if right:
                self.tp += 1
            else:
                self.fn += 1
                self.fp += said_dup  # flagged, but pointing at the wrong original
        elif said_dup:
            self.fp += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


# --- runners --------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    score: Score
    seconds: float
    articles: int
    bytes_per_article: float

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def run_eventwire(items: list[Item], config: DedupConfig) -> tuple[Run, Counter[str]]:
    index = DedupIndex(config)
    score, methods = Score(), Counter[str]()
    gc.collect()
    started = time.perf_counter()
    for item in items:
        entry = index.fingerprint(item.article, seen_at=item.seen_at)
        index.expire(item.seen_at)
        verdict = index.process(entry)
        score.add(item, verdict.kind, verdict.duplicate_of)
        if verdict.kind == "duplicate":
            methods[f"{item.transform}:{verdict.method}"] += 1
    seconds = time.perf_counter() - started
    return Run("eventwire", score, seconds, len(items), _index_memory(items, config)), methods


def _index_memory(items: list[Item], config: DedupConfig) -> float:
    """Bytes held by an index of the unique articles of `items`, per indexed article."""
    index = DedupIndex(config)
    entries = [index.fingerprint(it.article, seen_at=it.seen_at) for it in items if it.truth == "unique"]
    # The entries are rebuilt from their stored form inside the trace, as after a restart,
    # so that their bytes count and nothing else of the benchmark does.
    stored = [e.to_dict() for e in entries]
    del entries
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for data in stored:
        index.add(IndexEntry.from_dict(data))
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / max(len(index), 1)


def run_datasketch(items: list[Item], config: DedupConfig) -> Run | None:
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        print("datasketch is not installed (.venv/bin/pip install datasketch==2.0.0): no baseline")
        return None
    rows = config.permutations // config.bands
    k = config.shingle_size

    def minhash(article: Article) -> MinHash:
        tokens = tokenize(article.body, config.max_chars)
        m = MinHash(num_perm=config.permutations, seed=config.seed)
        n = max(len(tokens) - k + 1, 1) if tokens else 0
        m.update_batch([b" ".join(tokens[i:i + k]) for i in range(n)])
        return m

    def index_all(subset: list[Item], score: Score | None) -> tuple[MinHashLSH, dict[str, MinHash]]:
        lsh = MinHashLSH(threshold=config.threshold, num_perm=config.permutations, params=(config.bands, rows))
        kept: dict[str, MinHash] = {}
        for item in subset:
            m = minhash(item.article)
            art_id = item.article.id
            if art_id in kept:  # datasketch has no replay notion: same id counts as a replay
                kind, of = "replay", None
            else:
                sims = [(m.jaccard(kept[c]), c) for c in lsh.query(m)]
                best = max(sims, default=(0.0, None))
                kind, of = ("duplicate", best[1]) if best[0] >= config.threshold else ("unique", None)
                if kind == "unique":
                    lsh.insert(art_id, m)
                    kept[art_id] = m
            if score is not None:
                score.add(item, kind, of)
        return lsh, kept

    score = Score()
    gc.collect()
    started = time.perf_counter()
    index_all(items, score)
    seconds = time.perf_counter() - started
    uniques = [it for it in items if it.truth == "unique"]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    lsh, kept = index_all(uniques, None)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return Run("datasketch 2.0.0", score, seconds, len(items), held / max(len(kept), 1))


def similarity_profile(items: list[Item], shingle_size: int, sample: int, seed: int) -> dict[str, list[float]]:
    """True Jaccard of shingle sets: each copy or follow-up vs its source, and random same-topic pairs."""
    def shingles(article: Article) -> set[bytes]:
        t = tokenize(article.body, DedupConfig().max_chars)
        return {b" ".join(t[i:i + shingle_size]) for i in range(max(len(t) - shingle_size + 1, 1))}

    def jaccard(a: set[bytes], b: set[bytes]) -> float:
        return len(a & b) / len(a | b) if a or b else 1.0

    bases = {it.article.id: it.article for it in items if it.transform == "base"}
    r = random.Random(seed)
    profile: dict[str, list[float]] = {}
    for it in r.sample(items, min(sample, len(items))):
        if it.original is not None:
            source = bases[it.original]
        elif it.transform.startswith("follow-up"):
            source = bases[family(it.article.id)]
        else:
            continue
        profile.setdefault(it.transform, []).append(jaccard(shingles(it.article), shingles(source)))
    ids = list(bases)
    for _ in range(sample // 4):
        a, b = bases[r.choice(ids)], bases[r.choice(ids)]
        if a.id != b.id:
            profile.setdefault("random pair of stories", []).append(jaccard(shingles(a), shingles(b)))
    return profile


# --- reports --------------------------------------------------------------------------


def s_curve(jaccard: float, bands: int, rows: int) -> float:
    """Probability that LSH makes a pair of Jaccard similarity `jaccard` a candidate."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def print_runs(runs: list[Run]) -> None:
    print("| implementation | precision | recall | articles/s | index bytes/article |")
    print("|---|---|---|---|---|")
    for run in runs:
        print(f"| {run.name} | {run.score.precision:.4f} | {run.score.recall:.4f} | "
              f"{run.rate:,.0f} | {run.bytes_per_article:,.0f} |")


def print_transforms(runs: list[Run]) -> None:
    print("| truth | count | " + " | ".join(f"{r.name} right" for r in runs) + " |")
    print("|---|---|" + "---|" * len(runs))
    for name, total in sorted(runs[0].score.totals.items()):
        cells = " | ".join(f"{r.score.by_transform[name] / total:.3f}" for r in runs)
        print(f"| {name} | {total} | {cells} |")


def print_profile(profile: dict[str, list[float]]) -> None:
    print("| pair | n | min J | median J | max J |")
    print("|---|---|---|---|---|")
    for name, values in sorted(profile.items()):
        print(f"| {name} | {len(values)} | {min(values):.2f} | {statistics.median(values):.2f} | {max(values):.2f} |")


def sweep(items: list[Item], base: DedupConfig) -> None:
    """Precision/recall/speed over shingle size, permutations/bands and threshold."""
    print("| shingle | perms | bands | rows | threshold | precision | recall | FP | FN | fingerprints/s | index ops/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k in (2, 3, 4, 5):
        # Two rows per band (64/32, 128/64) were measured too: candidates flood the
        # verification and the index runs ~10x slower for no gain in recall.
        for perms, band_choices in ((64, (16,)), (128, (16, 32))):
            cfg0 = DedupConfig(shingle_size=k, permutations=perms, bands=band_choices[0], threshold=base.threshold,
                               seed=base.seed, max_chars=base.max_chars)
            index0 = DedupIndex(cfg0)
            started = time.perf_counter()
            entries = [index0.fingerprint(it.article, seen_at=it.seen_at) for it in items]
            fp_rate = len(items) / (time.perf_counter() - started)
            for bands in band_choices:
                for threshold in (0.4, 0.45, 0.5, 0.6, 0.7):
                    cfg = DedupConfig(shingle_size=k, permutations=perms, bands=bands, threshold=threshold,
                                      seed=base.seed, max_chars=base.max_chars)
                    index = DedupIndex(cfg)
                    score = Score()
                    started = time.perf_counter()
                    for it, entry in zip(items, entries):
                        verdict: Verdict = index.process(entry)
                        score.add(it, verdict.kind, verdict.duplicate_of)
                    ops_rate = len(items) / (time.perf_counter() - started)
                    print(f"| {k} | {perms} | {bands} | {perms // bands} | {threshold} | {score.precision:.4f} | "
                          f"{score.recall:.4f} | {score.fp} | {score.fn} | {fp_rate:,.0f} | {ops_rate:,.0f} |")


def main(argv: list[str] | None = None) -> int:
    default = DedupConfig()
    p = argparse.ArgumentParser(prog="python -m benchmarks.dedup", description=__doc__.split("\n")[0])
    p.add_argument("--articles", type=int, default=3000, help="base stories (copies come on top)")
    p.add_argument("--words", type=int, default=600, help="words per base story")
    p.add_argument("--seed", type=int, default=7, help="generator seed")
    p.add_argument("--shingle", type=int, default=default.shingle_size)
    p.add_argument("--permutations", type=int, default=default.permutations)
    p.add_argument("--bands", type=int, default=default.bands)
    p.add_argument("--threshold", type=float, default=default.threshold)
    p.add_argument("--no-baseline", action="store_true", help="skip datasketch")
    p.add_argument("--sweep", action="store_true", help="sweep shingle/permutations/bands/threshold instead")
    args = p.parse_args(argv)

    config = DedupConfig(shingle_size=args.shingle, permutations=args.permutations, bands=args.bands,
                         threshold=args.threshold)
    items = make_stream(args.articles, args.words, args.seed)
    counts = Counter(it.truth for it in items)
    print(f"stream: {len(items)} articles ({dict(counts)}), {args.words} words per base story, seed {args.seed}")
    print(f"config: {config}\n")
    if args.sweep:
        sweep(items, config)
        return 0

    print("True Jaccard of shingle sets (what the threshold has to separate):\n")
    print_profile(similarity_profile(items, config.shingle_size, 2000, args.seed))
    rows = config.permutations // config.bands
    print(f"\nLSH S-curve, {config.bands} bands x {rows} rows: P(candidate | J)")
    print("  " + "  ".join(f"J={j:.1f}:{s_curve(j, config.bands, rows):.3f}" for j in np.arange(0.2, 1.0, 0.1)))

    ours, methods = run_eventwire(items, config)
    runs = [ours]
    if not args.no_baseline:
        baseline = run_datasketch(items, config)
        if baseline is not None:
            runs.append(baseline)
    print()
    print_runs(runs)
    print()
    print_transforms(runs)
    exact = sum(v for k, v in methods.items() if k.split(":")[0] in EXACT_TRANSFORMS and k.endswith(":exact"))
    exact_total = sum(ours.score.totals[t] for t in EXACT_TRANSFORMS)
    print(f"\nexact-method share on exact copies: {exact}/{exact_total}; "
          f"replays recognized: {ours.score.replays_right}/{ours.score.replays}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
