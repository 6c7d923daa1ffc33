"""Event mentions and what is done with the mentions of one article: `merge_mentions()` folds
mentions of one happening (a headline and a body sentence, a caption and a paragraph) into one,
keeping the best evidence and the most specific subtype, date and place;
`date_from_narrative()` gives events still undated the story's recent narrative time (the
lead's or a heading's date). `workers.extract.frames` builds the mentions. Offsets index the
cleaned text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from workers.extract.codes import is_refinement, specificity
from workers.extract.dates import event_value, interval
from workers.geo import distance_km
from workers.records import PRECISION_RANK, Actor, EventDate, EventLocation, TimeExpression

# A narrative anchor dates later undated events only when recent: from a week before
# publication to the publication day.
NARRATIVE_DAYS = 7
SAME_PLACE_KM = 50.0  # two placed mentions closer than this may tell one happening


@dataclass(slots=True)
class Mention:
    """One event mention in one sentence; offsets index the cleaned text."""

    type: str
    subtype: str
    lemma: str
    trigger: tuple[int, int]
    evidence: tuple[int, int]
    actors: list[Actor]
    location: EventLocation | None
    date: EventDate
    confidence: float
    heading: bool = False
    anaphoric: bool = False  # "the raid": refers back to a happening told before
    distinct: bool = False  # "another raid", "a separate attack": not one told elsewhere
    lemmas: set[str] = field(default_factory=set)  # trigger lemmas of all merged mentions
    quality: float = 0.0  # how well the evidence tells the happening: confidence, own date and place
    support: int = 1  # mentions merged into this one


class PlacedLocation(EventLocation):
    """An EventLocation that remembers whether the trigger's own sentence placed it."""

    __slots__ = ("placed",)
    placed: bool


def is_placed(loc: EventLocation | None) -> bool:
    """Whether `loc` was placed by the trigger's own sentence (not a fallback)."""
    return bool(getattr(loc, "placed", False))


def _dates_compatible(a: EventDate, b: EventDate) -> bool:
    """Whether two dates may be one happening's: a fallback, or spans that overlap ("last
    week" and "on Friday" of that week, "in March" and "March 4")."""
    if a.source == "published_at" or b.source == "published_at":
        return True
    (a_first, a_last), (b_first, b_last) = interval(a.value), interval(b.value)
    return a_first <= b_last and b_first <= a_last


def _refines(a: EventDate, b: EventDate) -> bool:
    """Whether date `a` is a narrower span inside `b` ("March 15" in "last week")."""
    (a_first, a_last), (b_first, b_last) = interval(a.value), interval(b.value)
    return b_first <= a_first and a_last <= b_last and (a_first, a_last) != (b_first, b_last)


def _places_compatible(a: EventLocation | None, b: EventLocation | None, loose: bool = False) -> bool:
    """Whether two locations may be one happening's: one country, and two towns near each
    other unless `loose` (one of them is a fallback, not what its sentence says)."""
    if a is None or b is None:
        return True
    if a.country_code != b.country_code:
        return False
    if loose or a.precision != "city" or b.precision != "city" or a.name == b.name:
        return True
    if None in (a.lat, a.lon, b.lat, b.lon):
        return False
    return distance_km((a.lat, a.lon), (b.lat, b.lon)) <= SAME_PLACE_KM  # type: ignore[arg-type]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower())) - {"s", "the", "a", "an"}


def _actor_overlap(a: Sequence[Actor], b: Sequence[Actor]) -> bool:
    def words(actors: Sequence[Actor]) -> list[set[str]]:
        return [_words(x.text) for x in actors if x.role == "source"]

    return any(x <= y or y <= x for x in words(a) for y in words(b))


# Kinds of actor a capitalised name gives (an unlabelled full name reads as an organization).
NAMED_KINDS = frozenset({"person", "organization"})


def _other_people(a: Sequence[Actor], b: Sequence[Actor]) -> bool:
    """Whether two mentions name different people as their targets ("Siarhei Tsikhanouski
    was arrested in May", "Viktar Babaryka was arrested"): each names one, no name shared."""

    def named(actors: Sequence[Actor]) -> list[set[str]]:
        return [_words(x.text) for x in actors if x.role == "target" and x.kind in NAMED_KINDS and x.text[:1].isupper()]

    x, y = named(a), named(b)
    return bool(x and y) and not any(p & q for p in x for q in y)


def _same_happening(a: Mention, b: Mention) -> bool:
    if not _compatible(a, b):
        return False
    if a.evidence == b.evidence:
        return True
    if a.distinct or b.distinct:
        return False
    if _actor_overlap(a.actors, b.actors):
        return True
    if a.type == "statement":
        return False
    if a.type == "arrest" and _other_people(a.actors, b.actors):
        return False
    if a.lemmas & b.lemmas:
        return True
    # Told with other words: the same kind of happening at the same town, or at nested
    # places and dated alike (both from the text and compatible, or both undated).
    if a.location is not None and b.location is not None and a.location.name == b.location.name:
        return True
    if not (is_placed(a.location) and is_placed(b.location)):
        return False
    if a.date.source == b.date.source:
        return True
    # A headline names the country of a happening the body tells with a date and a town.
    return any(m.heading and m.location.precision == "country" for m in (a, b))  # type: ignore[union-attr]


