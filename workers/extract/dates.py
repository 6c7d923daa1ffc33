"""Finding temporal expressions in news text and normalizing them against the publication time.

`find_dates(text, published_at)` returns every date-like expression in `text` with its
character span and a TimeML-style value: `YYYY-MM-DD` (day), `YYYY-Www` (ISO week),
`YYYY-MM` (month) or `YYYY` (year). Relative expressions ("Monday", "last week", "two days
ago", "March 13") are resolved in the article's local day, i.e. the calendar date of
`published_at` in its own UTC offset. Expressions that are not one of these four kinds
(durations, sets, times of day alone, "recently") are not returned.

Pure regular expressions compiled at import; no spaCy. The rules and their measured
accuracy are described in docs/dates.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from workers.lang import en
from workers.records import DatePrecision, TimeExpression

__all__ = ["MONTH_FIRST_COUNTRIES", "event_value", "find_dates", "interval"]

# --- vocabulary -----------------------------------------------------------------------

_MONTH_NUMBERS = {name.lower(): number for number, names in enumerate(en.MONTHS, 1) for name in names}
_WEEKDAY_NUMBERS = {name.lower(): number for number, names in enumerate(en.WEEKDAYS) for name in names}
_NUMBER_WORDS = en.NUMBER_WORDS

# Month names must be capitalized: that alone removes "may attack" and "a protest march".
_MONTH_FULL = r"(?:" + "|".join(full for full, *_ in en.MONTHS) + ")"
# Abbreviations only count next to a day or a year ("Jan" alone is a first name).
_MONTH_ANY = r"(?:" + _MONTH_FULL[3:-1] + r"|(?:" + "|".join(a for _, *abbr in en.MONTHS for a in abbr) + r")\.?)"
_WEEKDAY = r"(?:" + "|".join(full for full, *_ in en.WEEKDAYS) + ")"
_WEEKDAY_ANY = _WEEKDAY[:-1] + r"|(?:" + "|".join(a for _, *abbr in en.WEEKDAYS for a in abbr) + r")\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR_SUFFIX = (
    r"(?:,?\s+(?:of\s+)?(?P<year>(?:1[89]|20)\d\d)(?![\d,.]\d)"
    r"|\s+(?P<rel_year>last|this|next)\s+year)?"
)
_TIME_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|noon))?"
_NUMBER = r"(?P<count>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"

# Day names that are part of titles or holidays, not dates.
_NAMED_DAY_BEFORE = re.compile(r"(?:Good|Black|Bloody|Super|Ash|Palm|Easter|Holy|Maundy|Cyber|Shrove|Low)\s+$")

# --- tense cues -----------------------------------------------------------------------

# Measured on the dev corpora: cues after the expression and a "-ed means past" rule both
# did worse than this left-hand word list (docs/dates.md).
_FUTURE_WORDS = frozenset(
    "will 'll wo shall would going scheduled planned plans plan planning expected expects "
    "expect upcoming tomorrow soon".split()
)
# Cues that are future only when they govern the expression ("through Friday", "due on
# Monday", "set for Sunday"); elsewhere in the clause they are ordinary words ("marched
# through the capital on Sunday", "set fire", "due to"), so only the last two words before
# the expression are read for them.
_FUTURE_ADJACENT = frozenset("due till until coming slated payable effective expire expires through starting".split())
_ADJACENT_WORDS = 2
# ... except "set to begin", "slated for": scheduled, wherever they stand in the clause. "set"
# alone is no cue: "a bomb set off Wednesday", "set fire on Sunday", "set Friday as the
# deadline" tell what was done.
_SCHEDULED = frozenset({"set", "slated"})
# Past cues that cannot be a participle after "will be" / "would have".
_PAST_FINITE = frozenset("said told was were did ago since last yesterday".split())
_PAST_WORDS = _PAST_FINITE | frozenset(
    "had been came went took made gave met began held left fell rose sent saw found became "
    "struck shot won lost fled hit killed announced reported".split()
)
_WORD = re.compile(r"[A-Za-z']+")
_CLAUSE_END = re.compile(r"[.!?;:\n]\s")


def _tense(text: str, start: int) -> int:
    """+1 when the last tense cue before `start` in its clause is a future one, -1 past, 0 none."""
    left = text[max(0, start - 90) : start]
    clause_start = 0
    for stop in _CLAUSE_END.finditer(left):
        clause_start = stop.end()
    direction, after_modal = 0, False
    words = list(_WORD.finditer(left, clause_start))
    for n, word in enumerate(words):
        token = word.group().lower()
        following = words[n + 1].group().lower() if n + 1 < len(words) else ""
        if (
            token in _FUTURE_WORDS
            or (token in _FUTURE_ADJACENT and n >= len(words) - _ADJACENT_WORDS)
            or (token in _SCHEDULED and following in ("to", "for"))
        ):
            direction, after_modal = 1, after_modal or token in en.FUTURE_MODALS
        elif token in _PAST_FINITE or (token in _PAST_WORDS and not after_modal):
            direction, after_modal = -1, False
    return direction


# --- calendar helpers -----------------------------------------------------------------


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# News looks back further than it looks ahead: without a future cue, a date or month more
# than this far ahead is taken to be last year's (measured on the dev corpora).
_FAR_AHEAD_DAYS = 90
_FAR_AHEAD_MONTHS = 3


def _pick_year(
    today: date, month: int, day: int, direction: int, weekday: int | None = None, latest: bool = False
) -> date | None:
    """The year for a month and day written without one.

    A weekday written beside it ("Friday, Oct. 13") decides between years. Otherwise the
    occurrence nearest publication, except that one more than `_FAR_AHEAD_DAYS` ahead is
    only taken with a future cue (and then also over a nearer one that far back). Plain
    tense did worse: "extended to Nov. 6" has a past verb and a coming date. With `latest`,
    the latest occurrence on or before publication (a weekday beside it still decides).
    """
    candidates = [
        d for y in (today.year - 1, today.year, today.year + 1) if (d := _safe_date(y, month, day)) is not None
    ]
    if latest:
        candidates = [d for d in candidates if d <= today] or [
            d for y in (today.year - 2, today.year - 3, today.year - 4) if (d := _safe_date(y, month, day)) is not None
        ]
    if weekday is not None:
        matching = [d for d in candidates if d.weekday() == weekday]
        if matching:
            return min(matching, key=lambda d: abs((d - today).days))
    past = [d for d in candidates if d <= today]
    coming = [d for d in candidates if d > today]
    if not past or not coming:  # 29 February: only leap years have one
        return past[-1] if past else (coming[0] if coming else None)
    back, ahead = (today - past[-1]).days, (coming[0] - today).days
    if ahead < back:
        take_coming = ahead <= _FAR_AHEAD_DAYS or direction > 0
    else:
        take_coming = back > _FAR_AHEAD_DAYS and direction > 0
    return coming[0] if take_coming else past[-1]


def _pick_month_year(today: date, month: int, direction: int) -> int:
    """The year of a month written without one.

    A future cue takes the coming occurrence ("will ... in June"); with no cue a month up to
    `_FAR_AHEAD_MONTHS` ahead is the coming one; otherwise the latest on or before publication
    (the current month counting as both).
    """
    ahead = (month - today.month) % 12
    if direction > 0 or (direction == 0 and 0 < ahead <= _FAR_AHEAD_MONTHS):
        return today.year + (month < today.month)
    return today.year - (month > today.month)


def _weekday_date(today: date, weekday: int, mode: str) -> date:
    """`mode`: 'past' on or before today, 'future' on or after, 'last' / 'next' strictly."""
    back = (today.weekday() - weekday) % 7
    ahead = (weekday - today.weekday()) % 7
    if mode == "past":
        return today - timedelta(days=back)
    if mode == "future":
        return today + timedelta(days=ahead)
    if mode == "last":
        return today - timedelta(days=back or 7)
    return today + timedelta(days=ahead or 7)


def _day(d: date | None) -> tuple[str, DatePrecision] | None:
    return None if d is None else (d.isoformat(), "day")


def _month(year: int, month: int) -> tuple[str, DatePrecision]:
    return f"{year:04d}-{month:02d}", "month"


def _year(year: int) -> tuple[str, DatePrecision]:
    return f"{year:04d}", "year"


def _relative_year(today: date, word: str | None) -> int:
    return today.year + {"last": -1, "next": 1}.get((word or "this").lower(), 0)


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name.rstrip(".").lower()]


def _weekday_number(name: str) -> int:
    return _WEEKDAY_NUMBERS[name.rstrip(".").lower()]


# --- rules ----------------------------------------------------------------------------

Resolved = tuple[str, DatePrecision]


@dataclass
class _Context:
    text: str
    today: date
    past: bool = False  # every guessed reading on or before `today` (see find_dates)
    month_first: bool | None = None  # the source's numeric date order, if known

    @cached_property
    def numeric_order(self) -> bool | None:
        return _numeric_order(self.text, self.month_first)

    def tense(self, match: re.Match[str]) -> int:
        return -1 if self.past else _tense(self.text, match.start())

    def pick_year(self, match: re.Match[str], month: int, day: int, weekday: int | None = None) -> date | None:
        return _pick_year(self.today, month, day, self.tense(match), weekday, latest=self.past)


Resolver = Callable[[re.Match[str], _Context], "Resolved | None"]


def _resolve_iso(m: re.Match[str], ctx: _Context) -> Resolved | None:
    return _day(_safe_date(int(m["year"]), int(m["month"]), int(m["day"])))


# d/m/y or m/d/y with a four-digit year ("8/7/2007", "08-07-2007", "8.7.2007"), or a
# two-digit one after a slash ("7/8/07").
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)"
    r"(?P<y>(?:1[89]|20)\d\d|(?<=/)\d\d)(?![\d/]|[.-]\d)"
)
# How the text writes dates in words: "March 13" (month first) or "13 March" (day first).
_WORDS_MONTH_FIRST = re.compile(r"\b" + _MONTH_ANY + r"\s+[0-3]?\d(?:st|nd|rd|th)?(?![\d:])\b")
_WORDS_DAY_FIRST = re.compile(r"\b[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_ANY + r"(?!\w)")
# Where numeric dates are written month first: the United States (with its territories) and
# the states that follow its usage. Everywhere else writes the day first.
MONTH_FIRST_COUNTRIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"})
# Without a convention, an ambiguous reading is taken only when it is this near publication
# and the other one is not.
_NUMERIC_NEAR_DAYS = 60


def _numeric_order(text: str, month_first: bool | None) -> bool | None:
    """Whether the text writes numeric dates month first (True), day first (False), or None.

    In order: its own unambiguous numeric dates ("13/7/2007" is day first, "7/13/2007" month
    first), if they agree; the order of its dates in words, if one order is more frequent;
    else `month_first`, the caller's knowledge of the source (the dateline's country).
    """
    day_first = month_first_seen = 0
    for m in _NUMERIC_DATE.finditer(text):
        if m["sep"] == ".":
            continue
        first, second = int(m["a"]), int(m["b"])
        day_first += first > 12 >= second
        month_first_seen += second > 12 >= first
    if bool(day_first) != bool(month_first_seen):
        return month_first_seen > 0
    in_words = (len(_WORDS_MONTH_FIRST.findall(text)), len(_WORDS_DAY_FIRST.findall(text)))
    if in_words[0] != in_words[1]:
        return in_words[0] > in_words[1]
    return month_first


def _resolve_numeric(m: re.Match[str], ctx: _Context) -> Resolved | None:
    """d/m/y or m/d/y. When both readings are valid dates, the writer's convention decides:
    dots are day first ("8.7.2007"); slashes and dashes follow `_numeric_order`. Without one,
    the reading within `_NUMERIC_NEAR_DAYS` of publication wins if the other is not;
    otherwise the expression is skipped as ambiguous.
    """
    first, second, year = int(m["a"]), int(m["b"]), int(m["y"])
    if year < 100:
        year += 2000 if year <= (ctx.today.year % 100) + 1 else 1900
    day_first, month_first = _safe_date(year, second, first), _safe_date(year, first, second)
    if day_first is None or month_first is None or day_first == month_first:
        return _day(day_first or month_first)
    order = False if m["sep"] == "." else ctx.numeric_order
    if order is not None:
        return _day(month_first if order else day_first)
    near = [d for d in (day_first, month_first) if abs((d - ctx.today).days) <= _NUMERIC_NEAR_DAYS]
    return _day(near[0]) if len(near) == 1 else None


# "between September and October of 2007", "on April 24 and 25, 1999": the year written
# after the second member of a pair belongs to the first too.
_PAIR_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_SHARED_YEAR_AFTER = re.compile(
    r"\s*(?:and|or|to|through|until|-|–)\s*(?:"
    + _MONTH_ANY
    + r"\s+"
    + _PAIR_DAY
    + "|"
    + _PAIR_DAY
    + r"(?:\s+of)?\s+"
    + _MONTH_ANY
    + "|"
    + _MONTH_ANY
    + "|"
    + _PAIR_DAY
    + r"),?\s+(?:of\s+)?((?:1[89]|20)\d\d)\b"
)


def _shared_year(m: re.Match[str], ctx: _Context) -> int | None:
    pair = _SHARED_YEAR_AFTER.match(ctx.text, m.end())
    return int(pair.group(1)) if pair else None


def _resolve_month_day(m: re.Match[str], ctx: _Context) -> Resolved | None:
    month, day = _month_number(m["month"]), int(m["day"])
    if m["year"]:
        return _day(_safe_date(int(m["year"]), month, day))
    if m["rel_year"]:
        return _day(_safe_date(_relative_year(ctx.today, m["rel_year"]), month, day))
    if (year := _shared_year(m, ctx)) is not None:
        return _day(_safe_date(year, month, day))
    weekday = _weekday_number(m["weekday"]) if m["weekday"] else None
    return _day(ctx.pick_year(m, month, day, weekday))


def _resolve_month_year(m: re.Match[str], ctx: _Context) -> Resolved | None:
    return _month(int(m["year"]), _month_number(m["month"]))


def _resolve_month_relative_year(m: re.Match[str], ctx: _Context) -> Resolved | None:
    return _month(_relative_year(ctx.today, m["rel_year"]), _month_number(m["month"]))


def _resolve_modified_month(m: re.Match[str], ctx: _Context) -> Resolved | None:
    """ "last March", "next April", "this June", "early May": a month of a year to choose."""
    month = _month_number(m["month"])
    modifier = (m.groupdict().get("mod") or "").lower()
    if modifier == "last":
        year = ctx.today.year if month < ctx.today.month else ctx.today.year - 1
    elif modifier == "next":
        year = ctx.today.year if month > ctx.today.month else ctx.today.year + 1
    elif modifier == "this":
        year = ctx.today.year
    elif (shared := _shared_year(m, ctx)) is not None:
        year = shared
    else:
        year = _pick_month_year(ctx.today, month, ctx.tense(m))
    return _month(year, month)


# Words before a bare "May"/"March" that make it a month rather than a verb or a noun.
_MONTH_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|until|till|from|through|during|of|before|after|between|to|and|or"
    r"|early|late|mid|last|next|this|end|beginning|start|middle)[\s-]+|-)$",
    re.IGNORECASE,
)
# "the May elections" is a month; "the March of Dimes", "the March on Rome" are names.
_MONTH_AS_MODIFIER = re.compile(r"\s+(?!(?:of|on|to|for|and|or)\b)[a-z]")
_CAPITALIZED_NEXT = re.compile(r"\s+[A-Z][a-z]")
_WEEKDAY_NEXT = re.compile(r"\s+" + _WEEKDAY)
_MONTH_NEXT = re.compile(r"\s+" + _MONTH_ANY)
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# "each July", "every Thursday" are sets, not dates.
_SET_BEFORE = re.compile(r"\b(?:each|every)\s+$", re.IGNORECASE)


def _starts_sentence(text: str, position: int) -> bool:
    before = text[max(0, position - 4) : position]
    return not before.strip() or "\n" in before or before.rstrip()[-1] in ".!?\"'`(“‘:"


def _resolve_bare_month(m: re.Match[str], ctx: _Context) -> Resolved | None:
    before = ctx.text[max(0, m.start() - 20) : m.start()]
    if _SET_BEFORE.search(before):
        return None
    # "April Ryan", "June Carter": a capitalized word after a month name makes it a name.
    if _CAPITALIZED_NEXT.match(ctx.text, m.end()) and not _WEEKDAY_NEXT.match(ctx.text, m.end()):
        return None
    if m["month"] in ("May", "March") and not (
        _MONTH_CUE_BEFORE.search(before) or (_THE_BEFORE.search(before) and _MONTH_AS_MODIFIER.match(ctx.text, m.end()))
    ):
        return None
    return _resolve_modified_month(m, ctx)


def _resolve_weekday(m: re.Match[str], ctx: _Context) -> Resolved | None:
    before = ctx.text[max(0, m.start() - 10) : m.start()]
    if _NAMED_DAY_BEFORE.search(before) or (not m["mod"] and _SET_BEFORE.search(before)):
        return None
    # "Sunday Times", "Monday Night Football": a day name that starts a title.
    if _CAPITALIZED_NEXT.match(ctx.text, m.end()) and not _MONTH_NEXT.match(ctx.text, m.end()):
        return None
    weekday = _weekday_number(m["weekday"])
    modifier = (m["mod"] or "").lower()
    if modifier in ("last", "next"):
        return _day(_weekday_date(ctx.today, weekday, modifier))
    direction = ctx.tense(m)
    if modifier == "this" and direction >= 0:
        direction = 1
    return _day(_weekday_date(ctx.today, weekday, "future" if direction > 0 else "past"))


_DEICTIC_WORDS = ("today", "tonight", "morning", "afternoon", "evening", "yesterday", "night", "tomorrow")
_DEICTIC_OFFSETS = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "earlier today": 0,
    "later today": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}


def _is_title(m: re.Match[str], ctx: _Context, group: str) -> bool:
    """ "USA Today", ABC's "This Week": a capitalized deictic word inside a sentence."""
    word_start = m.start(group)
    if not m[group][0].isupper():
        return False
    return word_start > m.start() or not _starts_sentence(ctx.text, word_start)


