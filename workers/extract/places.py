"""Place mentions in news text, resolved offline to gazetteer entries with an honest precision.

Usage, once per process then per article::

    geo = Geocoder.default()                  # gazetteer loaded once (cached pickle, ~0.5 s)
    ctx = geo.context(article.body)           # cheap whole-body scan: countries, dateline
    places = geo.resolve(sentence, doc, context=ctx)   # any part of the body, offsets into it

`resolve(text, doc=None, context=None)` finds place names by longest match against the
gazetteer over capitalized words (plus a few shapes: "northern Syria", "Homs province",
"the Turkish-Syrian border", "Rockville, Maryland"), then disambiguates every candidate list
with a score: kind prior (country > region > admin1 > city by population), name quality
(curated alias > primary name > alias > GeoNames alternate name) and document context
(countries and admin1 regions already named unambiguously, the dateline's country). The
same surface form gets the same reading throughout one call.

`doc` is spaCy's parse of exactly `text`; with it, PERSON and ORG entities veto city
readings inside them ("spokeswoman Hua Chunying", "Phoenix TV"), and single words that the
parse tags as parts of person names elsewhere ("Hua said") are not read as towns. Without
it, a city name that runs into another capitalized word ("Hua Chunying") is rejected, and a
town known only through an alternate name needs a large population and context support.
Either way, names that are common words ("Police said": not Police, Poland; a word the
article also writes in lower case) and nationality words ("Somali troops": not Ethiopia's
Somali region) are not towns or regions; this is the geocoder's decision, callers take
every place it returns.

`context` (a `GeoContext`) carries what the rest of the article says; the event extractor
builds it once per article from the full body with `context()` and passes it to every
`resolve` on a selected sentence. Without it, `resolve` builds one from `text` itself.

Precision semantics (`Place.precision`, also `Place.feature`):
- city: a populated place (GeoNames P feature), the point is the town.
- admin1: a first-level division (state, province, governorate, oblast); the point is the
  middle of its towns' coordinates. A second-level division (county, district) has feature
  admin2 and precision admin1 (the records know no finer division level), its own name and point.
- country: the point lies within 161 km of the country's GeoNames point.
- region: no single administrative unit: continents, curated regions ("Donbas", "Middle East"),
  directional parts ("northern Syria") and border areas ("the Turkish-Syrian border").
  `country_code` is set when the region lies in, or is attributed to, one country (for a
  border, the one of its two countries the article is most about); the point is only indicative
  and `geonames_id` is None unless the region is a GeoNames continent.

Nationality adjectives ("Syrian", "Chinese") are NOT place mentions in `resolve`'s output,
except inside a border phrase: they name actors far more often than locations. `demonym()`
maps them to a country code for actor nationality, and they count as (weak) document context.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING

from workers.extract.geo import gazetteer as gz
from workers.extract.geo.text import is_acronym, norm, same_spelling, tokens
from workers.extract.text import find_dateline
from workers.lang import en
from workers.records import Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

MAX_WORDS = 6
DESIGNATORS, DIRECTIONS = en.DESIGNATORS, en.DIRECTIONS
# Capitalized words that are town names somewhere but, alone, almost always mean something else
# in English news: calendar words and function words ("As a result", "March 12", "Say"), and
# "Molotov" (Perm's old name; in the news, a cocktail thrown).
_COMMON_WORDS = (
    frozenset(
        "today tonight a an as at by can do ever for from had has if in is it made mine molotov more most much name "
        "never nine no none now of on or police said same say side since so ten than that this to up us we will".split()
    )
    | DIRECTIONS
    | {names[0].lower() for names in (*en.MONTHS, *en.WEEKDAYS)}
)
# Words after a town name that keep it a place ("Damascus airport", "Kent County"); any other
# capitalized word makes it part of a longer name ("Hua Chunying", "Phoenix TV").
_PLACE_HEADS = DESIGNATORS | {
    "city",
    "county",
    "district",
    "area",
    "airport",
    "international",
    "port",
    "river",
    "valley",
    "border",
    "hospital",
    "university",
}
# A town before a site word ("the Linwood Mosque") is a place only in a country the article
# names, since a site may carry a suburb's or a saint's name the gazetteer has elsewhere.
_NAME_HEADS = _PLACE_HEADS | en.SITE_HEADS
# A word right after one of these titles is a person's name ("Dr. Dunn", "Gen. Franklin").
_TITLE_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(t.capitalize() for t in en.PERSON_TITLES)) + r")\.?[ \u00a0]$")
# A place name before one of these names a disease, not a place ("Marburg virus", "Lassa fever").
_DISEASE_HEADS = re.compile(r"[ -](?:virus|fever|flu|influenza|disease|ebolavirus|encephalitis|syndrome)\b", re.I)
# Words naming a natural feature or a reserve. Ending a run of capitalized words ("Sambisa
# Forest", "Niger Delta", "Persian Gulf") they complete the feature's own name, which the
# gazetteer lacks, so the word alone is no place there (Forest is a Guernsey parish, Delta and
# Plateau are Nigerian states: "Delta State" keeps its designator and stays a place).
_FEATURE_WORDS = frozenset(
    "basin bay canyon coast creek delta desert falls forest forests gulf heights highlands hill hills "
    "island islands jungle lake mountain mountains park peninsula plain plains plateau reserve ridge "
    "river sea springs strait swamp valley woods".split()
)
# Entity labels whose spans are never places.
# (Not LANGUAGE: the small model gives it to towns at the end of a sentence, "fighting broke
# out in Aleppo."; language words are demonyms, which are no places anyway.)
_NOT_PLACE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LAW"})
# Words that may stand before a place inside an ORG entity without making it an organisation.
_PLACE_PREFIXES = DIRECTIONS | {"the", "ancient", "old", "greater", "downtown", "rural"}
_NOT_NAME_PARTS = _COMMON_WORDS | _PLACE_PREFIXES  # words before a name that are not part of it
_POSSESSIVES = ("'s", "’s")
_HEADS_AN_OF_NAME = re.compile(r" of (?:the )?[A-Z]")
# a lone capitalized word right after "in", "near" or "the city of", neither possessive nor
# running into a name
_PLACED = re.compile(r"\b(?:in|near|[Cc]ity of|[Tt]own of|[Vv]illage of) ([A-Z][\w-]*)\b(?!['’]s\b| [A-Z])")
_SENTENCE_OPENERS = _COMMON_WORDS | en.OPEN_WORDS  # capitalized only because a sentence starts with them
# Score of a reading = kind prior (a town: log10(population) / 2, 1.5 to 3.5) + name quality
# + context. Tuned on the GeoVirus dev set's failure classes, not on single sentences.
_KIND_PRIOR = {"country": 5.0, "region": 4.5, "admin1": 3.2}
# A second-level division scores as a town of its towns' total population, less this, and
# never above an admin1.
_ADMIN2_PENALTY = 0.2
# Kinds of places below admin1 whose names collide with people's and organisations' names.
_LOCAL = ("city", "admin2")
_QUALITY_BONUS = {gz.CURATED: 1.0, gz.PRIMARY: 0.0, gz.ALIAS: -0.5, gz.ALTERNATE: -1.0}
_CONTEXT_BONUS = 2.5
_CITY_OVER_DIVISION = 100_000
_TOP_COUNTRY_BONUS = 0.5
_NEIGHBOUR_BONUS = 1.5  # a country bordering one the article is about ("Niger" in a Nigeria story)
_DATELINE_BONUS = 1.0
_ADMIN1_BONUS = 1.0
# A town known in the text only by a GeoNames alternate name, with no NER support, must be
# this large and lie in a country the article is about.
_ALTERNATE_ONLY_MIN_POPULATION = 100_000

# "the Georgian capital", "Kenya's capital", "the capital of Peru" (direct neighbours only:
# "Pakistan's commercial capital" is not Islamabad).
_CAPITAL_AFTER = re.compile(r"(?:'s|’s)?[ \u00a0]capital(?:[ \u00a0]city)?\b")
_CAPITAL_BEFORE = re.compile(r"\bcapital(?:[ \u00a0]city)?[ \u00a0]of[ \u00a0](?:the[ \u00a0])?$")
# "in the capital", "to the country's capital": the capital of the country the article is about
_BARE_CAPITAL = re.compile(
    r"\b(?:in|into|to|near|around|outside|across|from|at|inside|through|toward|towards)[ \u00a0]+"
    r"(the[ \u00a0]+(?:(?:country|nation)(?:'s|’s)[ \u00a0]+)?capital(?:[ \u00a0]+city)?)\b(?![ \u00a0]+of\b)"
)
_DEMONYM_CAPITAL = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)[ \u00a0]capital(?:[ \u00a0]city)?\b")
# A lower-case Arabic article joined by a hyphen ("al-Bab", "ad-Dour", "ash-Shaddadi"): the name
# starts there; the gazetteer writes the article "Al", whatever letter it assimilates to.
_ARABIC_ARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|an|ath|adh|ed|er|es|et|ez|en)[-‐‑][A-Z]")
# Prepositions whose object is a location: a one-word PERSON there is a place ("in al-Bab").
_LOCATIVE_PREPS = frozenset({"in", "near", "outside", "around", "into"})
# A word before or after a name that says it is a town: "the northern city of Kirkuk", "the
# town of Idlib", "Raqqa city" are the towns, not their provinces.
_TOWN_BEFORE = re.compile(r"\b(?:city|town|village|hamlet|suburb|settlement)[ \u00a0]+of[ \u00a0]+$", re.I)
_TOWN_AFTER = re.compile(r"[ \u00a0]+(?:city|town)\b(?![ \u00a0]+(?:of|council|hall|centre|center)\b)")
# Capitalized words before a town's name that are part of how news names the town itself:
# "Ancient Palmyra", "Old Damascus", "Greater London", "Downtown Beirut", "Central Baghdad".
_TOWN_QUALIFIERS = frozenset({"ancient", "old", "greater", "downtown", "central", "inner"})
# Words before a name that say it is a place ("the village of X", "the district of X"), also
# for the later names of a list ("the towns of Tell Tamer and Ain Issa").
_LISTED = (
    r"(?:[A-Z][\w'’-]*(?:[ \u00a0](?:[A-Z]|[a-z]{1,3}-[A-Z])[\w'’-]*)*"  # "Tell Tamer", "Ras al-Ain"
    r"(?:,[ \u00a0]+|,?[ \u00a0]+and[ \u00a0]+))*$"
)
_DESCRIPTOR_BEFORE = re.compile(
    r"\b(?i:cit(?:y|ies)|towns?|villages?|hamlets?|communit(?:y|ies)|municipalit(?:y|ies)|suburbs?|"
    r"settlements?|townships?|boroughs?|neighbou?rhoods?|districts?|outskirts)[ \u00a0]+of[ \u00a0]+" + _LISTED
)
# A verb of `en.TERRITORIAL_VERB_FORMS` right before a name or a list of names: "entered Ain Issa".
_TERRITORIAL_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(en.TERRITORIAL_VERB_FORMS)) + r")[ \u00a0]+" + _LISTED)
# A preposition of `_LOCATIVE_PREPS` right before a name: "shelled near Khan Sheikhoun".
_LOCATIVE_PREP_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(_LOCATIVE_PREPS)) + r")[ \u00a0]+$")
# A locative preposition right before a name ("in X", "near X").
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|at|outside|from|to|into|around|through)[ \u00a0]+$")
_BORDER = re.compile(r"\b[Bb]order(?:s|lands?)?\b")
_NAME_SEPARATOR = re.compile(r"\s+[-–—]\s+|:\s+")


@dataclass(slots=True)
class GeoContext:
    """What an article says about where it is, gathered once from the whole body.

    `countries`: weight of each ISO country code named unambiguously (country names,
    admin1 and towns whose every reading lies in one country; demonyms count half); `votes`:
    the share of each name in it (what the rest of the article says is the difference).
    `admin1`, `admin2`: gazetteer indexes of the first- and second-level divisions named
    unambiguously, and those the dateline's town lies in. `dateline`: the dateline place.
    `person_words`: single words the parse tagged as parts of person names.
    `common_words`: words the article also writes in lower case ("police", "media",
    "union"), at least as often as capitalized inside a sentence: capitalized alone, they
    start a sentence or a name rather than name a town.
    """

    # keys are country codes, None for places without one (they weigh nothing)
    countries: Counter[str | None] = field(default_factory=Counter)
    votes: Counter[tuple[str, str | None]] = field(default_factory=Counter)  # (name key, country): its share
    admin1: set[int] = field(default_factory=set)
    admin2: set[int] = field(default_factory=set)
    dateline: Place | None = None
    person_words: set[str] = field(default_factory=set)
    common_words: set[str] = field(default_factory=set)

    def merged(self, other: GeoContext) -> GeoContext:
        return GeoContext(
            self.countries + other.countries,
            self.votes + other.votes,
            self.admin1 | other.admin1,
            self.admin2 | other.admin2,
            self.dateline or other.dateline,
            self.person_words | other.person_words,
            self.common_words | other.common_words,
        )

    def names_elsewhere(self, key: str, country_code: str | None) -> bool:
        """Whether the article names the country other than by the name `key` itself."""
        return self.countries[country_code] > self.votes[(key, country_code)]

    @property
    def top_country(self) -> str | None:
        best = self.countries.most_common(1)
        return best[0][0] if best else None


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    key: str
    cands: list[tuple[int, int]]  # (entry index, name quality)
    direction: str | None = None  # "northern" in "northern Syria"
    designated: bool = False  # "Homs province": admin1 readings only
    qualified: bool = False  # "Glasgow, Ky.": readings restricted by the qualifier
    resolved: int | None = None


class Geocoder:
    """Resolves place mentions against the packaged gazetteer. Thread-safe after construction."""

    _default: Geocoder | None = None
    _lock = Lock()

    def __init__(self, gazetteer: gz.Gazetteer) -> None:
        self.gaz = gazetteer
        alternatives = "|".join(re.escape(a) for a in sorted(gazetteer.abbreviations, key=len, reverse=True))
        self._abbreviation_after = re.compile(rf",[ \u00a0]+({alternatives})(?![A-Za-z])")

    @classmethod
    def default(cls, cache_dir: Path | None = None) -> Geocoder:
        """The process-wide geocoder; the gazetteer is built once and cached on disk.

        `cache_dir` defaults to `<data_dir>/geo` from the settings (a few MB pickle).
        """
        with cls._lock:
            if cls._default is None:
                if cache_dir is None:
                    from workers.settings import Settings

                    cache_dir = Path(Settings.from_env().data_dir) / "geo"
                cls._default = cls(gz.load(cache_dir))
            return cls._default

    # ---- public API -------------------------------------------------------------------

    def demonym(self, word: str) -> str | None:
        """The ISO country code of a nationality adjective or demonym ("Syrian", "Iraqis"), else None."""
        key = norm(word)
        cc = self.gaz.demonyms.get(key)
        if cc is None and key.endswith("s"):
            cc = self.gaz.demonyms.get(key[:-1])
        return cc

    def country(self, country_code: str) -> Place | None:
        """The country with ISO code `country_code` as a Place that is no mention (empty
        text and span), or None when the code is unknown."""
        ix = self.gaz.countries.get(country_code)
        return None if ix is None else self._place("", 0, 0, ix)

    def lookup(self, name: str, country_hint: str | None = None) -> Place | None:
        """The most likely place called `name` (a bare name, e.g. "Homs province"), or None.

        `country_hint` (ISO alpha-2) restricts the readings to that country when it has any.
        """
        key = norm(name)
        if key.startswith("the "):
            key = key[4:]
        words = key.split()
        designated = len(words) > 1 and words[-1] in DESIGNATORS and key not in self.gaz.index
        if designated:
            key = " ".join(words[:-1])
        m = _Mention(0, len(name), key, list(self.gaz.candidates(key)), designated=designated)
        if designated:
            self._designate(m)
        if not m.cands:
            return None
        ctx = GeoContext()
        if country_hint:
            in_country = [c for c in m.cands if self.gaz.entries[c[0]].country_code == country_hint]
            m.cands = in_country or m.cands
            ctx.countries[country_hint] += 1
        return self._place(name, 0, len(name), self._best(m.cands, ctx))

    def dateline(self, text: str) -> Place | None:
        """The place of a wire dateline ("BEIJING (Sputnik) —", "NAIROBI, Kenya (AP) _",
        "DAMASCUS, March 12 (Reuters) -") in the first part of `text`, with offsets into it."""
        dl = find_dateline(text)
        if dl is None:
            return None
        qual = text[dl.qualifier[0] : dl.qualifier[1]] if dl.qualifier else ""
        hint, admin1 = None, None
        abbreviated = self.gaz.abbreviations.get(qual)
        if abbreviated is not None:  # "GLASGOW, Ky. --": the state the abbreviation names
            hint, admin1 = self.gaz.entries[abbreviated].country_code, self.gaz.entries[abbreviated].name
        elif qual:
            q = self.lookup(qual)
            if q is not None and q.precision == "country":
                hint = q.country_code
            elif q is not None and q.precision == "admin1":
                hint, admin1 = q.country_code, q.admin1
        name = text[dl.place_start : dl.place_end]
        cands = [c for c in self.gaz.candidates(norm(name)) if self.gaz.entries[c[0]].kind != "region"]
        if hint:
            cands = [c for c in cands if self.gaz.entries[c[0]].country_code == hint] or cands
        if admin1:
            cands = [c for c in cands if self.gaz.entries[c[0]].admin1 == admin1] or cands
        # A dateline names a city: "NEW YORK", "TOKYO", "GAZA" are the cities, not the
        # state, prefecture or governorate of the same name (a country stays a country).
        cands = [c for c in cands if self.gaz.entries[c[0]].kind not in ("admin1", "admin2")] or cands
        if not cands:
            return None
        ctx = GeoContext(countries=Counter({hint: 1}) if hint else Counter())
        return self._place(name, dl.place_start, dl.place_end, self._best(cands, ctx))

    def context(self, text: str, doc: Doc | None = None) -> GeoContext:
        """A `GeoContext` from a cheap gazetteer scan of a whole article body (and its parse if any)."""
        toks = tokens(text)
        return self._context(text, toks, self._scan(text, toks), doc, self.dateline(text))

    def _context(
        self, text: str, toks: list[tuple[int, int]], mentions: list[_Mention], doc: Doc | None, dateline: Place | None
    ) -> GeoContext:
        ctx = GeoContext(dateline=dateline)
        if ctx.dateline is not None and ctx.dateline.country_code:
            ctx.countries[ctx.dateline.country_code] += 1
            where = next(
                (
                    self.gaz.entries[i]
                    for i, _ in self.gaz.candidates(norm(ctx.dateline.name))
                    if self.gaz.entries[i].geonames_id == ctx.dateline.geonames_id
                ),
                None,
            )
            if where is not None and where.admin1_ix is not None:
                ctx.admin1.add(where.admin1_ix)
        if doc is not None:
            ctx.person_words = _person_words(doc)
        ctx.person_words |= _name_tails(text, toks, mentions, self._kinds)
        # a name the article puts a happening or a person "in", or calls a city, is a place
        # wherever else it ends a name ("HealthSpace Cleveland" beside "jobs in Cleveland")
        ctx.person_words -= {m.group(1) for m in _PLACED.finditer(text)}
        # a name the article writes alone and capitalized inside sentences at least as often
        # stays a name: "the word łódź means boat" among twenty mentions of Łódź (not "hall"
        # beside "Fishmongers' Hall": a word of a longer name)
        lower = Counter(text[s:e] for s, e in toks if text[s].islower())
        named = Counter(
            text[s:e].lower()
            for k, (s, e) in enumerate(toks)
            if text[s].isupper() and not _sentence_start(text, s) and not _in_a_longer_name(text, toks, k)
        )
        ctx.common_words = {w for w, n in lower.items() if n >= named[w]}
        ends = {e: k for k, (_, e) in enumerate(toks)}
        for m in mentions:
            # "Homs province" names the Syrian governorate, whatever else Homs may be.
            m = _Mention(m.start, m.end, m.key, m.cands)
            self._designate_by_word(text, toks, ends, m)
            kinds = self._kinds(m)
            # A country's name with no other country or division of that name votes for it
            # ("India", beside a Gambian village and a Serbian town; not "Georgia", also a US
            # state); otherwise the readings that are no small places must lie in one country.
            wide = [
                self.gaz.entries[i] for i, _ in m.cands if self.gaz.entries[i].kind in ("country", "admin1", "region")
            ]
            if len(wide) == 1 and wide[0].kind == "country":
                ccs = {wide[0].country_code}
            else:
                ccs = {self.gaz.entries[i].country_code for i, _ in m.cands if not self._small(i)} or {None}
            if len(ccs) == 1 and None not in ccs and kinds & {"country", "admin1", "admin2", "region"}:
                cc = ccs.pop()
                ctx.countries[cc] += 1
                ctx.votes[(m.key, cc)] += 1
            if len(m.cands) == 1:
                e = self.gaz.entries[m.cands[0][0]]
                if e.kind == "admin1":
                    ctx.admin1.add(m.cands[0][0])
                elif e.kind == "admin2":  # "Barren County": its state too
                    ctx.admin2.add(m.cands[0][0])
                    if e.admin1_ix is not None:
                        ctx.admin1.add(e.admin1_ix)
        for start, end in toks:
            cc = self.demonym(text[start:end]) if text[start].isupper() else None
            if cc:
                ctx.countries[cc] += 0.5  # type: ignore[assignment]  # a Counter holds the half of a demonym too
        return ctx

    def resolve(self, text: str, doc: Doc | None = None, context: GeoContext | None = None) -> list[Place]:
        """All place mentions in `text`, resolved, ordered by position; offsets index `text`."""
        toks = tokens(text)
        mentions = self._scan(text, toks)
        dl = self.dateline(text)
        own = self._context(text, toks, mentions, doc, dl)
        ctx = own if context is None else context.merged(own)
        for m in mentions:
            if self._common_word(text, doc, m):
                m.cands = [c for c in m.cands if self.gaz.entries[c[0]].kind in ("country", "region")]
            if _names_a_site(text, m.end):
                m.cands = [c for c in m.cands if ctx.names_elsewhere(m.key, self.gaz.entries[c[0]].country_code)]
        mentions = [m for m in mentions if m.cands]
        places_by_parse: set[tuple[int, int]] = set()
        if doc is not None:
            places_by_parse = {(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")}
            mentions = self._apply_entities(text, doc, mentions, ctx)
            mentions = [
                m
                for m in mentions
                if (m.start, m.end) in places_by_parse or self._plausible_town(text, toks, m, ctx, parsed=True)
            ]
            mentions += self._unmatched_entities(text, doc, mentions)
        else:
            mentions = [m for m in mentions if self._plausible_town(text, toks, m, ctx, parsed=False)]
        mentions = [
            m for m in mentions if not _DISEASE_HEADS.match(text, m.end) and not self._lone_compass_point(text, m, ctx)
        ]
        self._towns_named_as_towns(text, toks, mentions)
        self._extend(text, toks, mentions, ctx)
        mentions = self._pair_with_qualifier(text, mentions)
        mentions = self._abbreviated_qualifiers(text, mentions)
        mentions = self._small_places(text, mentions, ctx, places_by_parse)
        mentions = self._capitals(text, mentions)
        mentions = self._bare_capitals(text, mentions, ctx)

        readings: dict[str, int] = {}
        for m in sorted(mentions, key=lambda m: len(m.cands)):
            if m.key in readings and any(i == readings[m.key] for i, _ in m.cands):
                m.resolved = readings[m.key]
            else:
                m.resolved = self._best(m.cands, ctx)
                readings.setdefault(m.key, m.resolved)

        places = [self._mention_place(text, m) for m in mentions]
        places = self._borders(text, toks, places, ctx)
        if dl is not None and not any(p.start < dl.end and dl.start < p.end for p in places):
            places.append(dl)
        return sorted(places, key=lambda p: p.start)

    # ---- candidate spans ----------------------------------------------------------------

    def _scan(self, text: str, toks: list[tuple[int, int]]) -> list[_Mention]:
        """Longest gazetteer matches starting at capitalized words."""
        out: list[_Mention] = []
        i = 0
        limit = min(MAX_WORDS, self.gaz.max_words)
        while i < len(toks):
            start = toks[i][0]
            # "Bab el-Oued": an article after a capitalized word continues that word's name.
            article = (
                text[start] in "ae"
                and bool(_ARABIC_ARTICLE.match(text, start))
                and not (i > 0 and text[toks[i - 1][0]].isupper() and text[toks[i - 1][1] : start] == " ")
            )
            if not (text[start].isupper() or article):
                i += 1
                continue
            found, at = None, i
            reach = 1  # the words from i on that can belong to one name
            while (
                reach < limit and i + reach < len(toks) and _joinable(text, toks[i + reach - 1][1], toks[i + reach][0])
            ):
                reach += 1
            for n in range(reach, 0, -1):
                last = i + n - 1
                if n > 1 and not text[toks[last][0]].isupper():
                    continue
                surface = text[start : toks[last][1]]
                key = norm(surface)
                cands = self.gaz.candidates(key)
                if article and not cands:
                    cands = self.gaz.candidates("al " + key.split(" ", 1)[1])  # "ad-Dour": Al Dour
                if not cands and " " in key:
                    # "Ain Issa": 'Ayn 'Isa, "Ar-Raqqa": Ar Raqqah; one word matches too many words loosely ("Saffir")
                    cands = self.gaz.loose_candidates(key)
                if n == 1 and key in _COMMON_WORDS:
                    cands = tuple(c for c in cands if self.gaz.entries[c[0]].kind in ("country", "region"))
                if n == 1 and _ends_feature_name(text, toks, i, key):
                    cands = ()
                if n > 1 and _saints_site(text, key, toks[last][1]):
                    i = last + 1  # "St. Peter's Square", "St. Mary's Hospital": neither a town nor Mary
                    break
                if cands and (key in self.gaz.acronyms or not is_acronym(surface)):
                    found = _Mention(start, toks[last][1], key, list(cands))
                    i = last + 1
                    break
            if found is None:
                i = max(i, at + 1)
            else:
                out.append(found)
        return out

    def _small(self, ix: int) -> bool:
        """A town of under `gazetteer.SMALL_TOWN` people, or a division whose towns add up to less."""
        e = self.gaz.entries[ix]
        return e.kind in _LOCAL and e.population < gz.SMALL_TOWN

    def _kinds(self, m: _Mention) -> set[str]:
        return {self.gaz.entries[i].kind for i, _ in m.cands}

    def _designate(self, m: _Mention) -> None:
        """Keep admin1 readings of "<name> province": admin1 entries and the admin1 of towns
        (not of a town known by that name only as an alternate name when a division has it:
        "Homs province" is not the Libyan district of Al Khums)."""
        admin1: list[tuple[int, int]] = []  # (admin1 index, quality)
        direct = any(self.gaz.entries[ix].kind == "admin1" for ix, _ in m.cands)
        for ix, q in m.cands:
            e = self.gaz.entries[ix]
            if direct and e.kind == "city" and q == gz.ALTERNATE:
                continue
            target = ix if e.kind == "admin1" else e.admin1_ix
            if target is not None and all(target != a for a, _ in admin1):
                admin1.append((target, q))
        if admin1:
            m.cands, m.designated = admin1, True
        else:
            m.designated = False

    def _designate_by_word(self, text: str, toks: list[tuple[int, int]], ends: dict[int, int], m: _Mention) -> None:
        """ "Idlib province": a designator after the name keeps its admin1 readings and joins it."""
        k = ends.get(m.end)
        if m.designated or k is None or k + 1 >= len(toks) or text[m.end : toks[k + 1][0]] != " ":
            return
        if text[toks[k + 1][0] : toks[k + 1][1]].lower() in DESIGNATORS:
            saved = m.cands
            self._designate(m)
            if m.designated:
                m.end = toks[k + 1][1]
            else:
                m.cands = saved

    def _extend(self, text: str, toks: list[tuple[int, int]], mentions: list[_Mention], ctx: GeoContext) -> None:
        """Designators after a name ("Idlib province") and directions before it ("northern Syria").

        A direction word makes a region of a country or admin1 reading only when the name, read
        with all its readings in this article's context, does not mean a town of another country:
        "central Santiago" under a Santiago, Chile dateline is the Chilean city, not a part of
        the Dominican province of Santiago. Where the town and an admin1 of its name lie in one
        country ("northern Aleppo") the region reading stays."""
        starts = {s: k for k, (s, _) in enumerate(toks)}
        ends = {e: k for k, (_, e) in enumerate(toks)}
        for m in mentions:
            self._designate_by_word(text, toks, ends, m)
            k = starts.get(m.start)
            if k is not None and k > 0 and text[toks[k - 1][1] : m.start] == " ":
                word = text[toks[k - 1][0] : toks[k - 1][1]]
                regional = [c for c in m.cands if self.gaz.entries[c[0]].kind in ("country", "admin1")]
                if word.lower() in DIRECTIONS and regional:
                    best = self.gaz.entries[self._best(m.cands, ctx)]
                    if best.kind == "city" and not any(
                        self.gaz.entries[i].country_code == best.country_code for i, _ in regional
                    ):
                        m.cands = [c for c in m.cands if self.gaz.entries[c[0]].kind == "city"]
                        continue
                    m.cands = regional
                    m.direction = word.lower()
                    m.start = toks[k - 1][0]

    def _towns_named_as_towns(self, text: str, toks: list[tuple[int, int]], mentions: list[_Mention]) -> None:
        """A name the text calls a town is the town: "the northern city of Kirkuk", "the town of
        Idlib", "Raqqa city" keep only town readings (not the province of the same name); so
        does a town qualifier before it ("Ancient Palmyra", "Old Damascus", "central Baghdad"),
        which joins the mention when capitalized (it is part of the name there); before a
        country it stays a direction ("central Mali")."""
        starts = {s: k for k, (s, _) in enumerate(toks)}
        for m in mentions:
            towns = [c for c in m.cands if self.gaz.entries[c[0]].kind == "city"]
            if not towns or len(towns) == len(m.cands):
                if towns and (k := starts.get(m.start)) is not None and k > 0:
                    self._join_qualifier(text, toks, k, m)
                continue
            k = starts.get(m.start)
            word = text[toks[k - 1][0] : toks[k - 1][1]] if k and text[toks[k - 1][1] : m.start] == " " else ""
            country = any(self.gaz.entries[i].kind == "country" for i, _ in m.cands)
            if (
                _TOWN_BEFORE.search(text, max(0, m.start - 30), m.start)
                or _TOWN_AFTER.match(text, m.end)
                or word.lower() in _TOWN_QUALIFIERS
                and not country
            ):
                m.cands = towns
                if k:
                    self._join_qualifier(text, toks, k, m)

    @staticmethod
    def _join_qualifier(text: str, toks: list[tuple[int, int]], k: int, m: _Mention) -> None:
        s, e = toks[k - 1]
        if text[e : m.start] == " " and text[s].isupper() and text[s:e].lower() in _TOWN_QUALIFIERS - {"central"}:
            m.start = s

    def _pair_with_qualifier(self, text: str, mentions: list[_Mention]) -> list[_Mention]:
        """ "Rockville, Maryland" / "Damascus, Syria" / "Lamitan (Basilan)": the qualifier
        (a country, province or district) picks the town's readings. A town with no reading
        in its parenthesised province is one the gazetteer lacks, not a homonym elsewhere:
        only the province is a place."""
        ordered = sorted(mentions, key=lambda m: m.start)
        for a, b in zip(ordered, ordered[1:]):
            if text[a.end : b.start] not in (", ", ",", " ("):
                continue
            paired = False
            for qi, _ in b.cands:
                q = self.gaz.entries[qi]
                if q.kind not in ("country", "admin1", "admin2"):
                    continue
                inside = [
                    c
                    for c in a.cands
                    if self.gaz.entries[c[0]].country_code == q.country_code
                    and (
                        q.kind == "country"
                        or self.gaz.entries[c[0]].admin1_ix == qi
                        or self.gaz.entries[c[0]].admin2_ix == qi
                    )
                ]
                if inside:
                    a.cands, a.qualified = inside, True
                    b.cands = [(qi, 0)]
                    paired = True
                    break
            if (
                not paired
                and text[a.end : b.start] == " ("
                and all(self.gaz.entries[i].kind == "city" for i, _ in a.cands)
                and any(self.gaz.entries[i].kind in ("admin1", "admin2") for i, _ in b.cands)
            ):
                a.cands = []
        return [m for m in mentions if m.cands]

    def _abbreviated_qualifiers(self, text: str, mentions: list[_Mention]) -> list[_Mention]:
        """ "Glasgow, Ky.", "Kingston, Ont.", "Paris, TX": an abbreviated state or province right
        after a town with a reading in it picks that reading and is a mention of the state.
        Elsewhere the abbreviations are left alone ("Miss.", "IN", "OR")."""
        entries = self.gaz.entries
        added = []
        for m in mentions:
            after = self._abbreviation_after.match(text, m.end)
            if after is None:
                continue
            state = self.gaz.abbreviations[after.group(1)]
            inside = [c for c in m.cands if entries[c[0]].admin1_ix == state]
            if not inside:
                continue
            m.cands, m.qualified = inside, True
            start, end = after.span(1)
            if not any(o.start < end and start < o.end for o in mentions):
                added.append(_Mention(start, end, norm(after.group(1)), [(state, gz.CURATED)]))
            else:
                for o in mentions:
                    if o.start < end and start < o.end:
                        o.cands = [(state, gz.CURATED)]
        return sorted(mentions + added, key=lambda m: m.start)

    def _small_places(
        self, text: str, mentions: list[_Mention], ctx: GeoContext, places_by_parse: set[tuple[int, int]]
    ) -> list[_Mention]:
        """Towns under `gazetteer.SMALL_TOWN` people need support from the text: a tiny
        homonym never wins on its country alone.

        A small reading beside bigger ones stays only when it lies in a state, province or
        county the article names (or the dateline's), or a qualifier picked it ("Paris, Ky.").
        A name whose readings are all small is a place when the recognizer tags it as one, a
        qualifier follows, a descriptor comes before ("the village of X"), a reading lies in a
        division the article names, or a locative preposition or a territorial verb comes before
        ("in X", "near X", "entered X") and a reading lies in a country the article names."""
        entries = self.gaz.entries
        small = self._small

        def in_named_division(ix: int) -> bool:
            e = entries[ix]
            return e.admin1_ix in ctx.admin1 or e.admin2_ix in ctx.admin2

        kept = []
        for m in mentions:
            if m.qualified or not any(small(i) for i, _ in m.cands):
                kept.append(m)
                continue
            big = [c for c in m.cands if not small(c[0])]
            if big:
                m.cands = big + [c for c in m.cands if small(c[0]) and in_named_division(c[0])]
                kept.append(m)
                continue
            if (
                (m.start, m.end) in places_by_parse
                or _DESCRIPTOR_BEFORE.search(text, max(0, m.start - 60), m.start)
                or any(in_named_division(i) for i, _ in m.cands)
                or (
                    _LOCATIVE_BEFORE.search(text, max(0, m.start - 8), m.start)
                    or _TERRITORIAL_BEFORE.search(text, max(0, m.start - 60), m.start)
                )
                and any(ctx.countries[entries[i].country_code] > 0 for i, _ in m.cands)
            ):
                kept.append(m)
        return kept

    def _capitals(self, text: str, mentions: list[_Mention]) -> list[_Mention]:
        """ "Kenya's capital", "the capital of Peru" and "the Georgian capital" name the capital
        city of that country (a country mention becomes the city; a demonym adds one)."""
        capitals = self.gaz.capitals
        for m in mentions:
            countries = [self.gaz.entries[i].country_code for i, _ in m.cands if self.gaz.entries[i].kind == "country"]
            if len(countries) != 1 or countries[0] not in capitals or m.direction:
                continue
            after = _CAPITAL_AFTER.match(text, m.end)
            before = _CAPITAL_BEFORE.search(text, max(0, m.start - 30), m.start)
            start, end = (m.start, after.end()) if after else ((before.start(), m.end) if before else (0, 0))
            if (after or before) and not _names_the_capital(text, start, end):
                m.cands = [(capitals[countries[0]], gz.CURATED)]
                m.start, m.end = start, end
        for d in _DEMONYM_CAPITAL.finditer(text):
            cc = self.demonym(d.group(1)) or self.demonym(d.group(1).split()[-1])  # "The Georgian"
            if (
                cc in capitals
                and not _names_the_capital(text, d.start(), d.end())
                and not any(m.start < d.end() and d.start() < m.end for m in mentions)
            ):
                mentions.append(_Mention(d.start(), d.end(), norm(d.group(0)), [(capitals[cc], gz.CURATED)]))
        return mentions

    def _bare_capitals(self, text: str, mentions: list[_Mention], ctx: GeoContext) -> list[_Mention]:
        """ "in the capital", "to the country's capital": the capital city of the country the
        article is about, when the phrase names no other ("the capital, Kabul", "the capital
        of the province")."""
        cc = ctx.top_country
        if cc not in self.gaz.capitals:
            return mentions
        for b in _BARE_CAPITAL.finditer(text):
            start, end = b.span(1)
            if not _names_the_capital(text, start, end) and not any(m.start < end and start < m.end for m in mentions):
                mentions.append(_Mention(start, end, norm(b.group(1)), [(self.gaz.capitals[cc], gz.CURATED)]))
        return mentions

    # ---- filters ------------------------------------------------------------------------

    def _apply_entities(self, text: str, doc: Doc, mentions: list[_Mention], ctx: GeoContext) -> list[_Mention]:
        ents = [
            e
            for e in doc.ents
            if e.label_ in ("PERSON", "ORG")
            and "\n" not in e.text
            and not _located_name(e)
            and e.text.count("(") == e.text.count(")")  # "Lamitan (Basilan": a misread "Town (Province)"
        ]
        never = [e for e in doc.ents if e.label_ in _NOT_PLACE_LABELS]
        kept = []
        for m in mentions:
            if any(e.start_char < m.end and m.start < e.end_char and not _time_after_name(text, m, e) for e in never):
                continue
            for e in ents:
                if e.start_char < m.end and m.start < e.end_char:
                    m.cands = self._inside_entity(text, m, e.label_, e.start_char, e.end_char, ctx)
            if m.cands and " " not in m.key and text[m.start : m.end] in ctx.person_words:
                m.cands = [c for c in m.cands if self.gaz.entries[c[0]].kind not in _LOCAL]
            if m.cands:
                kept.append(m)
        return kept

    def _common_word(self, text: str, doc: Doc | None, m: _Mention) -> bool:
        """A one-word mention that is a nationality word ("Somali troops": not Ethiopia's
        Somali region), or that the parse reads as a common noun or an adjective capitalized
        only because it starts the sentence ("Police said": not Police, Poland; "Young
        protesters": not Young, Uruguay), with no designator after it ("Somali region" is a
        place)."""
        following = re.match(r"[ \u00a0]+(\w+)", text[m.end : m.end + 20])
        if " " in m.key or following and following.group(1).lower() in _PLACE_HEADS:
            return False
        if self.demonym(m.key):
            return True
        span = doc.char_span(m.start, m.end, alignment_mode="expand") if doc is not None else None
        return span is not None and len(span) == 1 and span[0].pos_ in ("NOUN", "ADJ") and bool(span[0].is_sent_start)

    def _inside_entity(
        self, text: str, m: _Mention, label: str, start: int, end: int, ctx: GeoContext
    ) -> list[tuple[int, int]]:
        entries = self.gaz.entries
        if label == "PERSON":
            if _DESCRIPTOR_BEFORE.search(text, max(0, m.start - 60), m.start):
                return m.cands  # "the eastern town of Chasiv Yar": the text says what it is
            # The small model tags lone town names as people ("retook Palmyra"): a one-word
            # PERSON keeps readings in the article's countries, and so does a longer one where
            # only a place goes ("fighting near Khan Sheikhoun"); else a full name keeps none
            # but regions.
            town = (
                " " not in text[start:end].strip()
                or _LOCATIVE_PREP_BEFORE.search(text, max(0, m.start - 10), m.start)
                or _TERRITORIAL_BEFORE.search(text, max(0, m.start - 60), m.start)
            )
            return [
                c
                for c in m.cands
                if (town or entries[c[0]].kind in ("country", "admin1"))
                and ctx.countries[entries[c[0]].country_code] > 0
            ]
        # "Damascus - Foreign Ministry": the parts of a name joined by a dash are read apart.
        part_start = max([start] + [s.end() for s in _NAME_SEPARATOR.finditer(text, start, m.start)])
        part_end = min([end] + [s.start() for s in _NAME_SEPARATOR.finditer(text, m.end, end)])
        before, after = text[part_start : m.start].split(), text[m.end : part_end].split()
        if after and after[0].lower() in _NAME_HEADS:
            return m.cands  # "Cankaya district administration", "Kabul city council", "the Jolo Cathedral"
        if not before and not after:
            # The whole organisation is the name: the small model tags many towns ORG
            # ("Pulawy", "Fife"), but a town known only by another name ("Hamas" is an
            # alternate name of Hamm) is the organisation unless the article is about the
            # town's country.
            return [
                (ix, q)
                for ix, q in m.cands
                if entries[ix].kind != "city"
                or q != gz.ALTERNATE
                or same_spelling(entries[ix].name, m.key)
                or ctx.countries[entries[ix].country_code] > 0
            ]
        if all(w.lower() in _PLACE_PREFIXES for w in before + after):
            return m.cands
        return [c for c in m.cands if entries[c[0]].kind not in _LOCAL]

    def _unmatched_entities(self, text: str, doc: Doc, mentions: list[_Mention]) -> list[_Mention]:
        """GPE/LOC/FAC entities the scan missed ("the Golan Heights" typed lowercase "the")."""
        out = []
        for e in doc.ents:
            if e.label_ not in ("GPE", "LOC", "FAC") or any(
                m.start < e.end_char and e.start_char < m.end for m in mentions
            ):
                continue
            key = norm(e.text)
            start = e.start_char
            if key.startswith("the "):
                key, start = key[4:], start + 4
            cands = self.gaz.candidates(key)
            if cands and (key in self.gaz.acronyms or not is_acronym(text[start : e.end_char])):
                out.append(_Mention(start, e.end_char, key, list(cands)))  # "ABS" (ABS-CBN) is no town Abs
        return out

    def _lone_compass_point(self, text: str, m: _Mention, ctx: GeoContext) -> bool:
        """Whether a mention is a compass point after "the" ("into the North", "praised in
        the West") with no division of that name in a country the article otherwise names
        (Cameroon's North region in a Korean story), whatever the recognizer calls it."""
        if m.key not in en.DIRECTIONS or text[max(0, m.start - 4) : m.start].lower() != "the ":
            return False
        divisions = [self.gaz.entries[i] for i, _ in m.cands if self.gaz.entries[i].kind != "city"]
        return not any(ctx.names_elsewhere(m.key, e.country_code) for e in divisions)

    def _plausible_town(
        self, text: str, toks: list[tuple[int, int]], m: _Mention, ctx: GeoContext, *, parsed: bool
    ) -> bool:
        """Whether a mention that can only be a town is one, from the words around it; and
        whether one that can only be a division of countries the article does not name is
        one: running into a capitalized word, it starts an organisation's name ("Coast
        Guard", "Central Command"), not Kenya's Coast province."""
        entries = self.gaz.entries
        kinds = {entries[i].kind for i, _ in m.cands}
        if kinds - set(_LOCAL):
            if kinds & {"country", "region"} or any(
                ctx.names_elsewhere(m.key, entries[i].country_code) for i, _ in m.cands
            ):
                return True
            if "city" not in kinds:
                return not _runs_into_name(text, m.end)
            # a division that is also a town's name is read as the town ("Isabel Ruiz said")
        if " " not in m.key and (
            text[m.start : m.end] in ctx.person_words
            or self.demonym(m.key)
            or text[m.start : m.end].lower() in ctx.common_words
        ):
            return False  # "Dunn said" after "Anita Dunn"; "German"; "Police said" (Police, Poland)
        if _TITLE_BEFORE.search(text, max(0, m.start - 6), m.start):
            return False
        if _runs_into_name(text, m.end):
            return False  # part of a longer proper name: "Hua Chunying", "Phoenix TV"
        if " " not in m.key and _HEADS_AN_OF_NAME.match(text, m.end):
            return False  # "the University of Paris", "the Bank of England": a body named after a place
        before = [t for t in toks if t[1] <= m.start][-1:]
        if before and text[before[0][1] : m.start] == " ":
            word = text[before[0][0] : before[0][1]]
            if (
                word[:1].isupper()
                and word.lower() not in _NOT_NAME_PARTS
                and not _sentence_start(text, before[0][0])
                and not _sentence_start(text, m.start)  # "arrived in the U.K. Kabul was calm"
                and self.demonym(word) is None
            ):
                return False  # "Chief Medical Officer", "Rift Valley"
        if not parsed and all(q == gz.ALTERNATE for _, q in m.cands):
            return any(
                entries[i].population >= _ALTERNATE_ONLY_MIN_POPULATION and ctx.countries[entries[i].country_code] > 0
                for i, _ in m.cands
            )
        return True

    # ---- scoring ------------------------------------------------------------------------

    def _score(self, ix: int, quality: int, ctx: GeoContext) -> float:
        e = self.gaz.entries[ix]
        if e.kind == "city":
            score = math.log10(max(e.population, 100)) / 2
        elif e.kind == "admin2":
            score = min(math.log10(max(e.population, 100)) / 2 - _ADMIN2_PENALTY, _KIND_PRIOR["admin1"] - 0.1)
        else:
            score = _KIND_PRIOR[e.kind]
        score += _QUALITY_BONUS[quality]
        if e.country_code and ctx.countries[e.country_code] > 0:
            score += _CONTEXT_BONUS
            if e.country_code == ctx.top_country:
                score += _TOP_COUNTRY_BONUS
        elif e.kind == "country" and any(
            ctx.countries[n] > 0 for n in self.gaz.neighbours.get(e.country_code or "", ())
        ):
            score += _NEIGHBOUR_BONUS
        if ctx.dateline is not None and e.country_code == ctx.dateline.country_code:
            score += _DATELINE_BONUS
        if e.admin1_ix is not None and e.admin1_ix in ctx.admin1:
            score += _ADMIN1_BONUS
        if e.admin2_ix is not None and e.admin2_ix in ctx.admin2:
            score += _ADMIN1_BONUS
        return score

    def _best(self, cands: Iterable[tuple[int, int]], ctx: GeoContext) -> int:
        """The best-scoring reading; a division that shares its name with a city of its own
        of `_CITY_OVER_DIVISION` people or more is that city ("Kirkuk", "Kandahar", "Tunis":
        news names the city; "Kandahar province" has lost its city reading by then)."""
        cands = list(cands)
        best = max(cands, key=lambda c: self._score(c[0], c[1], ctx))[0]
        if self.gaz.entries[best].kind in ("admin1", "admin2"):
            cities = [
                ix
                for ix, _ in cands
                if self.gaz.entries[ix].kind == "city"
                and best in (self.gaz.entries[ix].admin1_ix, self.gaz.entries[ix].admin2_ix)
                and self.gaz.entries[ix].population >= _CITY_OVER_DIVISION
                and same_spelling(self.gaz.entries[ix].name, norm(self.gaz.entries[best].name))
            ]
            if cities:
                return max(cities, key=lambda ix: self.gaz.entries[ix].population)
        return best

    # ---- output -------------------------------------------------------------------------

    def _place(self, text: str, start: int, end: int, ix: int) -> Place:
        e = self.gaz.entries[ix]
        # A second-level division (feature admin2) is reported at precision admin1, the finest
        # division level the records know; its name and point are its own.
        precision = "admin1" if e.kind == "admin2" else e.kind
        return Place(
            text=text,
            start=start,
            end=end,
            name=e.name,
            country_code=e.country_code,
            admin1=e.admin1,
            lat=e.lat,
            lon=e.lon,
            geonames_id=e.geonames_id,
            feature=e.kind,
            precision=precision,  # type: ignore[arg-type]  # one of the four, by construction
        )

    def _mention_place(self, text: str, m: _Mention) -> Place:
        assert m.resolved is not None
        place = self._place(text[m.start : m.end], m.start, m.end, m.resolved)
        if m.direction:
            place.name = f"{m.direction} {place.name}"
            place.geonames_id = None
            place.feature = place.precision = "region"
        return place

    def _borders(self, text: str, toks: list[tuple[int, int]], places: list[Place], ctx: GeoContext) -> list[Place]:
        """ "the Turkish-Syrian border", "Syria's Turkish border", "the border with Turkey"."""
        for b in _BORDER.finditer(text):
            sides: list[tuple[int, int, str]] = []  # (start, end, country code)
            words = _split_hyphens(text, [t for t in toks if b.start() - 40 <= t[0] and t[1] <= b.start()][-2:])
            for s, e in words:
                cc = self._country_of_word(text[s:e], places, s)
                if cc:
                    sides.append((s, e, cc))
                elif sides:
                    sides = []
            after = re.match(r"\s+(?:between|with)\s+", text[b.end() : b.end() + 12])
            if after:
                for s, e in [t for t in toks if b.end() < t[0] < b.end() + 60][:5]:
                    cc = self._country_of_word(text[s:e], places, s)
                    if cc:
                        sides.append((s, e, cc))
            ccs = list(dict.fromkeys(cc for _, _, cc in sides))
            if not ccs:
                continue
            start, end = min(s for s, _, _ in sides), max(b.end(), max(e for _, e, _ in sides))
            main = max(ccs, key=lambda cc: (ctx.countries[cc], -ccs.index(cc)))
            names = [self.gaz.entries[self.gaz.countries[cc]].name for cc in ccs if cc in self.gaz.countries]
            point = self.gaz.entries[self.gaz.countries[main]] if main in self.gaz.countries else None
            places = [p for p in places if not (p.start < end and start < p.end)]
            places.append(
                Place(
                    text=text[start:end],
                    start=start,
                    end=end,
                    name="–".join(names) + " border",
                    country_code=main,
                    admin1=None,
                    lat=point.lat if point else None,
                    lon=point.lon if point else None,
                    geonames_id=None,
                    feature="region",
                    precision="region",
                )
            )
        return places

    def _country_of_word(self, word: str, places: list[Place], start: int) -> str | None:
        if not word[:1].isupper():
            return None
        for p in places:
            if p.start <= start < p.end and p.precision == "country":
                return p.country_code
        return self.demonym(word)


def _next_word(text: str, end: int) -> str | None:
    """The word right after `end` when one space separates it."""
    nxt = re.match(r"[ \u00a0]([\w-]+)", text[end : end + 40])
    return nxt.group(1) if nxt else None


def _names_a_site(text: str, end: int) -> bool:
    """Whether a capitalized site word follows right after `end` ("the Jolo Cathedral")."""
    word = _next_word(text, end)
    return word is not None and word[:1].isupper() and word.lower() in en.SITE_HEADS


def _runs_into_name(text: str, end: int) -> bool:
    """Whether a capitalized word other than a place word ("city", "province", "airport")
    follows right after `end`: the name goes on ("Hua Chunying", "Coast Guard")."""
    word = _next_word(text, end)
    if word is None or not word[:1].isupper() or word.lower() in _NAME_HEADS:
        return False
    # "in Washington, D.C. The talks ended": the dot ends the sentence, the next one starts
    return not (text[end - 1] == "." and word.lower() in _SENTENCE_OPENERS)


def _names_the_capital(text: str, start: int, end: int) -> bool:
    """Whether the capital is named right beside the phrase ("Kenya's capital Nairobi",
    "Kinshasa, the capital of the DRC"): that name is the place, the phrase stays the country."""
    return bool(
        re.match(r"[ \u00a0]*,?[ \u00a0]*(?:of[ \u00a0]+)?[A-Z]", text[end : end + 8])
        or re.search(r"[A-Z][\w'-]*,[ \u00a0]+(?:the[ \u00a0]+)?$", text[max(0, start - 40) : start])
    )


def _time_after_name(text: str, m: _Mention, e: Span) -> bool:
    """A DATE/TIME entity that starts with the name and goes on with lower-case time words
    ("Peshawar last night", "Kabul on Monday"): the recognizer ran the name into the time;
    the name is still a place. ("Victoria Day" and "Jerusalem Day" stay no place.)"""
    return (
        m.start == e.start_char and m.end < e.end_char and bool(re.match(r"[ \u00a0]+[a-z]", text[m.end : e.end_char]))
    )


def _located_name(e: Span) -> bool:
    """A one-word PERSON that is the object of a locative preposition ("a car bomb exploded in
    al-Bab"): the small model tags unfamiliar town names as people; nobody explodes in a person."""
    if e.label_ != "PERSON" or any(c.isspace() for c in e.text.strip()):
        return False
    tok = e.root
    return tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE_PREPS


def _saints_site(text: str, key: str, end: int) -> bool:
    """Whether a name is a saint's in the possessive before a capitalized word: a church, a
    school, a square or a day named after the saint ("St. Mary's Hospital"), not a town."""
    if key.split(" ", 1)[0].rstrip(".") not in en.SAINT_WORDS or text[end : end + 2] not in _POSSESSIVES:
        return False
    word = _next_word(text, end + 2)
    return word is not None and word[:1].isupper()


def _joinable(text: str, end: int, next_start: int) -> bool:
    """Two tokens may belong to one name when only a space, ", " or a possessive separates them
    ("Washington, D.C.", "People's Republic of China"), or the dot of a shortened word of
    names ("St. Louis", "Mt. Kenya")."""
    gap = text[end:next_start]
    if gap == ". ":
        return text[max(0, end - 3) : end].rsplit(" ", 1)[-1].lower() in en.NAME_ABBREVIATIONS
    return gap in (" ", "\u00a0", ", ", "-", "'s ", "’s ")


def _ends_feature_name(text: str, toks: list[tuple[int, int]], k: int, key: str) -> bool:
    """Whether the one-word match at token `k` is the feature word that ends a longer name
    ("Sambisa Forest"): a capitalized word other than "The", "In", "Northern"... stands right
    before it, and no designator follows ("Delta State")."""
    if key not in _FEATURE_WORDS or k == 0 or text[toks[k - 1][1] : toks[k][0]] != " ":
        return False
    before = text[toks[k - 1][0] : toks[k - 1][1]]
    if not before[:1].isupper() or before.lower() in _NOT_NAME_PARTS:
        return False
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    return not (nxt and text[toks[k][1] : nxt[0]] == " " and text[nxt[0] : nxt[1]].lower() in DESIGNATORS)


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\u00a0\"'“‘(")
    return not before or before[-1] in ".!?:\n"


def _in_a_longer_name(text: str, toks: list[tuple[int, int]], k: int) -> bool:
    """Whether token `k` runs into a capitalized word before or after it ("Fishmongers' Hall")."""
    for other in (k - 1, k + 1):
        if 0 <= other < len(toks) and text[toks[other][0]].isupper():
            gap = text[min(toks[k][1], toks[other][1]) : max(toks[k][0], toks[other][0])]
            if len(gap) <= 2 and not gap.strip(" '’"):
                return True
    return False


def _name_tails(
    text: str, toks: list[tuple[int, int]], mentions: list[_Mention], kinds: Callable[[_Mention], set[str]]
) -> set[str]:
    """Last words of capitalized runs that are not places ("Dunn" in "Anita Dunn"): surnames and
    name heads, which alone later are not towns either."""
    # Town-only matches may be surnames themselves ("Joe Dunn"); stronger places break a run.
    taken = [(m.start, m.end) for m in mentions if any(kind not in _LOCAL for kind in kinds(m))]
    out = set()
    run: list[tuple[int, int]] = []
    for k, (s, e) in enumerate(toks + [(len(text), len(text))]):
        capitalized = k < len(toks) and text[s].isupper() and not any(a < e and s < b for a, b in taken)
        # a middle initial continues the name: "Charles J. Fillmore"
        joined = run and (text[run[-1][1] : s] == " " or text[run[-1][1] : s] == ". " and _initial(text, run[-1]))
        if capitalized and joined:
            run.append((s, e))
            continue
        tail = _name_tail(text, run)
        if tail:
            out.add(tail)
        run = [(s, e)] if capitalized else []
    return out


def _name_tail(text: str, run: list[tuple[int, int]]) -> str | None:
    """The surname or name head a run of capitalized words ends with, if it is a name."""
    titled = len(run) == 1 and _TITLE_BEFORE.search(text, max(0, run[0][0] - 6), run[0][0])
    # "Ancient Palmyra", "Greater Manchester": a place prefix does not make a person's name,
    # nor does a function word that opens a sentence ("In Tulsa you will find ...").
    while len(run) >= 2 and (
        text[run[0][0] : run[0][1]].lower() in _PLACE_PREFIXES
        or _sentence_start(text, run[0][0])
        and text[run[0][0] : run[0][1]].lower() in _SENTENCE_OPENERS
    ):
        run = run[1:]
    if (len(run) >= 2 and (_initial(text, run[-2]) or not _sentence_start(text, run[-1][0]))) or titled:
        return text[run[-1][0] : run[-1][1]]
    return None


def _initial(text: str, tok: tuple[int, int]) -> bool:
    """Whether a token is one capital letter followed by a dot ("J." in "Charles J. Fillmore")."""
    return tok[1] - tok[0] == 1 and text[tok[0]].isupper() and text[tok[1] : tok[1] + 1] == "."


def _split_hyphens(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Turkish-Syrian" -> "Turkish", "Syrian" (spans into `text`)."""
    out = []
    for s, e in spans:
        for part in re.finditer(r"[^-‐‑–]+", text[s:e]):
            out.append((s + part.start(), s + part.end()))
    return out


def _person_words(doc: Doc) -> set[str]:
    """Words of multi-word person names ("Hua" from "Hua Chunying"), to recognise them alone later."""
    return {
        t.text
        for e in doc.ents
        if e.label_ == "PERSON" and "\n" not in e.text and len(e) > 1
        for t in e
        if t.text[:1].isupper()
    }


def demonym(word: str) -> str | None:
    """The ISO country code of a nationality word ("Syrian" -> "SY"), with the default geocoder."""
    return Geocoder.default().demonym(word)