def _fold(best: Mention, other: Mention) -> Mention:
    """`best` (the stronger mention) enriched with what `other` knows better."""
    merged = replace(
        best,
        actors=list(best.actors),
        support=best.support + other.support,
        lemmas=best.lemmas | other.lemmas,
        distinct=best.distinct or other.distinct,
    )
    if specificity(other.type, other.subtype) > specificity(best.type, best.subtype):
        merged.subtype = other.subtype
    if other.date.source == "text" and (merged.date.source == "published_at" or _refines(other.date, merged.date)):
        merged.date = other.date
    if other.location is not None and (
        merged.location is None
        or (is_placed(other.location), PRECISION_RANK.get(other.location.precision, 0))
        > (is_placed(merged.location), PRECISION_RANK.get(merged.location.precision, 0))
    ):
        merged.location = other.location
    for actor in other.actors:
        words = _words(actor.text)
        if not any(a.role == actor.role and words <= _words(a.text) for a in merged.actors):
            merged.actors.append(actor)
    merged.confidence = min(0.99, max(best.confidence, other.confidence) + 0.05)
    return merged


def _compatible(a: Mention, b: Mention) -> bool:
    return (
        a.type == b.type
        and (is_refinement(a.type, a.subtype, b.subtype) or is_refinement(a.type, b.subtype, a.subtype))
        and _dates_compatible(a.date, b.date)
        and _places_compatible(a.location, b.location, loose=not (is_placed(a.location) and is_placed(b.location)))
    )


def _anaphor_fits(antecedent: Mention, anaphor: Mention) -> bool:
    """Whether "the attack" can refer back to `antecedent`: same type, subtypes on one branch,
    and the date and place the anaphor's own sentence gives (not its fallbacks: the
    publication day, the dateline or dominant place) compatible. "The president was not
    hurt in the attack" refers to the shelling told before whatever its fallbacks say."""
    if anaphor.type != antecedent.type or not (
        is_refinement(anaphor.type, anaphor.subtype, antecedent.subtype)
        or is_refinement(anaphor.type, antecedent.subtype, anaphor.subtype)
    ):
        return False
    if anaphor.date.source == "text" and not _dates_compatible(anaphor.date, antecedent.date):
        return False
    return not is_placed(anaphor.location) or _places_compatible(anaphor.location, antecedent.location)


def merge_mentions(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per happening.

    First "the raid", "the attack" join the nearest compatible mention told before them;
    then, strongest evidence first, mentions of the same happening fold together.
    """
    resolved: list[Mention] = []
    for m in sorted(mentions, key=lambda m: m.evidence[0]):
        antecedent = next(
            (
                i
                for i in range(len(resolved) - 1, -1, -1)
                if m.anaphoric and resolved[i].evidence != m.evidence and _anaphor_fits(resolved[i], m)
            ),
            None,
        )
        if antecedent is None:
            resolved.append(m)
        else:
            first, second = sorted((resolved[antecedent], m), key=lambda x: -x.quality)
            resolved[antecedent] = _fold(first, second)
    groups: list[Mention] = []
    for m in sorted(resolved, key=lambda m: (-m.quality, m.evidence[0])):
        for i, g in enumerate(groups):
            if _same_happening(g, m):
                groups[i] = _fold(g, m)
                break
        else:
            groups.append(m)
    return sorted(groups, key=lambda m: m.trigger[0])


def date_from_narrative(
    events: Sequence[Mention], mentions: Sequence[Mention], quiet_dates: Sequence[TimeExpression], published_day: str
) -> None:
    """Undated events take the narrative time of the text told before them (in place).

    Wire copy dates the happening in its lead ("clashed on Sunday") and tells the rest in
    later sentences without a date ("52 were arrested", "the fighting broke out after troops
    raided"); a list under "Incidents reported on Wednesday:" is dated by its heading. The
    narrative time at a point of the text is the last date before it that dated an event
    (not a statement: "the military said on Tuesday" is the time of the report) or opened a
    sentence telling no event (`quiet_dates`: its first date; "fired missiles on Wednesday in
    retaliation for a killing last week" tells its own time first), if it is recent: a day or an ISO week from
    NARRATIVE_DAYS before publication up to the publication day ("in 2004", "last month"
    are background, not the story's time). An event still on the `published_at` fallback
    takes it, with source "text" and the anchor's own words; statements keep their date.
    """
    published = date.fromisoformat(published_day)
    anchors = sorted(
        [(m.evidence[0], m.date) for m in mentions if m.type != "statement" and m.date.source == "text"]
        + [(te.start, EventDate(event_value(te.value), te.precision, te.text, "text")) for te in quiet_dates],
        key=lambda a: a[0],
    )
    recent = [
        (at, d)
        for at, d in anchors
        if d.precision in ("day", "week")
        and (span := interval(d.value))[0] <= published
        and span[1] >= published - timedelta(days=NARRATIVE_DAYS)
    ]
    for event in events:
        if event.type == "statement" or event.date.source != "published_at":
            continue
        before = [d for at, d in recent if at < event.evidence[0]]
        if before:
            event.date = before[-1]