def _resolve_deictic(m: re.Match[str], ctx: _Context) -> Resolved | None:
    if _is_title(m, ctx, "deictic"):
        return None
    key = _SPACES.sub(" ", m["deictic"].lower())
    return _day(ctx.today + timedelta(days=_DEICTIC_OFFSETS[key]))


def _resolve_relative_unit(m: re.Match[str], ctx: _Context) -> Resolved | None:
    """last/this/next week, month, year (with "earlier", "the end of" ... in the span)."""
    if _is_title(m, ctx, "unit"):
        return None
    step = {"last": -1, "this": 0, "next": 1}[m["which"].lower()]
    unit = m["unit"].lower()
    if unit == "week":
        return _iso_week(ctx.today + timedelta(weeks=step)), "week"
    if unit == "month":
        return _month(*_add_months(ctx.today.year, ctx.today.month, step))
    return _year(ctx.today.year + step)


def _resolve_weekend(m: re.Match[str], ctx: _Context) -> Resolved | None:
    """ "(over) the weekend", "last/this/next weekend": the ISO week of that Saturday and
    Sunday. Bare and "past" look back (the weekend under way or the latest finished one)
    unless a future cue precedes; "last" is the previous week's, "next" the coming one."""
    which = (m["which"] or "").lower()
    in_weekend = ctx.today.weekday() >= 5
    if which == "this":
        step = 0
    elif which == "last":
        step = -1
    elif which == "next" or (not m["past"] and ctx.tense(m) > 0):
        step = 0 if not in_weekend else 1
    else:
        step = 0 if in_weekend else -1
    return _iso_week(ctx.today + timedelta(weeks=step)), "week"


