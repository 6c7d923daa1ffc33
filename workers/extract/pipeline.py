"""The event extraction pipeline: an `Article` in, `Event` records (and the places and
dates found on the way) out. Pure Python; the extract agent and `eventwire extract` call
exactly this.

Per article: clean the body (offset map kept), cut it into cheap segments, keep the
segments whose words hit the trigger lexicon (`select_sentences=True`) or all of them,
parse those with spaCy in batches across articles (a segment whose only triggers are plain
reporting verbs without the entity recognizer), resolve places sentence by sentence
with the article's geographic context, normalize dates over the whole text, build event
mentions per parsed sentence and merge them into one event per happening. Every offset
reported indexes `article.body` as received.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from workers.extract.codes import codes_for
from workers.extract.dates import MONTH_FIRST_COUNTRIES, find_dates
from workers.extract.frames import MIN_CONFIDENCE, ArticleFrame, FrameBuilder
from workers.extract.mentions import Mention, date_from_narrative, merge_mentions
from workers.extract.text import CleanText, Segment, clean, find_dateline, segment, segment_text, sentence_case
from workers.extract.triggers import Lexicon
from workers.records import Article, Event, Place, Record, Span, TimeExpression, parse_timestamp, utc_now_iso

if TYPE_CHECKING:
    from datetime import datetime

    from spacy.language import Language
    from spacy.tokens import Doc

    from workers.extract.places import Geocoder, GeoContext

PARSE_BATCH = 256  # sentences per nlp.pipe batch
# Components a sentence whose only triggers are reporting verbs is parsed without: its
# statement needs the speaker and the reported clause (parser), not entity types; the
# entity recognizer is ~45% of the stock pipeline's time.
LIGHT_DISABLED = ["ner"]


@dataclass(slots=True)
class Annotations(Record):
    """Everything the extractor found in one article; offsets index the body."""

    article_id: str
    events: list[Event] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[TimeExpression] = field(default_factory=list)


@dataclass(slots=True)
class _Prepared:
    """An article cleaned and segmented, waiting for its selected segments' parses."""

    article: Article
    clean: CleanText
    published: datetime
    segments: list[Segment]
    parse: list[Segment]  # the segments to parse, in order
    light: list[bool]  # per parsed segment: parse without the entity recognizer
    docs: list[Doc] = field(default_factory=list)


