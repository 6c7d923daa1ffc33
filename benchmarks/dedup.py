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
of the dedup stage alone on one core (fingerprint + check + add + expire) and of its two
parts: the fingerprint, which the worker makes in the ingest agent over every partition,
and the rest, which the dedup agent (one partition, the one writer of the index) does; and
the index memory per indexed article (tracemalloc). The baseline is datasketch's MinHash and
MinHashLSH over the same tokens and shingles, with the same bands, threshold and
candidate verification.
"""

from __future__ import annotations

import argparse
import gc
import html
import json
import random
import re
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

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
PLACES = (
    "Marvello Pordena Tresca Alvina Corvado Belmora Santera Ruvigo Ostrava Kelmar Durnov Vashti "
    "Lindholm Aracena Pimbury Castrel Otterby Quinlan Halvard Serrano Mirabel Tolland"
).split()
PEOPLE = (
    "Elena Castri|Marco Dell|Ana Petrov|John Okafor|Lena Brandt|Samir Haddad|Rosa Ferreira|"
    "Tom Whitaker|Ivana Novak|Kenji Mori|Priya Nair|Omar Selim|Clara Jung|Pablo Ruiz"
).split("|")
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
WHEN = (
    "early on {day}|late on {day}|on {day} morning|on {day} evening|over the weekend|"
    "earlier this week|on {day} afternoon|overnight"
).split("|")
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
TITLES = (
    "{Actor} {verb} {thing} in {place}|{place}: {actor} {verb} {thing}|{n} {figure} as {actor} {verb} {thing}"
).split("|")
BOILERPLATE_HEAD = ["By {person}", "By {person} and {person2}, Example Wire", "Updated: March {n2}, 2024 10:{n2} ET"]
BOILERPLATE_TAIL = [
    "Read more: {title}",
    "Share on Facebook",
    "Facebook Twitter LinkedIn Email",
    "© 2024 Example Wire. All rights reserved.",
    "Reporting by {person}; Editing by {person2}",
    "Related: {title}",
    "Advertisement",
]
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
            "actor": r.choice(t["actor"]),
            "actor2": r.choice(t["actor"]),
            "verb": r.choice(t["verb"]),
            "verb2": r.choice(t["verb"]),
            "thing": r.choice(t["thing"]),
            "thing2": r.choice(t["thing"]),
            "figure": r.choice(t["figure"]),
            "place": r.choice(PLACES),
            "person": r.choice(PEOPLE),
            "person2": r.choice(PEOPLE),
            "says": r.choice(SAYS),
            "when": r.choice(WHEN).format(day=day),
            "when2": r.choice(WHEN).format(day=day),
            "link": r.choice(LINKS),
            "adj": r.choice(ADJ),
            "n": r.randint(2, 950),
            "n2": r.randint(10, 28),
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
    truth: str  # unique | duplicate | replay | update (of another article: `original`)
    transform: str  # base, follow-up (...), replay, or the name of the copy transform
    original: str | None = None  # for a duplicate: the id it copies; for an update: the id it extends


def _change_words(r: random.Random, paragraphs: list[str], rate: float) -> list[str]:
    return [" ".join(r.choice(SUBSTITUTES) if r.random() < rate else w for w in p.split()) for p in paragraphs]


def _truncate(r: random.Random, paragraphs: list[str], low: float, high: float) -> list[str]:
    words = "\n\n".join(paragraphs).split(" ")
    return [" ".join(words[: int(len(words) * r.uniform(low, high))])]


def _drop_paragraph(r: random.Random, paragraphs: list[str]) -> list[str]:
    i = r.randrange(len(paragraphs))
    return paragraphs[:i] + paragraphs[i + 1 :]


TransformFn = Callable[[Writer, str, list[str]], tuple[list[str], str | None]]


def _with_boilerplate(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    head = w.boilerplate(BOILERPLATE_HEAD, topic)
    tail = [w.boilerplate(BOILERPLATE_TAIL, topic) for _ in range(w.rng.randint(1, 3))]
    return [head] + [p.upper() if w.rng.random() < 0.3 else p for p in ps] + tail, w.title(topic)


def _combined(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    edited = _change_words(w.rng, _drop_paragraph(w.rng, ps), 0.02)
    return _with_boilerplate(w, topic, edited)[0], w.title(topic)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
AD_LINES = [
    "Advertisement",
    "ADVERTISEMENT",
    "Advertisement Continue reading the main story",
    "Story continues below advertisement",
    "Continue reading below",
    "Read more:",
]


def _lead(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    """The first 40-60 % of the story's words, cut at the sentence end nearest to that, as
    papers run a story to fit."""
    target = sum(len(p.split()) for p in ps) * w.rng.uniform(0.4, 0.6)
    out: list[str] = []
    count = 0
    for p in ps:
        kept = []
        for sentence in _SENTENCE_END.split(p):
            n = len(sentence.split())
            if count and abs(count + n - target) > abs(count - target):
                break
            kept.append(sentence)
            count += n
        if kept:
            out.append(" ".join(kept))
        if len(kept) < len(_SENTENCE_END.split(p)):
            break
    return out, None


def _html(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    """Markup left in by a crawler: <p>, entities, inline links and emphasis, a <br>, a script."""
    r = w.rng

    def inline(p: str) -> str:
        words = html.escape(p, quote=True).replace("&#x27;", "&#39;").split(" ")
        for _ in range(r.randint(0, 2)):
            i = r.randrange(len(words))
            words[i] = r.choice(
                ("<b>{}</b>", "<em>{}</em>", '<a href="https://example.org/t?a=1&amp;b=2">{}</a>')
            ).format(words[i])
        if r.random() < 0.3:
            words.insert(r.randrange(len(words)), "<br>")
        return " ".join(words)

    body = "".join(f"<p>{inline(p)}</p>" for p in ps)
    return ['<div class="article-body">' + body + "<script>window.ads = [];</script></div>"], None


_TYPO = {'"': ("\u201c", "\u201d"), "'": ("\u2019", "\u2019")}


def _typographic(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    """Curly quotes, non-breaking spaces, non-breaking and soft hyphens, dashes, ellipses."""
    r = w.rng

    def word(x: str) -> str:
        x = x.replace("-", "\u2011")
        if len(x) > 8 and r.random() < 0.3:
            cut = r.randrange(3, len(x) - 3)
            x = x[:cut] + "\u00ad" + x[cut:]
        return x

    out = []
    for p in ps:
        p = p.replace("...", "\u2026").replace(" - ", " \u2014 ")
        quote_open = False
        chars = []
        for ch in p:
            if ch == '"':
                chars.append(_TYPO[ch][quote_open])
                quote_open = not quote_open
            elif ch == "'":
                chars.append("\u2019")
            else:
                chars.append(ch)
        words = [word(x) for x in "".join(chars).split(" ")]
        out.append("".join(x + (r.choice(("\u00a0", "\u202f")) if r.random() < 0.15 else " ") for x in words).strip())
    return out, None


def _ad_inside(w: Writer, topic: str, ps: list[str]) -> tuple[list[str], str | None]:
    """An ad or "continue reading" line placed between two sentences of a paragraph."""
    out = list(ps)
    for _ in range(w.rng.randint(1, 2)):
        i = w.rng.randrange(len(out))
        sentences = _SENTENCE_END.split(out[i])
        cut = w.rng.randrange(1, len(sentences)) if len(sentences) > 1 else 1
        out[i] = " ".join(sentences[:cut] + [w.rng.choice(AD_LINES)] + sentences[cut:])
    return out, None


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
    "lead (first 40-60%)": _lead,
    "HTML markup": _html,
    "typographic Unicode": _typographic,
    "ad line inside a paragraph": _ad_inside,
}
NEW_TRANSFORMS = {"lead (first 40-60%)", "HTML markup", "typographic Unicode", "ad line inside a paragraph"}
EXACT_TRANSFORMS = {"exact+boilerplate", "retitled", "HTML markup", "typographic Unicode", "ad line inside a paragraph"}
FULL_AFTER_LEAD = "full story after its lead"


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


REAL_FILES = ("geovirus.dev.jsonl", "meantime.dev.jsonl", "tempeval3-train.dev.jsonl")


def real_stories(directory: Path) -> list[list[str]]:
    """Real news texts from ../shared/dev as paragraph lists (read, never copied into the repo).

    Texts without paragraph breaks get paragraphs of three sentences; texts sharing half their
    shingles with an earlier one are left out. Empty when absent.
    """
    stories = []
    for name in REAL_FILES:
        path = directory / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
            if len(paragraphs) < 3:
                sentences = _SENTENCE_END.split(" ".join(paragraphs))
                paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
            if len(paragraphs) >= 2 and len(text.split()) >= 60:
                stories.append(paragraphs)
    return _distinct(stories)


def _distinct(stories: list[list[str]]) -> list[list[str]]:
    """The stories that are no copy of another one: the corpora hold a few versions of the
    same wire story, which would be true duplicates with no truth to score them by."""

    def shingles(paragraphs: list[str]) -> set[bytes]:
        t = tokenize("\n\n".join(paragraphs), DedupConfig().max_chars)
        return {b" ".join(t[i : i + 3]) for i in range(max(len(t) - 2, 1))}

    kept: list[tuple[list[str], set[bytes]]] = []
    for story in stories:
        mine = shingles(story)
        if all(len(mine & other) < 0.5 * min(len(mine), len(other)) for _, other in kept):
            kept.append((story, mine))
    return [story for story, _ in kept]


def make_stream(n_articles: int, words: int, seed: int, real: list[list[str]] | None = None) -> list[Item]:
    """`n_articles` synthetic base stories plus the `real` ones over three days, with copies,
    follow-ups, replays, and leads published before their full story."""
    r = random.Random(seed)
    writer = Writer(r)
    items: list[Item] = []
    span = 3 * DAY
    bases: list[tuple[str, str, list[str]]] = [(f"s{i}", r.choice(list(TOPICS)), []) for i in range(n_articles)]
    bases += [(f"r{i}", r.choice(list(TOPICS)), story) for i, story in enumerate(real or [])]
    r.shuffle(bases)
    for base_id, topic, given in bases:
        paragraphs = given or writer.story(topic, words)
        prefix = "real: " if given else ""
        t0 = r.uniform(0, span)
        lead, _ = _lead(writer, topic, paragraphs)
        if r.random() < 0.08 and _words(lead) * 1.5 <= _words(paragraphs):
            # A lead published first (as a paper runs it), then the full story: an update of it.
            items.append(
                Item(
                    Article(id=f"{base_id}l", body="\n\n".join(lead), published_at=""),
                    t0 - r.uniform(60, 3600),
                    "unique",
                    f"{prefix}lead published first",
                )
            )
            items.append(
                Item(
                    Article(id=base_id, body="\n\n".join(paragraphs), published_at=""),
                    t0,
                    "update",
                    f"{prefix}{FULL_AFTER_LEAD}",
                    f"{base_id}l",
                )
            )
        else:
            items.append(
                Item(
                    Article(id=base_id, body="\n\n".join(paragraphs), published_at="", title=writer.title(topic)),
                    t0,
                    "unique",
                    f"{prefix}base",
                )
            )
        for j in range(r.choice((0, 0, 1, 1, 2, 3))):
            name = r.choice(list(TRANSFORMS))
            body, title = TRANSFORMS[name](writer, topic, paragraphs)
            ratio = _words(body) / _words(paragraphs)
            if ratio < 0.4 or ratio >= 1.5:
                # Short real stories: a dropped paragraph can leave less than a third, an added
                # one can make a version half as long again (an update by definition): neither
                # is the copy this transform means, so it is not made.
                continue
            items.append(
                Item(
                    Article(id=f"{base_id}c{j}", body="\n\n".join(body), published_at="", title=title),
                    t0 + r.uniform(60, DAY),
                    "duplicate",
                    prefix + name,
                    base_id,
                )
            )
        if r.random() < 0.2:
            # A follow-up: a new story on the same topic that reuses background paragraphs of this one.
            reused = r.choice((1, 2))
            # New text written for it (a real story's half would itself be a shortened copy).
            follow = writer.story(topic, max(words, _words(paragraphs)) // 2) + r.sample(
                paragraphs, min(reused, len(paragraphs))
            )
            items.append(
                Item(
                    Article(id=f"{base_id}f", body="\n\n".join(follow), published_at=""),
                    t0 + r.uniform(60, DAY),
                    "unique",
                    f"{prefix}follow-up ({reused} paragraph{'s' if reused > 1 else ''} reused)",
                )
            )
        if r.random() < 0.05:
            items.append(
                Item(
                    Article(id=base_id, body="\n\n".join(paragraphs), published_at=""),
                    t0 + r.uniform(60, DAY),
                    "replay",
                    f"{prefix}replay",
                )
            )
    items.sort(key=lambda it: it.seen_at)
    return items


# --- scoring --------------------------------------------------------------------------


def family(article_id: str | None) -> str | None:
    """The id of the base story of a copy, lead or follow-up id (`s12c0` -> `s12`)."""
    return None if article_id is None else re.match(r"[a-z]\d+", article_id).group()  # type: ignore[union-attr]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    replays: int = 0
    replays_right: int = 0
    by_transform: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)

    def add(self, item: Item, kind: str, duplicate_of: str | None, of_update: str | None = None) -> None:
        self.totals[item.transform] += 1
        if item.truth == "replay":
            self.replays += 1
            self.replays_right += kind == "replay"
            self.by_transform[item.transform] += kind == "replay"
            return
        said_dup = kind == "duplicate"
        if item.truth == "update":
            # A longer version of an earlier lead: it must go on (extracted), as an update of it.
            right = kind == "update" and family(of_update) == family(item.original)
            self.by_transform[item.transform] += right
            self.fp += said_dup
            return
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
    seconds: float  # fingerprint + check + add + expire
    articles: int
    bytes_per_article: float
    real: Score = field(default_factory=Score)
    fingerprint_seconds: float = 0.0  # of `seconds`: making the fingerprints

    @property
    def rate(self) -> float:
        return self.articles / self.seconds

    @property
    def check_rate(self) -> float:
        """Articles/s of the part after the fingerprint (the dedup agent's part in the worker)."""
        return self.articles / (self.seconds - self.fingerprint_seconds)


def run_eventwire(items: list[Item], config: DedupConfig, memory: bool = True) -> tuple[Run, Counter[str]]:
    index = DedupIndex(config)
    score, real, methods = Score(), Score(), Counter[str]()
    gc.collect()
    started = time.perf_counter()
    entries = [index.fingerprint(item.article, seen_at=item.seen_at) for item in items]
    fingerprinted = time.perf_counter()
    verdicts = []
    for item, entry in zip(items, entries):
        index.expire(item.seen_at)
        verdicts.append(index.process(entry))
    seconds = time.perf_counter() - started
    for item, verdict in zip(items, verdicts):
        for s in (score, real) if item.transform.startswith("real: ") else (score,):
            s.add(item, verdict.kind, verdict.duplicate_of, verdict.update_of)
        if verdict.kind == "duplicate":
            methods[f"{item.transform}:{verdict.method}"] += 1
    stored = [index.stored(e.key) for e in index.entries()] if memory else []
    bytes_per_article = table_memory(stored, config) if memory else 0.0
    return Run("eventwire", score, seconds, len(items), bytes_per_article, real, fingerprinted - started), methods


_AGAINST = """
import json, pickle, sys, time
from workers.dedup import DedupConfig, DedupIndex
from workers.records import Article
stream = pickle.load(open(sys.argv[1], "rb"))
articles = [(Article(**a), t) for a, t in stream]
index = DedupIndex(DedupConfig())
verdicts = []
started = time.perf_counter()
for article, t in articles:
    entry = index.fingerprint(article, seen_at=t)
    index.expire(t)
    verdicts.append(index.process(entry))
rate = len(articles) / (time.perf_counter() - started)
print(json.dumps([[v.kind, v.duplicate_of, getattr(v, "update_of", None)] for v in verdicts]))
print(rate)
"""


def against(
    items: list[Item], checkout: Path, config: DedupConfig, rounds: int
) -> tuple[list[float], list[float], Score]:
    """Articles/s of this checkout's dedup stage and of the one in `checkout` (another git
    worktree, e.g. the commit before a change) on the same stream, in alternating runs, and
    the score of the other checkout's verdicts (its default config)."""
    import pickle
    import subprocess
    import sys
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as f:
        pickle.dump([(it.article.to_dict(), it.seen_at) for it in items], f)
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(run_eventwire(items, config, memory=False)[0].rate)
        out = subprocess.run(
            [sys.executable, "-c", _AGAINST, f.name],
            cwd=checkout,
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(checkout), "PATH": ""},
        )
        lines = out.stdout.strip().splitlines()
        theirs.append(float(lines[-1]))
    Path(f.name).unlink()
    score = Score()
    for item, (kind, duplicate_of, update_of) in zip(items, json.loads(lines[-2])):
        score.add(item, kind, duplicate_of, update_of)
    return ours, theirs, score