def _resolve_ago(m: re.Match[str], ctx: _Context) -> Resolved | None:
    raw = m["count"].lower()
    count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit = m["unit"].lower()
    if unit == "day":
        return _day(ctx.today - timedelta(days=count))
    if unit == "week":
        return _iso_week(ctx.today - timedelta(weeks=count)), "week"
    if unit == "month":
        return _month(*_add_months(ctx.today.year, ctx.today.month, -count))
    return _year(ctx.today.year - count)


_FIXED_HOLIDAYS = {
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "fourth of july": (7, 4),
    "july fourth": (7, 4),
}


def _resolve_holiday(m: re.Match[str], ctx: _Context) -> Resolved | None:
    name = _SPACES.sub(" ", m["holiday"].lower()).removeprefix("the ")
    month, day = _FIXED_HOLIDAYS[name]
    if m["year"]:
        return _day(_safe_date(int(m["year"]), month, day))
    return _day(ctx.pick_year(m, month, day))


# A bare four-digit number is a year unless its neighbours say it is a count, a time, a
# price or part of a name.
_QUANTITY_BEFORE = re.compile(
    r"(?:[$£€#]|\b(?:about|some|nearly|almost|around|over|than|least|approximately"
    r"|roughly|only|just|estimated|total|number|Nos?\.)\s+|\d[.,]?)$"
)
_NOT_YEAR_AFTER = re.compile(
    r"(?:s\b|%|[.,:]\d|\s*(?:GMT|UTC|EST|EDT|BST|CET|hrs?\b|hours\b|h\b|local\b|pm\b|am\b"
    r"|p\.m\.|a\.m\.|percent|per\b|km|kilo|miles?\b|met(?:er|re)s?\b|feet\b|ft\b|tons?\b"
    r"|tonnes?\b|barrels?\b|dollars?\b|euros?\b|pounds?\b|yuan\b|yen\b|rupees?\b|shares?\b"
    r"|people\b|persons\b|men\b|women\b|children\b|troops\b|soldiers\b|militants?\b"
    r"|fighters\b|police\b|policemen\b|officers\b|civilians\b|dead\b|killed\b|injured\b"
    r"|wounded\b|detained\b|arrested\b|protesters\b|demonstrators\b|students\b|workers\b"
    r"|residents\b|refugees\b|families\b|homes\b|houses\b|votes\b|seats\b|members\b"
    r"|cases\b|deaths\b|jobs\b|employees\b|prisoners\b|rockets\b|units\b|copies\b))"
)
# A capitalized word inside a sentence right before a number names a thing ("Resolution
# 1701", "Flight 1549").
_NAME_BEFORE = re.compile(r"\b([A-Z][A-Za-z]*)\s+$")


