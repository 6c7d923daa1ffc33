"""The trigger lexicon and the cheap pass that picks the sentences worth parsing.

`data/trigger_lexicon.tsv` lists event triggers (lemma, part of speech, type, subtype,
prior strength, irregular forms, syntactic requirements) and subtype cues (words that
only sharpen the subtype of an event found in the same sentence: "suicide" turns an
attack into a suicide bombing). Inflections are generated here, so one row covers
"attack, attacks, attacked, attacking". All surface forms compile into one regular
expression; `Lexicon.select()` runs it over the cheap segments of an article and keeps
those that can hold an event, which are the only ones the pipeline parses.

`data/trigger_exclusions.tsv` lists words that turn a trigger into a non-event when they
sit next to it in the parse ("heart attack", "fight against corruption");
`data/trigger_context.json` holds the word sets the frame builder reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from workers.extract.codes import code_table
from workers.extract.tables import read_tsv
from workers.extract.text import Segment
from workers.lang import en

DATA = Path(__file__).resolve().parent / "data"

Role = Literal["trigger", "cue"]

_LAST_WORD = re.compile(r"(\w+)\s+(?:also\s+)?$")
_WINDOW = 64  # characters before a reporting verb that can hold its pronoun speaker
_FIRST_WORD = re.compile(r"\s+(\w+)\s*[.,;!?]")  # "..., said he." (not "said it had ...")
_WORD = re.compile(r"\w[\w-]*")
# Requirements no segment meets without one of some words (a context set's name, or the
# words): a trigger that needs one gives no reason to parse a segment that lacks them
# ("moved house", "sent a letter", "in custody", "the brand").
_SELECTION_WORDS: dict[str, str | frozenset[str]] = {
    "object_armed_units": "armed_units",
    "units_move_into_place": "armed_units",
    "into_custody": frozenset({"into"}),
    "characterizes_as": frozenset({"as"}),
    "on_alert": frozenset({"on"}),
}
_CHARACTERIZING = {"characterizes", "characterizes_as"}  # requirements of verbs that say what a thing is


@dataclass(frozen=True, slots=True)
class LexEntry:
    """One row of the trigger lexicon."""

    role: Role
    lemma: str
    pos: str  # "V", "N" or "VN"
    type: str
    subtype: str
    strength: float
    requires: tuple[str, ...] = ()

    @property
    def allows_verb(self) -> bool:
        return "V" in self.pos

    @property
    def allows_noun(self) -> bool:
        return "N" in self.pos


@dataclass(frozen=True, slots=True)
class LexMatch:
    """A lexicon form found in a text: [start, end) and the entries it can stand for."""

    start: int
    end: int
    text: str
    entries: tuple[LexEntry, ...]


def _suffix_s(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _suffix_ed(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ied"
    return word + "ed"


def _suffix_ing(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith("ee"):
        return word[:-1] + "ing"
    return word + "ing"


def inflections(lemma: str, pos: str) -> set[str]:
    """Regular surface forms of a lemma: the first word of a verb phrase, the last of a noun."""
    words = lemma.split(" ")
    forms = {lemma}
    if "V" in pos:
        head, rest = words[0], words[1:]
        for form in (_suffix_s(head), _suffix_ed(head), _suffix_ing(head)):
            forms.add(" ".join([form, *rest]))
    if "N" in pos:
        forms.add(" ".join([*words[:-1], _suffix_s(words[-1])]))
    return forms


def _normalize_form(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.lower())


def _trie_regex(forms: Iterable[str]) -> str:
    """One regular expression for many lower-case forms, as a character trie: Python's
    engine tries a flat alternation of ~1,000 forms one by one at every position, a trie
    only along matching prefixes. Longer continuations come first and an ending is an
    optional group, so the longest form wins as in a longest-first alternation."""
    trie: dict[str, dict] = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [
            (r"[\s\-]+" if char == " " else re.escape(char)) + build(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


def _compile(forms: Iterable[str]) -> re.Pattern[str]:
    # A space in a form also matches a hyphen or a line break ("air-strike").
    return re.compile(r"(?<![\w\-])(?:" + _trie_regex(set(forms)) + r")(?![\w\-])", re.IGNORECASE)


def _gate_words(gate: str | frozenset[str], context: dict[str, frozenset[str]]) -> frozenset[str]:
    return context.get(gate, frozenset()) if isinstance(gate, str) else gate


class Lexicon:
    """Trigger and cue forms, exclusion words and context word sets."""

    def __init__(
        self,
        entries: Iterable[tuple[LexEntry, Iterable[str]]],
        exclusions: dict[str, frozenset[str]],
        context: dict[str, frozenset[str]],
    ) -> None:
        self._by_form: dict[Role, dict[str, list[LexEntry]]] = {"trigger": {}, "cue": {}}
        self._gates: dict[LexEntry, frozenset[str]] = {}  # see _SELECTION_WORDS
        for entry, extra_forms in entries:
            for form in inflections(entry.lemma, entry.pos) | set(extra_forms):
                self._by_form[entry.role].setdefault(_normalize_form(form), []).append(entry)
            gates = [_gate_words(_SELECTION_WORDS[r], context) for r in entry.requires if r in _SELECTION_WORDS]
            if gates:
                self._gates[entry] = frozenset().union(*gates)
        self._patterns = {role: _compile(forms) for role, forms in self._by_form.items()}
        self.exclusions = exclusions
        self.context = context

    @classmethod
    def from_files(cls, directory: Path = DATA) -> Lexicon:
        rows = []
        known = code_table()
        for role, lemma, pos, type_, subtype, strength, forms, requires in read_tsv(
            directory / "trigger_lexicon.tsv", 8
        ):
            if (type_, subtype) not in known:
                raise ValueError(
                    f"trigger_lexicon.tsv: {lemma!r} has ({type_}, {subtype}), which event_codes.tsv does not list"
                )
            entry = LexEntry(
                role,  # type: ignore[arg-type]  # the column holds trigger or cue
                lemma,
                pos,
                type_,
                subtype,
                float(strength),
                tuple(r for r in requires.split(",") if r),
            )
            rows.append((entry, [f.strip() for f in forms.split(",") if f.strip()]))
        exclusions: dict[str, frozenset[str]] = {}
        for word, excluded in read_tsv(directory / "trigger_exclusions.tsv", 2):
            if word in exclusions:
                raise ValueError(f"trigger_exclusions.tsv: {word!r} has two rows; keep one")
            exclusions[word] = frozenset(w.strip() for w in excluded.split(","))
        raw = json.loads((directory / "trigger_context.json").read_text(encoding="utf-8"))
        context = {k: frozenset(v) for k, v in raw.items() if not k.startswith("_")}
        return cls(rows, exclusions, context)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> Lexicon:
        """The lexicon from the package data, built once per process."""
        return cls.from_files()

    def find(self, text: str, role: Role = "trigger", start: int = 0, end: int | None = None) -> list[LexMatch]:
        """Every non-overlapping form of `role` in text[start:end], longest first."""
        by_form = self._by_form[role]
        return [
            LexMatch(m.start(), m.end(), m.group(), tuple(by_form[_normalize_form(m.group())]))
            for m in self._patterns[role].finditer(text, start, len(text) if end is None else end)
        ]

    def has_trigger(self, text: str, start: int = 0, end: int | None = None) -> bool:
        return self._patterns["trigger"].search(text, start, len(text) if end is None else end) is not None

    def select(self, text: str, segments: Iterable[Segment]) -> list[Segment]:
        """The cheap pass: the segments that can hold a new event.

        A segment whose only triggers are reporting verbs with a pronoun speaker ("he
        said", "said she") is skipped: such a statement only ever joins the previous
        speaker's statement, so parsing it cannot add an event.
        """
        return [s for s in segments if any(not self._pronoun_report(text, m) for m in self._live(text, s))]

    def reports_only(self, text: str, segment: Segment) -> bool:
        """Whether the segment's only triggers are plain reporting verbs ("said", "told"):
        such a sentence can only hold a statement, whose speaker and clause the parser
        alone finds, so the pipeline parses it without the entity recognizer."""
        return all(
            e.subtype == "statement" and e.type == "statement" for m in self._live(text, segment) for e in m.entries
        )

    def _live(self, text: str, segment: Segment) -> list[LexMatch]:
        """The segment's trigger matches that it can meet the requirements of (see
        `_SELECTION_WORDS`)."""
        matches = self.find(text, "trigger", segment.start, segment.end)
        gated = [m for m in matches if all(e in self._gates for e in m.entries)]
        if not gated:
            return matches
        words = {w.lower() for w in _WORD.findall(text, segment.start, segment.end)}
        return [m for m in matches if m not in gated or any(words & self._gates[e] for e in m.entries)]

    def _pronoun_report(self, text: str, match: LexMatch) -> bool:
        if not all(e.subtype == "statement" and "subject" in e.requires for e in match.entries):
            return False
        # Searched in a window first: searched from the text's start, every reporting verb
        # rescanned the article before it. Only a word reaching past the window needs more.
        lo = max(0, match.start - _WINDOW)
        before = _LAST_WORD.search(text, lo, match.start)
        if lo and (before.start(1) == lo if before else text[lo : match.start].isspace()):
            before = _LAST_WORD.search(text, 0, match.start)
        after = _FIRST_WORD.match(text, match.end)
        return bool(
            before and before.group(1).lower() in en.PRONOUNS or after and after.group(1).lower() in en.PRONOUNS
        )

    def reporting_lemmas(self) -> frozenset[str]:
        """Lemmas of the plain reporting triggers ("say", "announce", "write"): statements of
        no specific kind, whose report may only attribute another event. A verb that says
        what something is ("called the bombing an act of barbarity", "described the attacks
        as") evaluates it; it reports nothing."""
        return frozenset(
            e.lemma
            for entries in self._by_form["trigger"].values()
            for e in entries
            if e.type == "statement" and e.subtype == "statement" and not set(e.requires) & _CHARACTERIZING
        )

    def requirements(self, role: Role = "trigger") -> frozenset[str]:
        """Every requirement name the rows of `role` use."""
        return frozenset(r for entries in self._by_form[role].values() for e in entries for r in e.requires)

    def words(self, name: str) -> frozenset[str]:
        """A context word set from trigger_context.json (empty when unknown)."""
        return self.context.get(name, frozenset())

    def title_words(self) -> frozenset[str]:
        """Lower-case trigger and cue forms: the words a Title Case headline may lower."""
        return frozenset(w for forms in self._by_form.values() for f in forms for w in f.split(" "))