def table_memory(stored: list[tuple[bytes, str] | None], config: DedupConfig) -> float:
    """Bytes per article of an index rebuilt from stored records plus the table holding them.

    As after a restart: the table's keys and values are decoded from their serialized form
    (the orjson codec of the worker's table) inside the trace, then `DedupIndex.load`
    shares them. Counted: table dict, keys, records, and everything the index holds.
    """
    serialized = [(bytes(k), orjson.dumps(v)) for k, v in (p for p in stored if p is not None)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    table = {bytes(k): orjson.loads(v) for k, v in serialized}
    index = DedupIndex(config)
    index.load(table.items())
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / max(len(index), 1)


def rebuild(n: int, config: DedupConfig, seed: int) -> tuple[float, float]:
    """(seconds, bytes per article) to rebuild an index of `n` stored records after a restart.

    The records are made from random signatures (what `load` does with a record does not
    depend on its text), in the stored form; the time is `DedupIndex.load` over the table.
    """
    rng = np.random.default_rng(seed)
    scheme = config.scheme
    table: dict[bytes, str] = {}
    for i in range(n):
        sig = rng.integers(0, 33_000, config.permutations, dtype=np.uint16)
        lead = rng.integers(0, 2**32, 16, dtype=np.uint32)
        entry = IndexEntry(
            f"rebuild-{i:09d}".encode(),
            1e9 + i,
            int(rng.integers(0, 2**63)),
            300,
            sig.astype("<u2").tobytes(),
            lead.astype("<u4").tobytes(),
            scheme,
        )
        table[entry.key] = entry.pack()
    gc.collect()
    started = time.perf_counter()
    index = DedupIndex(config)
    index.load(table.items())
    seconds = time.perf_counter() - started
    del index
    gc.collect()
    return seconds, table_memory(list(table.items())[: min(n, 200_000)], config)


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
        m.update_batch([b" ".join(tokens[i : i + k]) for i in range(n)])
        return m

    def index_all(
        subset: list[Item], hashes: list[MinHash], score: Score | None
    ) -> tuple[MinHashLSH, dict[str, MinHash]]:
        lsh = MinHashLSH(threshold=config.threshold, num_perm=config.permutations, params=(config.bands, rows))
        kept: dict[str, MinHash] = {}
        for item, m in zip(subset, hashes):
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
                if item.transform.startswith("real: "):
                    real.add(item, kind, of)
        return lsh, kept

    score, real = Score(), Score()
    gc.collect()
    started = time.perf_counter()
    hashes = [minhash(item.article) for item in items]
    fingerprint_seconds = time.perf_counter() - started
    index_all(items, hashes, score)
    seconds = time.perf_counter() - started
    del hashes
    uniques = [it for it in items if it.truth == "unique"]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    lsh, kept = index_all(uniques, [minhash(item.article) for item in uniques], None)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return Run("datasketch 2.0.0", score, seconds, len(items), held / max(len(kept), 1), real, fingerprint_seconds)


def similarity_profile(items: list[Item], shingle_size: int, sample: int, seed: int) -> dict[str, list[float]]:
    """True Jaccard of shingle sets: each copy or follow-up vs its source, and random same-topic pairs."""

    def shingles(article: Article) -> set[bytes]:
        t = tokenize(article.body, DedupConfig().max_chars)
        return {b" ".join(t[i : i + shingle_size]) for i in range(max(len(t) - shingle_size + 1, 1))}

    def jaccard(a: set[bytes], b: set[bytes]) -> float:
        return len(a & b) / len(a | b) if a or b else 1.0

    bases: dict[str, Article] = {}
    for it in items:  # the first article under each id (replays and updates come later)
        bases.setdefault(it.article.id, it.article)
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
    ids = [i for i in bases if family(i) == i]
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
    print(
        "| implementation | precision | recall | real-news precision | real-news recall | whole stage articles/s "
        "| fingerprint µs/article | check + add + expire articles/s | bytes/article |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        print(
            f"| {run.name} | {run.score.precision:.4f} | {run.score.recall:.4f} | {run.real.precision:.4f} | "
            f"{run.real.recall:.4f} | {run.rate:,.0f} | {1e6 * run.fingerprint_seconds / run.articles:,.0f} | "
            f"{run.check_rate:,.0f} | {run.bytes_per_article:,.0f} |"
        )


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
    print(
        "| shingle | perms | bands | rows | threshold | precision | recall | FP | FN | fingerprints/s | index ops/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k in (2, 3, 4, 5):
        # Two rows per band (64/32, 128/64) were measured too: candidates flood the
        # verification and the index runs ~10x slower for no gain in recall.
        for perms, band_choices in ((64, (16,)), (128, (16, 32))):
            for bands in band_choices:
                # Fingerprints carry the band keys to look up: one set per (permutations, bands).
                cfg0 = DedupConfig(
                    shingle_size=k,
                    permutations=perms,
                    bands=bands,
                    threshold=base.threshold,
                    seed=base.seed,
                    max_chars=base.max_chars,
                )
                index0 = DedupIndex(cfg0)
                started = time.perf_counter()
                entries = [index0.fingerprint(it.article, seen_at=it.seen_at) for it in items]
                fp_rate = len(items) / (time.perf_counter() - started)
                for threshold in (0.4, 0.45, 0.5, 0.6, 0.7):
                    cfg = DedupConfig(
                        shingle_size=k,
                        permutations=perms,
                        bands=bands,
                        threshold=threshold,
                        seed=base.seed,
                        max_chars=base.max_chars,
                    )
                    index = DedupIndex(cfg)
                    score = Score()
                    started = time.perf_counter()
                    for it, entry in zip(items, entries):
                        verdict: Verdict = index.process(entry)
                        score.add(it, verdict.kind, verdict.duplicate_of, verdict.update_of)
                    ops_rate = len(items) / (time.perf_counter() - started)
                    print(
                        f"| {k} | {perms} | {bands} | {perms // bands} | {threshold} | {score.precision:.4f} | "
                        f"{score.recall:.4f} | {score.fp} | {score.fn} | {fp_rate:,.0f} | {ops_rate:,.0f} |"
                    )


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
    p.add_argument(
        "--real",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "dev",
        help="directory of real news (../shared/dev) used as originals too; skipped when absent",
    )
    p.add_argument("--no-real", action="store_true", help="synthetic stories only")
    p.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="instead: time the dedup stage of this and another checkout (a git worktree) on the "
        "same stream in alternating runs, and score the other one's verdicts",
    )
    p.add_argument("--rounds", type=int, default=3, help="runs of each checkout with --against")
    p.add_argument(
        "--rebuild",
        type=int,
        default=0,
        metavar="N",
        help="only time the rebuild of an index of N stored records (and its memory)",
    )
    p.add_argument("--sweep", action="store_true", help="sweep shingle/permutations/bands/threshold instead")
    args = p.parse_args(argv)

    config = DedupConfig(
        shingle_size=args.shingle, permutations=args.permutations, bands=args.bands, threshold=args.threshold
    )
    if args.rebuild:
        seconds, per_article = rebuild(args.rebuild, config, args.seed)
        print(
            f"rebuild of {args.rebuild:,} stored records: {seconds:.1f} s "
            f"({args.rebuild / seconds:,.0f} records/s); index + table: {per_article:,.0f} bytes/article"
        )
        return 0
    real = [] if args.no_real else real_stories(args.real)
    print(f"real news originals: {len(real)} from {args.real}" if real else "real news originals: none")
    items = make_stream(args.articles, args.words, args.seed, real)
    counts = Counter(it.truth for it in items)
    print(f"stream: {len(items)} articles ({dict(counts)}), {args.words} words per base story, seed {args.seed}")
    print(f"config: {config}\n")
    if args.sweep:
        sweep(items, config)
        return 0

    if args.against:
        mine, theirs, before = against(items, args.against, config, rounds=args.rounds)
        print(
            f"articles/s, alternating runs on this stream: this checkout {[round(x) for x in mine]}, "
            f"{args.against} {[round(x) for x in theirs]}; median ratio "
            f"{statistics.median(mine) / statistics.median(theirs):.2f}\n"
        )
        print(f"{args.against}: precision {before.precision:.4f}, recall {before.recall:.4f}\n")
        print("| truth | count | right |\n|---|---|---|")
        for name, total in sorted(before.totals.items()):
            print(f"| {name} | {total} | {before.by_transform[name] / total:.3f} |")
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
    print(
        f"\nexact-method share on exact copies: {exact}/{exact_total}; "
        f"replays recognized: {ours.score.replays_right}/{ours.score.replays}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