class Extractor:
    """Article -> events. Heavy resources (spaCy, gazetteer) load lazily, once per process."""

    def __init__(
        self,
        nlp: Language | None = None,
        geocoder: Geocoder | None = None,
        *,
        lexicon: Lexicon | None = None,
        date_finder: Callable[..., list[TimeExpression]] = find_dates,
        select_sentences: bool = True,
        min_confidence: float = MIN_CONFIDENCE,
    ) -> None:
        self._nlp = nlp
        self._geocoder = geocoder
        self.lexicon = lexicon or Lexicon.default()
        self.frames = FrameBuilder(self.lexicon)
        self.find_dates = date_finder
        self.select_sentences = select_sentences
        self.min_confidence = min_confidence
        self._title_words = self.lexicon.title_words()

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from workers.extract.nlp import load_nlp

            self._nlp = load_nlp()
        return self._nlp

    @property
    def geocoder(self) -> Geocoder:
        if self._geocoder is None:
            from workers.extract.places import Geocoder

            self._geocoder = Geocoder.default()
        return self._geocoder

    def load(self) -> Extractor:
        """Load the spaCy model and the gazetteer now rather than on the first article."""
        self.nlp, self.geocoder  # noqa: B018 - the properties load on first access
        return self

    # ---- public API --------------------------------------------------------------------

    def extract(self, article: Article) -> list[Event]:
        """The events of one article."""
        return self.annotate(article).events

    def annotate(self, article: Article) -> Annotations:
        """Events, places and dates of one article."""
        return next(self.annotate_many([article]))

    def annotate_many(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[Annotations]:
        """Annotations for many articles, in input order; spaCy parses `batch_size` articles'
        selected sentences per `nlp.pipe` call."""
        it = iter(articles)
        while chunk := list(islice(it, batch_size)):
            prepared = [self._prepare(a) for a in chunk]
            docs = {
                light: iter(
                    self.nlp.pipe(
                        [self._parse_text(p, s) for p in prepared for s, lt in zip(p.parse, p.light) if lt is light],
                        batch_size=PARSE_BATCH,
                        disable=LIGHT_DISABLED if light else [],
                    )
                )
                for light in (False, True)
            }
            for p in prepared:
                p.docs = [next(docs[light]) for light in p.light]
            for p in prepared:
                yield self._finish(p)

    # ---- stages ------------------------------------------------------------------------

    def _prepare(self, article: Article) -> _Prepared:
        text = clean(article.body)
        segments = segment(text.text)
        dateline = find_dateline(text.text)
        if dateline is not None:
            # The dateline is not part of the first sentence's grammar: parse after it.
            segments = [
                Segment(dateline.end, s.end, s.kind)
                if s.start <= dateline.start < s.end and dateline.end < s.end
                else s
                for s in segments
            ]
        if self.select_sentences:
            parse = self.lexicon.select(text.text, segments)
            light = [self.lexicon.reports_only(text.text, s) for s in parse]
        else:
            parse, light = segments, [False] * len(segments)
        return _Prepared(article, text, parse_timestamp(article.published_at), segments, parse, light)

    def _parse_text(self, p: _Prepared, s: Segment) -> str:
        text = segment_text(p.clean.text, s)
        return sentence_case(text, self._title_words) if s.kind == "heading" else text

    def _places(self, p: _Prepared, context: GeoContext) -> list[Place]:
        docs = {(s.start, s.end): (doc, light) for s, doc, light in zip(p.parse, p.docs, p.light)}
        places: list[Place] = []
        for s in p.segments:
            doc, light = docs.get((s.start, s.end), (None, False))
            text = doc.text if doc is not None else segment_text(p.clean.text, s)
            # Without entities the parse cannot veto names; the gazetteer-only path is better.
            for place in self.geocoder.resolve(text, None if light else doc, context=context):
                place.start += s.start
                place.end += s.start
                places.append(place)
        if context.dateline is not None and not any(
            q.start < context.dateline.end and context.dateline.start < q.end for q in places
        ):
            places.append(context.dateline)
        return sorted(places, key=lambda q: q.start)

    def _headline_places(self, p: _Prepared, context: GeoContext) -> list[Place]:
        """The places the article's title names (offsets in the title, not the body)."""
        title = p.article.title
        if not title:
            return []
        return self.geocoder.resolve(sentence_case(title, self._title_words), None, context=context)

    def _finish(self, p: _Prepared) -> Annotations:
        context = self.geocoder.context(p.clean.text)
        places = self._places(p, context)
        country = context.dateline.country_code if context.dateline is not None else None
        dates = self.find_dates(
            p.clean.text,
            p.published,  # "7/8/07": the dateline's usage
            month_first=None if country is None else country in MONTH_FIRST_COUNTRIES,
        )
        art = ArticleFrame(
            published_day=p.published.date().isoformat(),
            places=places,
            dates=dates,
            dateline=context.dateline,
            dominant=_dominant(places, self._headline_places(p, context)),
            country_place=lambda cc: _country_place(places, cc) or self.geocoder.country(cc),
            demonym=self.geocoder.demonym,
            lookup=self.geocoder.lookup,
            titled=self.frames.titled_names(p.clean.text, places),
            text=p.clean.text,
        )
        mentions: list[Mention] = []
        for s, doc in zip(p.parse, p.docs):
            mentions.extend(self.frames.build_mentions(doc, s.start, s.kind == "heading", art, self.min_confidence))
        merged = merge_mentions(mentions)
        firsts = (
            next((d for d in dates if s.start <= d.start < s.end), None)
            for s in p.segments
            if not any(s.start <= m.evidence[0] < s.end for m in mentions)
        )
        quiet = [d for d in firsts if d is not None]
        date_from_narrative(merged, mentions, quiet, art.published_day)
        extracted_at = utc_now_iso()
        events = [self._event(p, m, extracted_at) for m in merged]
        return Annotations(
            p.article.id, events, [_to_body(p.clean, q) for q in places], [_to_body(p.clean, d) for d in dates]
        )

    def _event(self, p: _Prepared, m: Mention, extracted_at: str) -> Event:
        article, body = p.article, p.article.body
        t0, t1 = p.clean.to_original(*m.trigger)
        e0, e1 = p.clean.to_original(*m.evidence)
        key = f"{article.id}|{m.type}|{e0}|{e1}|{t0}|{t1}".encode()
        return Event(
            event_id=hashlib.sha1(key).hexdigest()[:24],
            article_id=article.id,
            source=article.source,
            url=article.url,
            published_at=article.published_at,
            type=m.type,
            subtype=m.subtype,
            codes=codes_for(m.type, m.subtype),
            trigger=Span(body[t0:t1], t0, t1),
            evidence=Span(body[e0:e1], e0, e1),
            actors=m.actors,
            location=m.location,
            date=m.date,
            confidence=round(m.confidence, 3),
            extracted_at=extracted_at,
        )


def _to_body(text: CleanText, item: Any) -> Any:
    """A copy of a Place or TimeExpression with offsets and text of the original body."""
    start, end = text.to_original(item.start, item.end)
    out = type(item)(**{**item.to_dict(), "start": start, "end": end, "text": text.original[start:end]})
    return out


def _country_place(places: list[Place], country_code: str) -> Place | None:
    return next((q for q in places if q.precision == "country" and q.country_code == country_code), None)


def _dominant(places: list[Place], headline: list[Place]) -> Place | None:
    """The article's main place: the most named place of its most named country, earliest
    first on ties. A headline says what the story is about: when it names a place, the
    country is one of the headline's, and a place it names counts once more."""
    ordered = [*headline, *places]
    countries = Counter(q.country_code for q in ordered if q.country_code)
    if not countries:
        return None
    first_of_country: dict[str | None, int] = {}
    first_of_name: dict[str, int] = {}
    for i, q in enumerate(ordered):
        first_of_country.setdefault(q.country_code, i)
        first_of_name.setdefault(q.name, i)
    told = {q.country_code for q in headline if q.country_code} or set(countries)
    top = max(told, key=lambda cc: (countries[cc], -first_of_country[cc]))
    named = Counter(q.name for q in [*ordered, *headline] if q.country_code == top)  # a headline place twice
    best = max(named, key=lambda name: (named[name], -first_of_name[name]))
    # the body's mention when there is one: its text is the body's
    return next((q for q in places if q.name == best), None) or next(q for q in headline if q.name == best)
