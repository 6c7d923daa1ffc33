"""Loading the spaCy pipeline: once per process, shared by the agents, the CLI and the tests.

The stock `attribute_ruler` runs a token Matcher over every sentence to copy POS, morphology
and a few lemmas from the tagger's fine tags; that Matcher cost about as much as the parser
(measured: 0.97 s against 0.94 s on 80 news articles). `load_nlp()` replaces it with
`eventwire_attributes`, which applies the same rules (read from the model's own ruler) by
dictionary lookup. Output is identical except for the handful of multi-token lemma rules
("gonna", "let's"), which no extraction rule reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import product
from typing import Any

import spacy
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Token

from workers.settings import Settings

FAST_ATTRIBUTES = "eventwire_attributes"
MEMO_LEMMATIZER = "eventwire_lemmas"
_TOKEN_VALUE = {
    "TAG": lambda t: t.tag_,
    "LOWER": lambda t: t.lower_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
}
_CACHE_LIMIT = 200_000


def _accepted(spec: Any) -> list[Any] | None:
    """The values an exact or IN constraint accepts; None for NOT_IN (checked per token)."""
    if not isinstance(spec, dict):
        return [spec]
    return list(spec["IN"]) if "IN" in spec else None


class AttributeTable:
    """The attribute ruler's single-token rules, found by dictionary lookup on the exact
    constraints (TAG, LOWER, DEP, IS_SPACE values); NOT_IN constraints are checked after.
    Rules apply in their list order, later ones overriding, as in the ruler."""

    def __init__(self, nlp: Language, patterns: Iterable[dict[str, Any]]) -> None:
        self.strings = nlp.vocab.strings
        self._cache: dict[tuple[int, int, int, bool], tuple[tuple[str, Any], ...]] = {}
        self.tables: dict[tuple[str, ...], dict[tuple[Any, ...], list[tuple[int, dict[str, Any], dict[str, Any]]]]] = {}
        for index, rule in enumerate(patterns):
            for pattern in rule["patterns"]:
                if len(pattern) != 1 or rule.get("index", 0) != 0 or not set(pattern[0]) <= set(_TOKEN_VALUE):
                    continue  # multi-token lemma rules ("gonna", "let's") and regex rules
                spec = pattern[0]
                exact = {k: accepted for k, v in spec.items() if (accepted := _accepted(v)) is not None}
                excluded = {k: set(v["NOT_IN"]) for k, v in spec.items() if _accepted(v) is None and "NOT_IN" in v}
                if len(exact) + len(excluded) != len(spec):
                    continue
                attrs = dict(rule["attrs"])
                if "MORPH" in attrs:
                    attrs["MORPH"] = nlp.vocab.morphology.add(attrs["MORPH"])
                keys = tuple(sorted(exact))
                table = self.tables.setdefault(keys, {})
                for combo in product(*(exact[k] for k in keys)):
                    table.setdefault(combo, []).append((index, excluded, attrs))

    def _resolve(self, token: Token) -> tuple[tuple[str, Any], ...]:
        """The final attribute values the rules give this token (later rules win)."""
        found = []
        for keys, table in self.tables.items():
            for index, excluded, attrs in table.get(tuple(_TOKEN_VALUE[k](token) for k in keys), ()):
                if not any(_TOKEN_VALUE[k](token) in values for k, values in excluded.items()):
                    found.append((index, attrs))
        final: dict[str, Any] = {}
        for _, attrs in sorted(found, key=lambda f: f[0]):
            final.update(attrs)
        out = []
        for name, value in final.items():
            if name == "POS":
                out.append(("pos", POS_IDS[value]))
            elif name != "MORPH":
                out.append((name.lower(), self.strings.add(value)))
        if "MORPH" in final:
            out.append(("morph", final["MORPH"]))
        return tuple(out)

    def __call__(self, doc: Doc) -> Doc:
        cache = self._cache
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        for token in doc:
            # The rules read only these four values, so their outcome can be memoized.
            key = (token.tag, token.lower, token.dep, token.is_space)
            assigned = cache.get(key)
            if assigned is None:
                assigned = cache[key] = self._resolve(token)
            for name, value in assigned:
                if name == "morph":
                    token.set_morph(value)  # type: ignore[attr-defined]  # spaCy's stubs lack it
                else:
                    setattr(token, name, value)
        return doc


class MemoLemmatizer:
    """The pipeline's rule lemmatizer behind a cache keyed by (form, fine tag, dependency):
    the values its rules read (POS, morphology) follow from those through the attribute
    rules, so the lemma does too. Same output; the per-token rule calls go."""

    def __init__(self, lemmatizer: Any = None) -> None:
        self.lemmatizer = lemmatizer  # the stock component, set when the pipeline is built
        self._cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self._cache
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        strings = doc.vocab.strings
        for token in doc:
            if token.lemma != 0:
                continue  # set by an attribute rule, as the lemmatizer itself respects
            key = (token.orth, token.tag, token.dep)
            lemma = cache.get(key)
            if lemma is None:
                lemma = cache[key] = strings.add(self.lemmatizer.lemmatize(token)[0])
            token.lemma = lemma
        return doc


@Language.factory(MEMO_LEMMATIZER)
def make_memo_lemmatizer(nlp: Language, name: str) -> MemoLemmatizer:
    return MemoLemmatizer()


@Language.factory(FAST_ATTRIBUTES, default_config={"patterns": []})
def make_attribute_table(nlp: Language, name: str, patterns: list[dict[str, Any]]) -> AttributeTable:
    return AttributeTable(nlp, patterns)


def with_fast_attributes(nlp: Language) -> Language:
    """`nlp` with its attribute ruler replaced by the table lookup and its rule lemmatizer
    memoized (in place; returned)."""
    if "attribute_ruler" in nlp.pipe_names:
        patterns = nlp.get_pipe("attribute_ruler").patterns  # type: ignore[attr-defined]  # a pipe is typed as a callable
        nlp.replace_pipe("attribute_ruler", FAST_ATTRIBUTES, config={"patterns": patterns})
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    if getattr(lemmatizer, "mode", None) == "rule" and not getattr(lemmatizer, "overwrite", True):
        memo = nlp.replace_pipe("lemmatizer", MEMO_LEMMATIZER)
        memo.lemmatizer = lemmatizer  # type: ignore[attr-defined]  # a pipe is typed as a callable
    return nlp


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None, fast: bool = True) -> Language:
    """The spaCy pipeline named by `model` (a package name or a path), loaded once.

    Defaults to the `spacy_model` setting; `fast=False` keeps the stock attribute ruler.
    """
    nlp = spacy.load(model or Settings.from_env().spacy_model)
    return with_fast_attributes(nlp) if fast else nlp
