"""Finding and normalizing dates in news text (workers.extract.dates) and their evaluation.

Every expected value below is a calendar fact worked out by hand, e.g. 2017-03-15 is a
Wednesday, 2017-03-13 a Monday, and 2017-03-15 lies in ISO week 2017-W11.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workers.evaluate.dates import evaluate_dates, main, value_precision
from workers.extract.dates import event_value, find_dates, interval

UTC = UTC
WEDNESDAY = datetime(2017, 3, 15, 10, 0, tzinfo=timezone(timedelta(hours=3)))
MONDAY = datetime(2017, 3, 13, 9, 0, tzinfo=UTC)


def found(text: str, published_at: datetime = WEDNESDAY) -> list[tuple[str, str, str]]:
    """(text, value, precision) of each expression, after checking the offsets."""
    expressions = find_dates(text, published_at)
    for e in expressions:
        assert text[e.start : e.end] == e.text
    return [(e.text, e.value, e.precision) for e in expressions]


def values(text: str, published_at: datetime = WEDNESDAY) -> list[str]:
    return [value for _, value, _ in found(text, published_at)]


# --- weekdays -------------------------------------------------------------------------


def test_said_monday_is_the_latest_monday_on_or_before_publication() -> None:
    assert found("Police said Monday that the road was closed.") == [("Monday", "2017-03-13", "day")]
    assert values("Officials said on Friday that talks had failed.") == ["2017-03-10"]


def test_weekday_of_publication_is_that_day_not_a_week_earlier() -> None:
    assert values("The army said Monday it had retaken the town.", MONDAY) == ["2017-03-13"]


def test_future_tense_and_next_resolve_forward() -> None:
    assert values("The ministers will meet on Monday in Geneva.") == ["2017-03-20"]
    assert values("Talks are scheduled for Thursday.") == ["2017-03-16"]
    assert values("The vote is set for next Monday.") == ["2017-03-20"]
    assert values("The vote is set for next Monday.", MONDAY) == ["2017-03-20"]


def test_last_weekday_is_strictly_before_publication() -> None:
    assert values("Gunmen attacked the convoy last Friday.") == ["2017-03-10"]
    assert values("He resigned last Monday.", MONDAY) == ["2017-03-06"]


def test_time_of_day_attached_to_a_day_resolves_to_the_day() -> None:
    assert found("Fighting resumed Monday morning.") == [("Monday morning", "2017-03-13", "day")]
    assert values("Protesters gathered on Sunday night outside parliament.") == ["2017-03-12"]
    assert values("The blast happened at 3 p.m. on Tuesday, police said.") == ["2017-03-14"]


def test_weekday_names_in_titles_holidays_and_sets_are_not_dates() -> None:
    assert found("The Sunday Times reported the deal.") == []
    assert found("Pilgrims marked Good Friday in Jerusalem.") == []
    assert found("Activists protest every Friday outside the embassy.") == []


# --- deictic days, weeks, months, years ------------------------------------------------


def test_yesterday_today_tonight_last_night() -> None:
    assert found("Troops withdrew yesterday; the curfew starts tonight.") == [
        ("yesterday", "2017-03-14", "day"),
        ("tonight", "2017-03-15", "day"),
    ]
    assert values("Rockets hit the city last night and again today.") == ["2017-03-14", "2017-03-15"]
    assert values("The summit opens tomorrow.") == ["2017-03-16"]


def test_the_local_day_of_publication_is_the_anchor() -> None:
    # 23:30 at UTC-5 on the 15th is already the 16th in UTC.
    late_evening = datetime(2017, 3, 15, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert values("Police said today that two men were arrested yesterday.", late_evening) == [
        "2017-03-15",
        "2017-03-14",
    ]


def test_weeks_are_iso_weeks() -> None:
    assert found("Talks collapsed last week.") == [("last week", "2017-W10", "week")]
    assert values("A verdict is expected this week.") == ["2017-W11"]
    assert values("The envoy returns next week.") == ["2017-W12"]


def test_iso_weeks_across_the_new_year() -> None:
    # 2016-01-01 is a Friday of 2015-W53; 2017-01-02 is the Monday of 2017-W01.
    assert values("Prices rose this week.", datetime(2016, 1, 1, tzinfo=UTC)) == ["2015-W53"]
    assert values("Prices rose last week.", datetime(2017, 1, 2, tzinfo=UTC)) == ["2016-W52"]


def test_months_and_years_relative_to_publication() -> None:
    assert found("Earlier this month, rebels seized the airport.") == [("Earlier this month", "2017-03", "month")]
    assert values("Exports fell last month.") == ["2017-02"]
    assert values("Exports fell last month.", datetime(2017, 1, 2, tzinfo=UTC)) == ["2016-12"]
    assert found("The law passed last year; elections are due next year.") == [
        ("last year", "2016", "year"),
        ("next year", "2018", "year"),
    ]
    assert values("Inflation this year is high.") == ["2017"]


def test_ago() -> None:
    assert found("The group was founded two days ago.") == [("two days ago", "2017-03-13", "day")]
    assert found("He fled three weeks ago.") == [("three weeks ago", "2017-W08", "week")]
    assert values("The deal was signed 10 days ago.") == ["2017-03-05"]
    assert values("She left six months ago.") == ["2016-09"]
    assert values("A year ago the town was quiet.") == ["2016"]


# --- calendar dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The bombing on March 13, 2017 killed six.",
        "The bombing on 13 March 2017 killed six.",
        "The bombing on March 13th, 2017 killed six.",
        "The bombing on the 13th of March 2017 killed six.",
        "The bombing on 2017-03-13 killed six.",
        "The bombing on 13/03/2017 killed six.",
        "The bombing on 13.03.2017 killed six.",
    ],
)
def test_full_dates_in_the_usual_orders(text: str) -> None:
    assert values(text) == ["2017-03-13"]


def test_abbreviated_months_and_weekday_prefixes() -> None:
    assert found("Talks resumed on Friday, March 10, in Doha.") == [("Friday, March 10", "2017-03-10", "day")]
    assert values("The ruling came on Sept. 27, 1989.") == ["1989-09-27"]
    assert values("Sun, 12 Mar 2017 08:00:00 GMT") == ["2017-03-12"]


def test_month_and_day_without_year_take_the_nearest_year() -> None:
    assert values("The attack on Dec. 28 was claimed by no one.", datetime(2017, 1, 10, tzinfo=UTC)) == ["2016-12-28"]
    assert values("Elections are due on May 5.") == ["2017-05-05"]


def test_a_date_far_ahead_needs_a_future_cue() -> None:
    october = datetime(2017, 10, 30, tzinfo=UTC)
    # 2018-03-31 is 152 days ahead, 2017-03-31 213 days back.
    assert values("Sales rose in the year ended March 31.", october) == ["2017-03-31"]
    assert values("The bonds will be repaid on March 31.", october) == ["2018-03-31"]
    # 2018-01-02 is 64 days ahead: near enough without a cue.
    assert values("The dividend is payable Jan. 2 to holders.", october) == ["2018-01-02"]


def test_a_weekday_beside_a_date_chooses_its_year() -> None:
    # 2018-01-05 is a Friday, 2017-01-05 a Thursday; the nearer one is 2017-01-05.
    assert values("The hearing is on Friday, Jan. 5.", datetime(2017, 7, 1, tzinfo=UTC)) == ["2018-01-05"]


def test_ambiguous_numeric_dates_are_read_only_when_one_reading_is_near() -> None:
    december = datetime(2017, 12, 10, tzinfo=UTC)
    assert values("Filed 04/12/2017 at the court.", december) == ["2017-12-04"]
    # 3 April and 4 March are both within two months of 15 March: left alone.
    assert values("Filed 03/04/2017 at the court.") == []


JULY_2007 = datetime(2007, 7, 20, tzinfo=UTC)


def test_numeric_dates_follow_the_order_of_the_texts_own_dates() -> None:
    # 7 August and 8 July are both within two months of 20 July: the text decides.
    # An unambiguous sibling: 13/7 can only be day first, 7/13 only month first.
    assert values("Filed 13/7/2007; heard 7/8/2007.", JULY_2007) == ["2007-07-13", "2007-08-07"]
    assert values("Filed 7/13/2007; heard 7/8/2007.", JULY_2007) == ["2007-07-13", "2007-07-08"]
    # Dates in words: "July 8" is written month first, "8 July" day first.
    assert values("The jet flew on July 8, written 7/8/07.", JULY_2007) == ["2007-07-08", "2007-07-08"]
    assert values("The jet flew on 7 August, written 7/8/07.", JULY_2007) == ["2007-08-07", "2007-08-07"]


def test_numeric_dates_follow_the_source_when_the_text_does_not_tell() -> None:
    text = "The contract was signed on 7/8/07 in the capital."
    assert values(text, JULY_2007) == []
    assert [e.value for e in find_dates(text, JULY_2007, month_first=True)] == ["2007-07-08"]
    assert [e.value for e in find_dates(text, JULY_2007, month_first=False)] == ["2007-08-07"]
    # The text's own dates overrule the source.
    assert [e.value for e in find_dates("Signed 13/7/2007 and 7/8/2007.", JULY_2007, month_first=True)] == [
        "2007-07-13",
        "2007-08-07",
    ]


def test_dotted_and_dashed_numeric_dates() -> None:
    # Dots are written day first; dashes follow the text like slashes.
    assert values("Signed 8.7.2007 in Bern.", JULY_2007) == ["2007-07-08"]
    assert values("Signed 13-07-2007 and 08-07-2007.", JULY_2007) == ["2007-07-13", "2007-07-08"]
    assert found("Scores of 2-1 and 10-2-3, a ratio of 1.2.3") == []


def test_a_month_of_next_year() -> None:
    assert found("Dealers will close after October of next year.") == [("October of next year", "2018-10", "month")]


def test_months_with_and_without_years() -> None:
    assert found("Fighting has continued since August 2016.") == [("August 2016", "2016-08", "month")]
    assert values("The ceasefire collapsed in March last year.") == ["2016-03"]
    assert values("Officials said in November that the mine had closed.", datetime(2017, 8, 10, tzinfo=UTC)) == [
        "2016-11"
    ]
    assert values("The vote will be held in November.", datetime(2017, 8, 10, tzinfo=UTC)) == ["2017-11"]
    assert values("Prices rose in March.", datetime(2017, 8, 10, tzinfo=UTC)) == ["2017-03"]
    # No cue: October (two months ahead) is the coming one, December (four) the last one.
    assert values("Results come in October.", datetime(2017, 8, 10, tzinfo=UTC)) == ["2017-10"]
    assert values("Results in December were weak.", datetime(2017, 8, 10, tzinfo=UTC)) == ["2016-12"]


def test_bare_may_and_march_as_months() -> None:
    assert values("The government said in May that it would resign.") == ["2016-05"]
    assert values("The election is due in May.") == ["2017-05"]
    assert values("Turnout in the May elections was low.") == ["2017-05"]


def test_a_year_after_a_pair_belongs_to_both() -> None:
    assert values("Prices rose between September and October of 2007.") == ["2007-09", "2007-10"]
    # The lone "25" is not taken; its year is, as a year.
    assert values("The summit was held on April 24 and 25, 1999.") == ["1999-04-24", "1999"]
    assert values("Talks ran from March 30 to April 2, 2016.") == ["2016-03-30", "2016-04-02"]


def test_years() -> None:
    assert found("The group was formed in 2015.") == [("2015", "2015", "year")]
    assert values("Since 1998 the border has been closed.") == ["1998"]
    assert values("A 1996 law banned the party.") == ["1996"]
    assert values("Output will double by mid-2019.") == ["2019"]


def test_datelines_and_timestamps_of_wire_copy() -> None:
    text = "14:23 GMT +3\n13 March 2017\nBAGHDAD (Reuters) - Gunmen killed 12 people."
    assert found(text) == [("13 March 2017", "2017-03-13", "day")]
    assert values("WASHINGTON, March 12 (Xinhua) -- The envoy left.") == ["2017-03-12"]
    assert values("Updated 2017-03-15T08:12:00Z") == ["2017-03-15"]


def test_fourth_of_july_is_a_day() -> None:
    # 4 July 2017 is 111 days after publication: more than 90 days ahead needs a future cue.
    assert values("Fireworks were banned on the Fourth of July.") == ["2016-07-04"]
    assert values("Fireworks will be banned on the Fourth of July.") == ["2017-07-04"]


# --- what is not a date ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Militants may attack the base again.",
        "May God protect us, he said.",
        "Thousands joined a protest march through the capital.",
        "Police said 324 people were killed and 913 detained.",
        "An estimated 5,000 militants crossed the border.",
        "About 2000 people fled the fighting.",
        "The curfew begins at 1900 GMT.",
        "The council adopted Resolution 1701 unanimously.",
        "The violence of the 1990s returned.",
        "He was jailed for three years.",
        "Fighting has raged over the past two years.",
        "Patrols go out every week.",
        "Clashes erupted recently in the north.",
        "He told USA Today he would stay.",
        'He said on ABC\'s "This Week" that talks were over.',
        "Farmers march each July to the capital.",
    ],
)
def test_not_dates(text: str) -> None:
    assert found(text) == []


def test_overlapping_rules_keep_the_longest_expression() -> None:
    assert found("On Monday, March 13, 2017, at dawn") == [("Monday, March 13, 2017", "2017-03-13", "day")]


def test_speed_is_well_above_100_kb_per_second() -> None:
    sentence = (
        "Police said Monday that 324 people were detained on March 13, 2017, and "
        "that talks would resume next week in Geneva after a protest march. "
    )
    text = sentence * (200_000 // len(sentence))
    started = time.process_time()  # CPU time: other work on the machine does not count
    find_dates(text, WEDNESDAY)
    assert time.process_time() - started < 2.0  # 200 KB in under 2 s


# --- evaluation ----------------------------------------------------------------------------


def test_value_precision() -> None:
    assert value_precision("2017-03-13") == "day"
    assert value_precision("2017-W11") == "week"
    assert value_precision("2017-03") == "month"
    assert value_precision("2017") == "year"
    # quarters, halves and seasons fix no month
    assert value_precision("2017-Q1") == value_precision("2017-H2") == "year"
    assert value_precision("2017-SU") == value_precision("2017-WI") == "year"
    assert value_precision("PRESENT_REF") is None
    assert value_precision("1998-WXX") is None


def _gold_file(tmp_path: Path) -> Path:
    text = "Police said Monday that a march in 2015 ended. The talks last quarter failed now."
    timexes = [
        {"text": "Monday", "start": 12, "end": 18, "type": "DATE", "value": "2017-03-13"},
        # We say 2015 (year); gold says a day, so the value and the precision are wrong.
        {"text": "2015", "start": 35, "end": 39, "type": "DATE", "value": "2015-06-01"},
        {"text": "last quarter", "start": 56, "end": 68, "type": "DATE", "value": "2016-Q4"},
        {"text": "now", "start": 76, "end": 79, "type": "DATE", "value": "PRESENT_REF"},
    ]
    row = {"corpus": "toy", "id": "1", "text": text, "published_at": "2017-03-15", "gold": {"timexes": timexes}}
    path = tmp_path / "toy.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_evaluate_dates_counts_matches_values_and_precisions(tmp_path: Path) -> None:
    figures = evaluate_dates(_gold_file(tmp_path), baseline=False)["systems"]["eventwire"]
    assert figures["gold"] == 3  # "now" has no value we can express
    assert figures["matched"] == 3
    assert figures["false_positives"] == 0
    assert figures["value_accuracy"] == 0.667
    assert figures["precision_field_accuracy"] == 0.667


def test_main_skips_cleanly_without_gold_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "absent.jsonl")]) == 0
    assert "nothing to evaluate" in capsys.readouterr().err


def test_figures_on_the_shared_dev_corpus(shared_dir: Path) -> None:
    path = shared_dir / "dev" / "meantime.dev.jsonl"
    if not path.is_file():
        pytest.skip("meantime.dev.jsonl is absent")
    figures = evaluate_dates(path, baseline=False)["systems"]["eventwire"]
    # Floors a little under the figures in docs/dates.md, to catch regressions.
    assert figures["span_recall"] >= 0.85
    assert figures["value_accuracy"] >= 0.9


# --- cues that are future only next to the expression -----------------------------------

TUESDAY_MANILA = datetime(2019, 3, 12, 17, 0, tzinfo=timezone(timedelta(hours=8)))  # a Tuesday


def test_a_spatial_through_earlier_in_the_clause_is_not_a_future_cue() -> None:
    # 2019-03-10 is the Sunday before Tuesday 2019-03-12.
    assert values("Thousands marched through the capital on Sunday, organisers said.", TUESDAY_MANILA) == ["2019-03-10"]
    assert values("Protesters set fire to tyres on Sunday.", TUESDAY_MANILA) == ["2019-03-10"]


def test_adjacent_and_scheduling_cues_still_look_ahead() -> None:
    assert values("The offer is valid through Friday.", TUESDAY_MANILA) == ["2019-03-15"]
    assert values("The trial is set to begin in London on Wednesday.", TUESDAY_MANILA) == ["2019-03-13"]


# --- weekends -------------------------------------------------------------------------


def test_the_weekend_is_the_iso_week_of_the_latest_weekend() -> None:
    # Tuesday 2019-03-12 is in W11; the weekend of 9-10 March is in W10.
    assert found("Protests spread over the weekend.", TUESDAY_MANILA) == [("the weekend", "2019-W10", "week")]
    # Published on Sunday 2022-09-25 (W38): the weekend under way.
    sunday = datetime(2022, 9, 25, 22, 0, tzinfo=timezone(timedelta(hours=3, minutes=30)))
    assert values("Protests spread over the weekend.", sunday) == ["2022-W38"]


def test_a_future_or_next_weekend_is_the_coming_one() -> None:
    assert values("Talks will resume at the weekend.", TUESDAY_MANILA) == ["2019-W11"]
    assert values("It happened last weekend.", TUESDAY_MANILA) == ["2019-W10"]
    assert values("They meet next weekend.", TUESDAY_MANILA) == ["2019-W11"]


@pytest.mark.parametrize(
    "text",
    [
        # "overnight" is the small hours of the sentence's reference time (the report's day, the
        # story's day, else publication), which the event frame picks: not a date of its own.
        "Rebels attacked the checkpoint overnight, the governor said.",
        "Shares fell on overnight losses in New York.",
    ],
)
def test_overnight_is_not_a_date_of_its_own(text: str) -> None:
    assert found(text) == []


# --- happenings told as past never lie after their report ---------------------------------

DECEMBER_SATURDAY = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)  # 2026-12-05 is a Saturday


def test_a_detonation_set_off_on_a_weekday_is_not_a_schedule() -> None:
    # "set" alone tells what was done; only "set to" / "set for" schedule.
    assert values("A bomb set off Wednesday killed five people.", DECEMBER_SATURDAY) == ["2026-12-02"]
    assert values("Rebels set fire Monday to the depot.", DECEMBER_SATURDAY) == ["2026-11-30"]
    assert values("The vote is set for Monday.", DECEMBER_SATURDAY) == ["2026-12-07"]


def test_past_reading_takes_the_latest_choice_on_or_before_publication() -> None:
    text = (
        "Gunmen shot two men on March 4; a rally this Friday, the weekend, in March, "
        "tomorrow, next week and on March 4, 2027."
    )
    near = [(e.text, e.value) for e in find_dates(text, DECEMBER_SATURDAY)]
    past = [(e.text, e.value) for e in find_dates(text, DECEMBER_SATURDAY, past=True)]
    # March 4 is 89 days ahead: the nearest reading without `past`.
    assert near[0] == ("March 4", "2027-03-04")
    # Words that fix a later time themselves have no past reading.
    assert past == [
        ("March 4", "2026-03-04"),
        ("this Friday", "2026-12-04"),
        ("the weekend", "2026-W49"),
        ("March", "2026-03"),
    ]
    # "this summer" in March is this year's, which has not begun: no past reading either.
    march = datetime(2026, 3, 20, tzinfo=UTC)
    assert find_dates("Protests are planned for this summer.", march, past=True) == []
    assert [e.value for e in find_dates("Protests continued this winter.", march, past=True)] == ["2025-WI"]
    # Nor have words a future cue puts ahead.
    assert find_dates("He said they would travel on Thursday.", DECEMBER_SATURDAY, past=True) == []
    assert values("He said they would travel on Thursday.", DECEMBER_SATURDAY) == ["2026-12-10"]


def test_interval_of_each_value_format() -> None:
    assert interval("2017-03-13") == (date(2017, 3, 13), date(2017, 3, 13))
    assert interval("2017-W11") == (date(2017, 3, 13), date(2017, 3, 19))
    assert interval("2016-02") == (date(2016, 2, 1), date(2016, 2, 29))
    assert interval("2016-12") == (date(2016, 12, 1), date(2016, 12, 31))
    assert interval("2016") == (date(2016, 1, 1), date(2016, 12, 31))


_GUESSED = st.one_of(
    st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]).flatmap(
        lambda d: st.sampled_from([d, f"this {d}", f"{d} night"])
    ),
    st.tuples(st.sampled_from(["January", "March", "June", "Sept.", "Dec."]), st.integers(1, 28)).map(
        lambda md: f"{md[0]} {md[1]}"
    ),
    st.sampled_from(
        [
            "in April",
            "in November",
            "the weekend",
            "over the weekend",
            "earlier this month",
            "this week",
            "Christmas Day",
            "in the fourth quarter",
            "in the first quarter",
            "this summer",
            "in the spring",
            "last winter",
            "this winter",
            "in Q2",
        ]
    ),
)


@given(
    expression=_GUESSED,
    day=st.dates(date(1990, 1, 1), date(2035, 12, 31)),
    cue=st.sampled_from(["", "will ", "is scheduled ", "until "]),
)
@settings(max_examples=300, deadline=None)
def test_past_readings_never_start_after_publication(expression: str, day: date, cue: str) -> None:
    published = datetime.combine(day, datetime.min.time(), UTC)
    text = f"The fighting {cue}ended {expression}; talks resume tomorrow and on {expression}, 2040."
    for e in find_dates(text, published, past=True):
        assert interval(e.value)[0] <= day, (text, day, e)


_PAST_HAPPENINGS = [
    "two men were shot dead in {place}",
    "a bomb set off {date} killed five people in {place}",
    "gunmen attacked a police checkpoint in {place}",
    "police arrested three protesters in {place}",
    "thousands of people marched through {place}",
    "troops shelled the outskirts of {place}",
    "a suicide bomber blew himself up at a market in {place}",
    "the minister condemned the killing of a journalist in {place}",
]
_EVENT_DATES = st.one_of(
    _GUESSED,
    st.sampled_from(["yesterday", "last Friday", "two days ago", "last month", "earlier this week"]),
    st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(0, 30)).map(
        lambda dmy: f"{dmy[0]}/{dmy[1]}/{dmy[2]:02d}"
    ),
)


_NO_PREPOSITION = frozenset({"in", "over", "the", "this", "last", "two", "earlier", "yesterday"})


@pytest.fixture(scope="module")
def extractor():  # type: ignore[no-untyped-def]
    from workers.extract.pipeline import Extractor

    return Extractor().load()


@given(
    happening=st.sampled_from(_PAST_HAPPENINGS),
    expression=_EVENT_DATES,
    place=st.sampled_from(["Kabul", "Salisbury", "Mosul", "Lagos"]),
    front=st.booleans(),
    day=st.dates(date(1995, 1, 1), date(2035, 12, 31)),
    hour=st.integers(0, 23),
)
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_event_told_as_past_is_dated_after_its_report(
    extractor,
    happening: str,
    expression: str,  # type: ignore[no-untyped-def]
    place: str,
    front: bool,
    day: date,
    hour: int,
) -> None:
    """The invariant: a happening the text tells as done starts on or before the publication
    (local) day, whatever the date words would mean on their own."""
    from workers.records import Article

    clause = happening.format(place=place, date=expression)
    when = expression if expression.split()[0] in _NO_PREPOSITION else f"on {expression}"
    if "{date}" in happening:
        body = clause[0].upper() + clause[1:] + ", officials said."
    elif front:
        body = f"{when[0].upper()}{when[1:]}, {clause}."
    else:
        body = f"{clause[0].upper()}{clause[1:]} {when}, officials said."
    published = datetime.combine(day, datetime.min.time()).replace(hour=hour, tzinfo=UTC)
    article = Article(id="p", body=body, published_at=published.isoformat())
    for event in extractor.extract(article):
        assert interval(event.date.value)[0] <= day, (body, published.date(), event.date)


@pytest.mark.parametrize(
    ("dateline", "value"), [("WASHINGTON (AP) —", "2007-07-08"), ("LONDON (Reuters) —", "2007-08-07")]
)
def test_the_dateline_country_orders_numeric_dates(extractor, dateline: str, value: str) -> None:  # type: ignore[no-untyped-def]
    from workers.records import Article

    body = f"{dateline} The contract was signed on 7/8/07, the ministry said."
    dates = extractor.annotate(Article(id="d", body=body, published_at="2007-08-20T09:00:00Z")).dates
    assert [(d.text, d.value) for d in dates] == [("7/8/07", value)]


# --- quarters, halves, seasons ------------------------------------------------------------

OCTOBER_THURSDAY = datetime(2019, 10, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sales fell in the third quarter of 2018.", "2018-Q3"),
        ("Q3 2018 sales fell.", "2018-Q3"),
        ("Sales fell in 2018 Q3.", "2018-Q3"),
        ("Deliveries start in the first quarter of next year.", "2020-Q1"),
        ("Deliveries start in next year's first quarter.", "2020-Q1"),
        ("It lost money in the 2017 fourth quarter.", "2017-Q4"),
        ("Output rose in the first half of 2012.", "2012-H1"),
        ("Output rose in H1 2012.", "2012-H1"),
        ("Output will rise in the second half of the year.", "2019-H2"),
        ("It was the worst winter 2010 had seen.", "2010-WI"),
        ("Talks broke down in the summer of 2008.", "2008-SU"),
    ],
)
def test_quarters_halves_and_seasons_with_their_year(text: str, value: str) -> None:
    assert [(v, p) for _, v, p in found(text, OCTOBER_THURSDAY)] == [(value, "year")]


def test_quarters_without_a_year_are_the_latest_begun() -> None:
    # 24 October 2019: the fourth quarter is under way, the third just ended.
    assert values("Third-quarter profit rose 8%.", OCTOBER_THURSDAY) == ["2019-Q3"]
    assert values("Profit will rise in the fourth quarter.", OCTOBER_THURSDAY) == ["2019-Q4"]
    assert values("The plant closed in the first quarter.", OCTOBER_THURSDAY) == ["2019-Q1"]
    # A future cue looks ahead, except to the quarter that has just ended (results come late).
    assert values("The plant will reopen in the first quarter.", OCTOBER_THURSDAY) == ["2020-Q1"]
    assert values("It expects to report third-quarter results soon.", OCTOBER_THURSDAY) == ["2019-Q3"]
    assert values("Profit rose this quarter but fell last quarter.", OCTOBER_THURSDAY) == ["2019-Q4", "2019-Q3"]
    assert values("Profit in the year-ago third quarter was lower.", OCTOBER_THURSDAY) == ["2018-Q3"]
    # One that begins within two months is meant without a cue (late August: the coming Q4).
    assert values("Ten plants close during the fourth quarter.", datetime(2019, 8, 20, tzinfo=UTC)) == ["2019-Q4"]


def test_seasons_without_a_year() -> None:
    assert values("Protests began last summer.", OCTOBER_THURSDAY) == ["2019-SU"]
    assert values("Fighting stopped last fall.", datetime(2019, 4, 2, tzinfo=UTC)) == ["2018-FA"]
    assert values("The dam will be finished next spring.", OCTOBER_THURSDAY) == ["2020-SP"]
    assert values("Elections are due this summer.", datetime(2019, 3, 2, tzinfo=UTC)) == ["2019-SU"]
    assert values("Rebels regrouped in the spring.", OCTOBER_THURSDAY) == ["2019-SP"]
    # A winter is named by the year it begins in.
    assert values("Aid ran short this winter.", datetime(2020, 1, 15, tzinfo=UTC)) == ["2019-WI"]
    assert interval("2019-WI") == (date(2019, 12, 1), date(2020, 2, 29))


@pytest.mark.parametrize(
    "text",
    [
        "A quarter of the staff left.",
        "In the last quarter century the city grew.",
        "He scored twice in the fourth quarter of the game.",
        "The Arab Spring began in Tunisia.",
        "Prices fell after the fall of the government.",
        "There was a fall in prices.",
        "Residents could spring into action.",
        "A winter storm hit the coast.",
        "The Summer Olympics opened.",
    ],
)
def test_not_quarters_or_seasons(text: str) -> None:
    assert found(text, OCTOBER_THURSDAY) == []


def test_periods_become_the_year_they_begin_in_on_event_records() -> None:
    assert event_value("2019-Q4") == event_value("2019-H2") == event_value("2019-WI") == "2019"
    assert event_value("2019-10-24") == "2019-10-24"
    assert event_value("2019-W43") == "2019-W43"


# --- parts of a year or month keep the precision of what they modify ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mid-2011 is the target for the new plant.", ("Mid-2011", "2011", "year")),
        ("The plant opens in mid-2011.", ("mid-2011", "2011", "year")),
        ("Early 2012, rebels took the town.", ("Early 2012", "2012", "year")),
        ("Late March 2015 saw the first strikes.", ("Late March 2015", "2015-03", "month")),
        ("Late last year, talks failed.", ("Late last year", "2009", "year")),
        ("Later this year the vote will be held.", ("Later this year", "2010", "year")),
        ("Earlier this month police raided the office.", ("Earlier this month", "2010-10", "month")),
    ],
)
def test_early_mid_late_keep_the_precision_of_what_they_modify(text: str, expected: tuple) -> None:
    assert found(text, datetime(2010, 10, 23, tzinfo=UTC)) == [expected]


# --- dates told relative to the text's own time --------------------------------------------


def test_the_following_day_and_that_year_follow_the_last_date_given() -> None:
    text = (
        "The rebels took the town on May 3, 2004. Earlier that day, the army had left. "
        "The following day the mayor fled, and the next month the governor resigned. "
        "In 1998 the mine closed; the following year it reopened."
    )
    assert found(text, OCTOBER_THURSDAY)[1:4] == [
        ("Earlier that day", "2004-05-03", "day"),
        ("The following day", "2004-05-04", "day"),
        ("the next month", "2004-06", "month"),
    ]
    assert values(text, OCTOBER_THURSDAY)[-1] == "1999"
    # Without a date to follow, or as a span of time, they are skipped.
    assert found("The following day was calm.", OCTOBER_THURSDAY) == []
    assert values("Prices rose in 2010 and kept rising over the following year.", OCTOBER_THURSDAY) == ["2010"]


def test_days_weeks_and_months_later_or_earlier_count_from_the_last_date_given() -> None:
    text = (
        "Police arrested him on May 3, 2004. Three days later, protesters marched. "
        "He was released two weeks later. The next morning he left the country. "
        "He had arrived in March 2004 and applied for asylum a month earlier."
    )
    assert found(text, OCTOBER_THURSDAY)[1:4] == [
        ("Three days later", "2004-05-06", "day"),
        ("two weeks later", "2004-05-20", "day"),
        ("The next morning", "2004-05-21", "day"),
    ]
    assert values(text, OCTOBER_THURSDAY)[-1] == "2004-02"
    # Without a date before it, or compared with something, it is no date.
    assert found("Three days later, protesters marched.", OCTOBER_THURSDAY) == []
    assert values("On May 3, 2004, the vote came two days later than planned.", OCTOBER_THURSDAY) == ["2004-05-03"]


def test_comparisons_with_the_same_period_a_year_before() -> None:
    text = (
        "Third-quarter profit rose to $5 million from $4 million a year earlier. In the "
        "year-ago quarter, sales were lower. Sales rose 4% in September compared with "
        "the same month last year."
    )
    assert values(text, OCTOBER_THURSDAY) == ["2019-Q3", "2018-Q3", "2018-Q3", "2019-09", "2018-09"]
    # With no period named before it, "a year ago" / "a year earlier" is a year before publication.
    assert values("Prices are up 3% from a year ago.", OCTOBER_THURSDAY) == ["2018"]
    assert values("Prices are up 3% from a year earlier.", OCTOBER_THURSDAY) == ["2018"]
    # The reporting period is the article's: "the quarter" far below it still means it.
    filler = "Analysts had expected more, and shares fell in early trading on the news. " * 8
    assert values("Third-quarter profit fell. " + filler + "Costs rose in the quarter.", OCTOBER_THURSDAY) == [
        "2019-Q3",
        "2019-Q3",
    ]


def test_the_day_a_market_closed_and_the_end_of_the_year() -> None:
    assert found("Stocks fell on Monday, and the index ended the day 2% lower.", OCTOBER_THURSDAY) == [
        ("Monday", "2019-10-21", "day"),
        ("the day", "2019-10-21", "day"),
    ]
    assert values("The index rose 30 points to end the day at 8,000.", OCTOBER_THURSDAY) == ["2019-10-24"]
    assert values("The deal should close by the end of the year.", OCTOBER_THURSDAY) == ["2019"]
    assert found("He spent the day at home.", OCTOBER_THURSDAY) == []