def _resolve_year(m: re.Match[str], ctx: _Context) -> Resolved | None:
    year = int(m["year"])
    if year > ctx.today.year + 50:
        return None
    before = ctx.text[max(0, m.start() - 25) : m.start()]
    if _QUANTITY_BEFORE.search(before) or _NOT_YEAR_AFTER.match(ctx.text, m.end()):
        return None
    name = _NAME_BEFORE.search(before)
    if (
        name
        and name.group(1).lower() not in _MONTH_NUMBERS
        and not _starts_sentence(ctx.text, m.start() - len(name.group(0)))
    ):
        return None
    return _year(year)


# --- quarters, halves and seasons -------------------------------------------------------
#
# TimeML values `2019-Q4`, `2012-H1`, `2010-SP|SU|FA|WI`. eventwire's precisions are day,
# week, month and year; these fix no month, so they carry precision "year", and
# `event_value()` gives the year they begin in for event records.

_PERIOD_MONTHS = {"Q": 3, "H": 6}
# Meteorological seasons of the northern hemisphere, by their first month; a winter is
# named by the year it begins in (2010-WI: December 2010 to February 2011).
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _period_bounds(year: int, code: str) -> tuple[date, date]:
    """First and last day of a quarter (`Q1`..`Q4`), half (`H1`, `H2`) or season of `year`."""
    if code in _SEASON_START:
        start, length = _SEASON_START[code], 3
    else:
        length = _PERIOD_MONTHS[code[0]]
        start = (int(code[1]) - 1) * length + 1
    end_year, end_month = _add_months(year, start, length)
    return date(year, start, 1), date(end_year, end_month, 1) - timedelta(days=1)


def _pick_period(today: date, code: str, mode: str) -> str:
    """The year of a quarter, half or season written without one.

    `mode`: 'begun' the latest that has begun on or before `today`; 'begun or imminent' the
    same unless the next begins within `_RECENT_PERIOD_DAYS` ("the fourth quarter" in late
    August); 'ended' the latest that
    ended before it; 'coming' the first that has not ended, unless the latest ended less than
    `_RECENT_PERIOD_DAYS` ago ("expects to report third-quarter results" in October); 'next'
    the first that begins after it; 'this' the one under way, else the one of this calendar
    year (for a winter, the nearer of the two that touch it); 'near' the
    one under way, else the next if it begins within `_FAR_AHEAD_DAYS`, else the last ended
    (as for months: news looks back further than ahead).
    """
    spans = [(y, *_period_bounds(y, code)) for y in range(today.year - 2, today.year + 2)]
    ended = [s for s in spans if s[2] < today]
    ahead = [s for s in spans if s[1] > today]
    under_way = [s for s in spans if s[1] <= today <= s[2]]
    if mode == "begun":
        year = (under_way or ended)[-1][0]
    elif mode == "begun or imminent":
        imminent = (ahead[0][1] - today).days <= _RECENT_PERIOD_DAYS
        year = (under_way or (ahead[:1] if imminent else ended[-1:]))[0][0]
    elif mode == "ended":
        year = ended[-1][0]
    elif mode == "coming":
        recent = (today - ended[-1][2]).days <= _RECENT_PERIOD_DAYS
        year = (under_way or ended[-1:] if recent else under_way or ahead)[0][0]
    elif mode == "next":
        year = ahead[0][0]
    elif under_way:
        year = under_way[0][0]
    elif mode == "this":  # of this calendar year; a winter touches two, take the nearer
        this_year = [sp for sp in spans if sp[1].year <= today.year <= sp[2].year]
        year = min(this_year, key=lambda sp: min(abs((sp[1] - today).days), abs((sp[2] - today).days)))[0]
    else:
        year = ahead[0][0] if (ahead[0][1] - today).days <= _FAR_AHEAD_DAYS else ended[-1][0]
    return f"{year:04d}-{code}"


def _period_code(m: re.Match[str]) -> str:
    """Q1..Q4 / H1, H2 / SP..WI from the match's `season`, `qn*`, `hn*` or `ord` + `unit`."""
    groups = {k: v for k, v in m.groupdict().items() if v}
    if "season" in groups:
        return en.SEASONS[groups["season"].lower()]
    for name, letter in (("qn", "Q"), ("qn2", "Q"), ("qn3", "Q"), ("hn", "H"), ("hn2", "H")):
        if name in groups:
            return letter + groups[name]
    ordinal = en.PERIOD_ORDINALS[groups["ord"].lower()]
    return f"H{min(ordinal, 2)}" if groups["unit"].lower() == "half" else f"Q{ordinal}"


def _written_year(m: re.Match[str], today: date) -> int | None:
    """The year written with a period: "2019", "'19", "last/this/next year", "the year"."""
    groups = {k: v for k, v in m.groupdict().items() if v}
    written = groups.get("year") or groups.get("year2") or groups.get("year3")
    if written:
        year = int(written.lstrip("'"))
        if year < 100:
            year += 2000 if year <= today.year % 100 + 1 else 1900
        return year
    if "rel" in groups:
        return _relative_year(today, groups["rel"])
    return today.year if "the_year" in groups else None


def _resolve_period(m: re.Match[str], ctx: _Context) -> Resolved | None:
    """A quarter, half or season with its year ("the third quarter of 2019", "Q3 2019",
    "next year's first half", "the summer of 2010") or without ("the fourth quarter", "last
    fall", "this spring"). Without a year: a quarter is the latest begun (a future cue: the
    first not ended); a season "last" / "next" the latest ended / the next to begin, else
    the one under way, else by the cue as for a quarter, else the nearer one."""
    if _SPORT.search(ctx.text, max(0, m.start() - 60), m.end() + 60):
        return None
    code = _period_code(m)
    year = _written_year(m, ctx.today)
    if year is not None:
        return f"{year:04d}-{code}", "year"
    which = _SPACES.sub(" ", (m.groupdict().get("which") or "").lower())
    direction = ctx.tense(m)
    if which in ("last", "this past"):
        mode = "ended"
    elif which in ("next", "this coming"):
        mode = "next"
    elif which == "this":
        mode = "this"  # this year's: no past reading before it begins
    elif direction > 0:
        mode = "coming"
    elif direction < 0:
        mode = "begun"
    elif code not in _SEASON_START:
        mode = "begun or imminent"
    else:
        mode = "near"
    value = _pick_period(ctx.today, code, mode)
    if m.groupdict().get("ago"):  # "the year-ago third quarter"
        value = f"{int(value[:4]) - 1:04d}{value[4:]}"
    return value, "year"


def _resolve_relative_quarter(m: re.Match[str], ctx: _Context) -> Resolved | None:
    """ "this quarter", "the current quarter" / "last quarter", "the latest quarter", "the
    past quarter" / "next quarter": the quarter of publication, the one before, the one after."""
    if _SPORT.search(ctx.text, max(0, m.start() - 60), m.end() + 60):
        return None
    which = m["which"].lower().split()[-1]
    step = {"this": 0, "current": 0, "present": 0, "next": 1, "coming": 1}.get(which, -1)
    year, month = _add_months(ctx.today.year, (ctx.today.month - 1) // 3 * 3 + 1, 3 * step)
    return f"{year:04d}-Q{(month - 1) // 3 + 1}", "year"


# A season named alone is a date only after a preposition of time; "fall" only after "in"
# ("after the fall" of a city, "could spring", "a winter storm" are no dates).
_SEASON_CUE_BEFORE = re.compile(
    r"\b(?:in|during|over|through|until|till|since|by|before|after"
    r"|throughout|from|to)\s+$",
    re.IGNORECASE,
)
_FALL_CUE_BEFORE = re.compile(r"\bin\s+$", re.IGNORECASE)


def _resolve_bare_season(m: re.Match[str], ctx: _Context) -> Resolved | None:
    before = ctx.text[max(0, m.start() - 12) : m.start()]
    cue = _FALL_CUE_BEFORE if m["season"] == "fall" else _SEASON_CUE_BEFORE
    return _resolve_period(m, ctx) if cue.search(before) else None


# The quarters and halves of a game are not dates.
# A quarter that ended this recently is still the one meant after a future cue (results are
# reported weeks after the quarter ends); one that begins this soon is meant without a cue.
_RECENT_PERIOD_DAYS = 62
_SPORT = re.compile(
    r"\b(?:touchdowns?|field goals?|overtime|half-?time|innings|kick-?off|playoffs?"
    r"|the (?:game|match)|scored|scoring)\b",
    re.IGNORECASE,
)
_YEAR = r"(?:1[89]|20)\d\d"
_ORDINAL = r"(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)"
_HALF_ORDINAL = r"(?P<ord>first|second|latter|last|1st|2nd)"
_OF_YEAR = (
    r"(?:\s+of)?(?:\s+fiscal)?\s+(?:(?P<year>" + _YEAR + r")\b|(?:the\s+)?(?P<rel>last|this"
    r"|next)\s+year\b|(?P<the_year>the\s+(?:current\s+)?year)\b)"
)
_YEAR_BEFORE = (
    r"(?:(?P<year>" + _YEAR + r")(?:'s)?|(?P<rel>[Ll]ast|[Tt]his|[Nn]ext)\s+year's)\s+"
    r"(?:fiscal\s+)?"
)
_NOT_A_QUARTER = r"(?![\s-]+(?:century|centuries|mile|hour|point|final|of\s+(?:a|an)\b))"
_SEASON = r"(?P<season>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter|[Ff]all)"
_SEASON_MOD = r"(?:(?:early|late|mid|the\s+(?:end|start|beginning|middle)\s+of)[\s-]+)?"

# Rules whose words do not occur in a text are not run (`find_dates` lowers the text once):
# most texts name no quarter, half or season.
_QUARTER = ("quarter",)
_HALF = ("half",)
_Q_CODES = ("q1", "q2", "q3", "q4", "1q", "2q", "3q", "4q", "h1", "h2", "1h", "2h")
_SEASONS = tuple(en.SEASONS)
Rule = tuple[re.Pattern[str], Resolver, tuple[str, ...]]

_PERIOD_RULES: tuple[Rule, ...] = (
    # "the third quarter of 2019", "fourth-quarter 2019", "the first half of next year"
    (
        re.compile(r"\b(?:the\s+)?(?:fiscal\s+)?" + _ORDINAL + r"[\s-]+(?P<unit>quarter)" + _OF_YEAR, re.IGNORECASE),
        _resolve_period,
        _QUARTER,
    ),
    (
        re.compile(r"\b(?:the\s+)?" + _HALF_ORDINAL + r"[\s-]+(?P<unit>half)" + _OF_YEAR, re.IGNORECASE),
        _resolve_period,
        _HALF,
    ),
    # "the 2019 third quarter", "2019's fourth quarter", "next year's first half"
    (re.compile(r"\b(?:the\s+)?" + _YEAR_BEFORE + _ORDINAL + r"[\s-]+(?P<unit>quarter)\b"), _resolve_period, _QUARTER),
    (re.compile(r"\b(?:the\s+)?" + _YEAR_BEFORE + _HALF_ORDINAL + r"[\s-]+(?P<unit>half)\b"), _resolve_period, _HALF),
    # "Q3 2019", "Q3/2019", "Q3 '19", "3Q 2019", "2019 Q3", "H1 2012", "1H 2012"
    (
        re.compile(
            r"\b(?:Q(?P<qn>[1-4])|(?P<qn2>[1-4])Q)[\s/-]?(?P<year>" + _YEAR + r"|'\d\d)\b"
            r"|\b(?P<year2>" + _YEAR + r")[\s/-]?Q(?P<qn3>[1-4])\b"
            r"|\b(?:H(?P<hn>[12])|(?P<hn2>[12])H)[\s/-]?(?P<year3>" + _YEAR + r"|'\d\d)\b"
        ),
        _resolve_period,
        _Q_CODES,
    ),
    # "the fourth quarter", "third-quarter profit", "Q4": the year from publication; "the
    # year-ago third quarter" a year before
    (
        re.compile(
            r"\b(?:(?P<ago>year-ago|year-earlier|prior-year|year-before)\s+)?"
            r"(?:fiscal[\s-]+)?(?P<ord>first|second|third|fourth|final|1st|2nd|3rd|4th)"
            r"[\s-]+(?P<unit>quarter)\b" + _NOT_A_QUARTER,
            re.IGNORECASE,
        ),
        _resolve_period,
        _QUARTER,
    ),
    (re.compile(r"(?<![\w-])Q(?P<qn>[1-4])(?![\w-])"), _resolve_period, _Q_CODES),
    (
        re.compile(
            r"\b(?P<which>this|the\s+(?:current|present|latest|previous|past|most\s+recent"
            r"|last|prior|preceding)|last|next|the\s+(?:next|coming))\s+quarter\b" + _NOT_A_QUARTER,
            re.IGNORECASE,
        ),
        _resolve_relative_quarter,
        _QUARTER,
    ),
    # "the summer of 2010", "winter 2010", "spring of last year"
    (
        re.compile(
            r"\b" + _SEASON_MOD + r"(?:the\s+)?" + _SEASON + r"(?:\s+of)?,?\s+(?P<year>" + _YEAR + r")(?![\d,.]\d)\b"
        ),
        _resolve_period,
        _SEASONS,
    ),
    (
        re.compile(
            r"\b" + _SEASON_MOD + r"(?:the\s+)?" + _SEASON + r"\s+of\s+(?P<rel>last|this|next)"
            r"\s+year\b"
        ),
        _resolve_period,
        _SEASONS,
    ),
    # "last fall", "this spring", "this past summer", "early next winter"
    (
        re.compile(
            r"\b(?:(?:early|late|mid)[\s-]+)?(?P<which>[Ll]ast|[Tt]his(?:\s+(?:past|coming))?"
            r"|[Nn]ext)\s+" + _SEASON + r"\b(?!\s+[A-Z])"
        ),
        _resolve_period,
        _SEASONS,
    ),
    # "in the summer", "during winter", "by early spring" (see _resolve_bare_season)
    (
        re.compile(
            r"\b(?:the\s+)?" + _SEASON_MOD + r"(?P<season>spring|summer|autumn|winter|fall)\b"
            r"(?!\s+(?:[A-Z]|of\s+\w*[a-z]|in\b))"
        ),
        _resolve_bare_season,
        _SEASONS,
    ),
)


# "mid-2011", "early March 2015", "the end of 2011": the value of what they modify (TimeML
# puts the part in `mod`; eventwire's precisions have no part of a year).
_MODIFIER = (
    r"(?:(?:[Ee]arly|[Ll]ate|[Mm]id|[Ee]arlier|[Ll]ater"
    r"|[Tt]he\s+(?:end|start|beginning|middle)\s+of)"
    r"[\s-]+)?"
)

# Order matters only for equal spans; overlapping matches keep the longest.
_RULES: tuple[Rule, ...] = (
    (
        re.compile(
            r"(?<![\d-])(?P<year>(?:1[89]|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
            r"(?:[T ][0-2]\d:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-][0-2]\d:?[0-5]\d)?)?"
            r"(?![\d-])"
        ),
        _resolve_iso,
        (),
    ),
    (_NUMERIC_DATE, _resolve_numeric, ()),
    (
        re.compile(
            r"\b(?:(?P<weekday>"
            + _WEEKDAY_ANY
            + r"),?\s+)?(?:the\s+)?(?P<month>"
            + _MONTH_ANY
            + r")\s+"
            + _DAY
            + r"(?!\d|[:.]\d)\b"
            + _YEAR_SUFFIX
        ),
        _resolve_month_day,
        (),
    ),
    (
        re.compile(
            r"\b(?:(?P<weekday>"
            + _WEEKDAY_ANY
            + r"),?\s+)?(?:the\s+)?"
            + _DAY
            + r"(?:\s+of)?\s+(?P<month>"
            + _MONTH_ANY
            + r")(?!\w)"
            + _YEAR_SUFFIX
        ),
        _resolve_month_day,
        (),
    ),
    (
        re.compile(
            r"\b" + _MODIFIER + r"(?P<month>" + _MONTH_ANY + r"),?\s+(?:of\s+)?(?P<year>(?:1[89]|20)\d\d)(?![\d,.]\d)\b"
        ),
        _resolve_month_year,
        (),
    ),
    (
        re.compile(
            r"\b" + _MODIFIER + r"(?P<month>" + _MONTH_FULL + r")\s+(?:of\s+)?(?P<rel_year>last|this|next)\s+year\b"
        ),
        _resolve_month_relative_year,
        ("year",),
    ),
    (
        re.compile(
            r"\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate|[Mm]id)[\s-]+(?P<month>" + _MONTH_FULL + r")\b"
        ),
        _resolve_modified_month,
        (),
    ),
    (re.compile(r"(?<![\w-])(?P<month>" + _MONTH_FULL + r")\b(?!-)"), _resolve_bare_month, ()),
    (
        re.compile(
            r"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate|[Ee]arlier)\s+)?"
            r"(?P<weekday>" + _WEEKDAY + r")(?:'s)?" + _TIME_OF_DAY + r"\b"
        ),
        _resolve_weekday,
        ("day",),
    ),
    (
        re.compile(
            r"\b(?:(?:early|late|earlier|later)\s+)?(?P<deictic>"
            + "|".join(k.replace(" ", r"\s+") for k in sorted(_DEICTIC_OFFSETS, key=len, reverse=True))
            + r")"
            + _TIME_OF_DAY
            + r"\b",
            re.IGNORECASE,
        ),
        _resolve_deictic,
        _DEICTIC_WORDS,
    ),
    (
        re.compile(r"\b" + _MODIFIER + r"(?P<which>last|this|next)\s+(?P<unit>week|month|year)\b", re.IGNORECASE),
        _resolve_relative_unit,
        ("last", "this", "next"),
    ),
    (
        re.compile(r"\b(?:(?P<which>last|this|next)\s+|the\s+(?:(?P<past>past)\s+)?)weekend\b", re.IGNORECASE),
        _resolve_weekend,
        ("weekend",),
    ),
    (
        re.compile(r"\b" + _NUMBER + r"\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.IGNORECASE),
        _resolve_ago,
        ("ago",),
    ),
    (
        re.compile(
            r"\b(?P<holiday>New\s+Year's\s+(?:Day|Eve)|Christmas\s+(?:Day|Eve)"
            r"|(?:the\s+)?Fourth\s+of\s+July|July\s+Fourth)"
            r"(?:,?\s+(?P<year>(?:1[89]|20)\d\d)\b)?"
        ),
        _resolve_holiday,
        ("new year", "christmas", "fourth"),
    ),
    (re.compile(r"(?<![\w.,/:-])" + _MODIFIER + r"(?P<year>(?:1[89]|20)\d\d)(?![\w/:]|-\d)"), _resolve_year, ()),
    *_PERIOD_RULES,
)


# --- dates told relative to the text's own time ---------------------------------------------
#
# "the following day", "that year", "a year earlier", "the year-ago quarter", "ended the day"
# name a time relative to the last date the text gave (its reference time), not to
# publication. They are resolved after the other expressions, against the latest of those
# that ends before them within `_REFERENCE_CHARS` and is of a unit they can refer to.

_REFERENCE_CHARS = 400
Found = tuple[int, int, str, DatePrecision]


def _unit_of(value: str) -> str:
    """'day', 'week', 'month', 'quarter' (a quarter or half), 'season' or 'year'."""
    if len(value) == 4:
        return "year"
    if len(value) == 10:
        return "day"
    code = value[5:]
    if code.isdigit():
        return "month"
    if code[0] in "QH":
        return "quarter"
    return "season" if code in _SEASON_START else "week"


def _shift(value: str, unit: str, step: int) -> str:
    """`value` moved by `step` days, months or years (`unit`), in its own format."""
    if unit == "day":
        return (date.fromisoformat(value) + timedelta(days=step)).isoformat()
    if unit == "month":
        year, month = _add_months(int(value[:4]), int(value[5:7]), step)
        return f"{year:04d}-{month:02d}" + value[7:]
    year = int(value[:4]) + step
    kind = _unit_of(value)
    if kind == "day":
        month, day = int(value[5:7]), int(value[8:10])
        return (_safe_date(year, month, day) or date(year, month, day - 1)).isoformat()
    if kind == "week":
        return f"{year:04d}-W{min(int(value[6:]), date(year, 12, 28).isocalendar()[1]):02d}"
    return f"{year:04d}{value[4:]}"


def _truncate(value: str, unit: str) -> str:
    """The day, month or year (`unit`) of a value at least that fine."""
    return value[: {"day": 10, "month": 7, "year": 4}[unit]]


_UNITS_OF = {"day": ("day",), "month": ("day", "month"), "year": ("day", "week", "month", "quarter", "season", "year")}
# What a comparison with the period a year before refers to: the reporting period.
_PERIOD_NOUNS = {"quarter": ("quarter",), "month": ("month",), "period": ("quarter", "month"), "": ("quarter", "month")}
_PRECISIONS: dict[str, DatePrecision] = {
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "year",
    "season": "year",
    "year": "year",
}
_PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night"})
_SENTENCE_END = re.compile(r"[.!?]['\"”’]?\s")
_SPAN_BEFORE = re.compile(r"\b(?:in|over|within|during|for|throughout)\s+$", re.IGNORECASE)
_MARKET_VERB_BEFORE = re.compile(
    r"\b(?:end|ends|ended|ending|finish|finished|finishing|close|closed"
    r"|closing|start|started|starting|open|opened|opening)\s+$"
)


def _reference(
    text: str,
    taken: list[Found],
    position: int,
    units: tuple[str, ...],
    same_sentence: bool = False,
    within: int = _REFERENCE_CHARS,
) -> str | None:
    """The value of the latest expression of one of `units` ending before `position`, within
    `within` characters (and, with `same_sentence`, in the same sentence)."""
    for _, end, value, _ in reversed(taken):
        if end <= position:
            if position - end > within or (same_sentence and _SENTENCE_END.search(text, end, position)):
                return None
            if _unit_of(value) in units:
                return value
    return None


Anaphor = Callable[[re.Match[str], str, list[Found], date], "str | None"]


def _step(m: re.Match[str], text: str, taken: list[Found], today: date) -> str | None:
    """ "the following day", "the next month", "the previous year", "the year before"; not a
    span of time ("in the next year", "over the following month")."""
    if _SPAN_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return None
    unit = m["unit"].lower()
    unit = "day" if unit in _PARTS_OF_DAY else unit  # "the next morning"
    ref = _reference(text, taken, m.start(), _UNITS_OF[unit])
    step = 1 if m["step"] and m["step"].lower() in ("following", "next") else -1
    return None if ref is None else _shift(_truncate(ref, unit), unit, step)


def _later(m: re.Match[str], text: str, taken: list[Found], today: date) -> str | None:
    """ "three days later", "a week earlier", "two months later": the date told last, moved
    by that much (days and weeks from a day, months from a day or a month, years from any)."""
    raw = m["count"].lower()
    count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit = m["unit"].lower().rstrip("s")
    if unit == "week":
        unit, count = "day", 7 * count
    ref = _reference(text, taken, m.start(), _UNITS_OF[unit])
    step = count if m["direction"].lower() == "later" else -count
    return None if ref is None else _shift(_truncate(ref, unit), unit, step)


def _same(m: re.Match[str], text: str, taken: list[Found], today: date) -> str | None:
    """ "that day", "the same month", "later that year": the reference's day, month, year."""
    unit = m["unit"].lower()
    ref = _reference(text, taken, m.start(), _UNITS_OF[unit])
    return None if ref is None else _truncate(ref, unit)


def _own(m: re.Match[str], text: str, taken: list[Found], today: date) -> str | None:
    """ "later in the day", "ended the day": the day of the story, else the report's; "the end
    of the year", "earlier in the month": the year or month of a date in the same sentence,
    else the report's."""
    if m["market"] and not _MARKET_VERB_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return None
    unit = m["unit"].lower()
    ref = _reference(text, taken, m.start(), _UNITS_OF[unit], same_sentence=unit != "day")
    return _truncate(ref or today.isoformat(), unit)


def _period(m: re.Match[str], text: str, taken: list[Found], today: date) -> str | None:
    """ "the quarter", "the latest period", "the 1988 quarter", "last year's quarter", "the
    quarter a year ago": the reporting period the text last named (a quarter or a half)."""
    ref = _reference(text, taken, m.start(), ("quarter",), within=len(text))
    if ref is None:
        return None
    if m["year"]:
        return m["year"] + ref[4:]
    return _shift(ref, "year", -1) if m["ago"] or m.group().lower().startswith("last") else ref


def _year_before(m: re.Match[str], text: str, taken: list[Found], today: date) -> str | None:
    """ "the same period last year", "the year-ago quarter", "year-earlier (profit)", "a year
    ago", "a year earlier" after a quarter or a month: that period a year before."""
    noun = (m["noun"] or "").lower()
    units = _PERIOD_NOUNS[noun]
    ref = _reference(text, taken, m.start(), units)
    if ref is None and m.group().lower().startswith("a year"):
        ref = str(today.year)
    return None if ref is None else _shift(ref, "year", -1)


_NOT_A_TIME_AFTER = r"(?!\s+(?:before|after|of|when|that|in\s+which|ended|ending)\b)"
_YEAR_AGO = (
    r"(?:a\s+year\s+(?:ago|earlier|before)|(?:of\s+)?last\s+year"
    r"|of\s+the\s+(?:previous|prior|last)\s+year)"
)
# As for _RULES, each with the words without which it is not run.
_ANAPHORA: tuple[tuple[re.Pattern[str], Anaphor, tuple[str, ...]], ...] = (
    (
        re.compile(
            r"\b[Tt]he\s+(?P<step>following|next|previous|preceding|prior)\s+(?P<unit>day|month"
            r"|year|morning|afternoon|evening|night)\b(?!\s+(?:\w+ing|[A-Z\d])\b)"
        ),
        _step,
        ("following", "next", "previous", "preceding", "prior"),
    ),
    (
        # "a year earlier" after a quarter is the comparison below, not a year before a day
        re.compile(
            r"\b(?!(?:[Aa]n?|[Oo]ne)\s+years?\b)" + _NUMBER + r"\s+(?P<unit>days?|weeks?|months?|years?)"
            r"\s+(?P<direction>later|earlier)\b(?!\s+than\b)",
            re.IGNORECASE,
        ),
        _later,
        ("later", "earlier"),
    ),
    (
        re.compile(
            r"\b[Tt]he\s+(?P<unit>day|month|year)\s+before\b(?!\s+(?:last|yesterday|the|a|an|his"
            r"|her|their|its|\w+ing|[A-Z\d])\b)(?P<step>)"
        ),
        _step,
        ("before",),
    ),
    (
        re.compile(
            r"\b(?:(?:[Ee]arlier|[Ll]ater)\s+that\s+|[Tt]hat\s+(?:same\s+)?|[Tt]he\s+same\s+)"
            r"(?P<unit>day|month|year)\b" + _NOT_A_TIME_AFTER
        ),
        _same,
        ("that", "same"),
    ),
    (
        re.compile(
            r"\b(?:(?:[Ee]arlier|[Ll]ater)\s+in\s+the\s+|[Tt]he\s+(?:end|start|beginning|middle"
            r"|rest|remainder)\s+of\s+the\s+|(?P<market>the\s+(?:trading\s+)?))(?P<unit>day|month"
            r"|year)\b(?!\s+(?:after|of|when|that|in\s+which|ended|ending)\b)"
        ),
        _own,
        ("the day", "the month", "the year", "trading day"),
    ),
    (
        re.compile(
            r"\b(?:[Tt]he\s+)?(?:same|corresponding|comparable)\s+(?P<noun>period|quarter|month)"
            r"\s+" + _YEAR_AGO + r"\b"
        ),
        _year_before,
        ("same", "corresponding", "comparable"),
    ),
    (
        re.compile(
            r"\b(?:[Tt]he\s+)?(?:comparable\s+|corresponding\s+)?(?:[Yy]ear-(?:ago|earlier|before)"
            r"|[Pp]rior-year|[Pp]revious-year)(?:\s+(?P<noun>quarter|period|month))?\b"
        ),
        _year_before,
        ("year-", "prior-year", "previous-year"),
    ),
    (
        re.compile(r"\b[Aa]\s+year\s+(?:ago|earlier|before)\b(?!\s+(?:than|that|when)\b)(?P<noun>)"),
        _year_before,
        ("a year",),
    ),
    (
        re.compile(
            r"\b(?:[Tt]he|[Tt]hat|[Ii]ts)\s+(?:same\s+quarter|quarter|(?:latest\s+|same\s+)?period)"
            r"(?P<ago>\s+a\s+year\s+(?:ago|earlier|before))?\b(?!\s+(?:of|ended|ending|to|from|in"
            r"|when)\b)(?P<year>)"
        ),
        _period,
        ("quarter", "period"),
    ),
    (
        re.compile(r"\b[Tt]he\s+(?P<year>(?:1[89]|20)\d\d)\s+(?:quarter|period)\b(?P<ago>)"),
        _period,
        ("quarter", "period"),
    ),
    (re.compile(r"\b[Ll]ast\s+year's\s+(?:quarter|period)\b(?P<ago>)(?P<year>)"), _period, ("year's",)),
)


def _with_anaphora(text: str, taken: list[Found], today: date) -> list[Found]:
    """`taken` (in text order) with the expressions told relative to it; an anaphor replaces
    the expressions it covers ("the same period last year" over "last year", "a year ago"
    read against the quarter before it over the year before publication), and is dropped
    where it overlaps one only in part."""
    lower = text.lower()
    matches = sorted(
        (
            (m, resolve)
            for pattern, resolve, words in _ANAPHORA
            if any(w in lower for w in words)
            for m in pattern.finditer(text)
        ),
        key=lambda found: found[0].start(),
    )
    resolved: list[Found] = []
    told: list[Found] = []  # the narrative's times, in text order
    for m, resolve in matches:
        # one told relative to another follows it ("three days later ... the next morning");
        # a comparison period ("a year earlier") is no time of the narrative
        value = resolve(m, text, sorted(taken + told) if told else taken, today)
        if value is not None:
            resolved.append((m.start(), m.end(), value, _PRECISIONS[_unit_of(value)]))
            if resolve in (_step, _later):
                told.append(resolved[-1])
    if not resolved:
        return taken
    resolved.sort(key=lambda f: (f[0] - f[1], f[0]))
    chosen: list[Found] = []
    for candidate in resolved:
        if all(candidate[1] <= c[0] or candidate[0] >= c[1] for c in chosen):
            chosen.append(candidate)
    kept = [t for t in taken if not any(a[0] <= t[0] and t[1] <= a[1] for a in chosen)]
    kept += [a for a in chosen if not any(t[0] < a[1] and a[0] < t[1] for t in kept)]
    return sorted(kept)


def find_dates(
    text: str, published_at: datetime, *, past: bool = False, month_first: bool | None = None
) -> list[TimeExpression]:
    """Every date expression in `text`, in order, resolved against `published_at`.

    `published_at` should be timezone-aware; its own calendar date (in its offset) is the
    anchor for "today", "Monday", "last week" ... A naive datetime is taken as UTC.

    With `past`, the text is read as telling what has happened: every reading that is a
    choice (the year of "March 4", the week of "Wednesday" or "the weekend", the year of a
    bare month) is the latest one on or before the publication day, and an expression with
    no such reading is left out: one that fixes a later time itself ("March 4, 2027",
    "tomorrow", "next week") or that a future cue puts ahead ("would travel on Thursday",
    "payable Dec. 1"): it tells a time to come, not when something happened.

    `month_first` is what the caller knows of the source's numeric dates ("7/8/07"): True
    for month first (a US dateline, `MONTH_FIRST_COUNTRIES`), False for day first; the text's
    own dates overrule it (see `_numeric_order`).
    """
    ctx = _Context(text, published_at.date(), past, month_first)
    found: list[tuple[int, int, str, DatePrecision]] = []
    lower = text.lower()
    for pattern, resolve, words in _RULES:
        if words and not any(word in lower for word in words):
            continue
        for match in pattern.finditer(text):
            resolved = resolve(match, ctx)
            if resolved is not None:
                found.append((match.start(), match.end(), *resolved))
    # Longest first, then leftmost; keep what does not overlap a longer one.
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    taken: list[tuple[int, int, str, DatePrecision]] = []
    for candidate in found:
        if all(candidate[1] <= t[0] or candidate[0] >= t[1] for t in taken):
            taken.append(candidate)
    taken.sort()
    taken = _with_anaphora(text, taken, ctx.today)
    if past:
        taken = [t for t in taken if interval(t[2])[0] <= ctx.today and _tense(text, t[0]) <= 0]
    return [TimeExpression(text[s:e], s, e, value, precision) for s, e, value, precision in taken]


def interval(value: str) -> tuple[date, date]:
    """The first and last day a value of `find_dates` covers ("2017-W11": Monday to Sunday,
    "2017-Q1": January to March, "2010-WI": December 2010 to February 2011)."""
    if value[5:6] in ("Q", "H", "S", "F") or value[5:7] == "WI":
        return _period_bounds(int(value[:4]), value[5:])
    if len(value) == 10:
        day = date.fromisoformat(value)
        return day, day
    year = int(value[:4])
    if value[5:6] == "W":
        monday = date.fromisocalendar(year, int(value[6:]), 1)
        return monday, monday + timedelta(days=6)
    if len(value) == 7:
        month = int(value[5:])
        next_year, next_month = _add_months(year, month, 1)
        return date(year, month, 1), date(next_year, next_month, 1) - timedelta(days=1)
    return date(year, 1, 1), date(year, 12, 31)


def event_value(value: str) -> str:
    """A value of `find_dates` in the formats of event records (day, ISO week, month, year):
    a quarter, half or season becomes the year it begins in ("2019-Q4" -> "2019")."""
    return value[:4] if value[5:6] in ("Q", "H", "S", "F") or value[5:7] == "WI" else value
