"""The Extractor end to end: offsets into the body as received, merging, selection, ids."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workers.extract.nlp import load_nlp
from workers.extract.pipeline import Annotations, Extractor
from workers.records import Article

NB = "\u00a0"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_nlp())


@pytest.fixture(scope="module")
def parse_all() -> Extractor:
    return Extractor(load_nlp(), select_sentences=False)


def article(body: str, published_at: str = "2019-03-12T09:30:00+04:30", id: str = "t-1") -> Article:
    return Article(id=id, body=body, published_at=published_at, source="test", url="https://example.org/t-1")


BOMBING = article(
    "    KABUL, Afghanistan (AP)\u00a0\u2014 A suicide bomber blew himself up outside a ministry in Kabul"
    " on Monday, killing six people, officials said.\n\n"
    "    Interior Ministry spokesman Nasrat Rahimi said the talks with donors would go ahead.\n"
    "Markets were calm."
)


def test_offsets_index_the_body_as_received(extractor: Extractor) -> None:
    ann = extractor.annotate(BOMBING)
    assert ann.events
    for e in ann.events:
        assert BOMBING.body[e.trigger.start : e.trigger.end] == e.trigger.text
        assert BOMBING.body[e.evidence.start : e.evidence.end] == e.evidence.text
        assert e.evidence.start <= e.trigger.start < e.trigger.end <= e.evidence.end
    for item in [*ann.places, *ann.dates]:
        assert BOMBING.body[item.start : item.end] == item.text


def test_bombing_article(extractor: Extractor) -> None:
    events = extractor.extract(BOMBING)
    assert [(e.type, e.subtype) for e in events] == [("attack", "suicide_bombing"), ("statement", "statement")]
    attack, statement = events
    assert attack.trigger.text == "blew himself up"
    assert (attack.date.value, attack.date.precision, attack.date.source) == ("2019-03-11", "day", "text")
    assert attack.location is not None and (attack.location.name, attack.location.country_code) == ("Kabul", "AF")
    assert attack.codes == {"cameo": "1831", "plover": "ASSAULT", "plover_mode": "suicide-attack"}
    assert (statement.date.value, statement.date.source) == ("2019-03-12", "published_at")
    assert statement.location is not None and statement.location.name == "Kabul"  # the dateline


def test_headline_and_body_make_one_event(extractor: Extractor) -> None:
    body = (
        "Germany condemns deadly bombing in Mali\n\n"
        "BAMAKO (AFP) \u2014 A roadside bomb killed three peacekeepers in central Mali on Monday.\n"
        "Germany's foreign ministry condemned the bombing."
    )
    events = extractor.extract(article(body, "2020-12-08T13:00:00+01:00"))
    assert sorted((e.type, e.subtype) for e in events) == [
        ("attack", "roadside_bombing"),
        ("statement", "condemnation"),
    ]
    attack = next(e for e in events if e.type == "attack")
    assert attack.date.value == "2020-12-07" and attack.location is not None
    assert attack.location.country_code == "ML"


def test_no_event_article(extractor: Extractor) -> None:
    body = f"Weather\nSunny{NB}spells are expected this week.\nFarmers welcomed the dry conditions."
    assert extractor.extract(article(body)) == []
    assert extractor.extract(article("")) == []


def test_event_ids_are_deterministic(extractor: Extractor) -> None:
    first = [e.event_id for e in extractor.extract(BOMBING)]
    again = [e.event_id for e in Extractor(load_nlp()).extract(BOMBING)]
    other = [e.event_id for e in extractor.extract(article(BOMBING.body, id="t-2"))]
    assert first == again and len(set(first)) == len(first)
    assert not set(first) & set(other)


def test_annotate_many_keeps_order_and_matches_single(extractor: Extractor) -> None:
    arts = [article(BOMBING.body, id=f"a{i}") if i % 2 else article("Markets rose.", id=f"a{i}") for i in range(5)]
    many = list(extractor.annotate_many(arts, batch_size=2))
    assert [a.article_id for a in many] == [a.id for a in arts]
    assert [len(a.events) for a in many] == [len(extractor.annotate(a).events) for a in arts]
    assert isinstance(many[0], Annotations) and set(many[0].to_dict()) == {"article_id", "events", "places", "dates"}


def test_selection_finds_what_parsing_everything_finds(extractor: Extractor, parse_all: Extractor) -> None:
    def summary(ex: Extractor) -> list[tuple[str, str, int]]:
        return [(e.type, e.subtype, e.trigger.start) for e in ex.extract(BOMBING)]

    assert summary(extractor) == summary(parse_all)


def test_shared_sample_article(extractor: Extractor, shared_dir: Path) -> None:
    path = shared_dir / "samples" / "sputnik-2017-03-13.json"
    if not path.is_file():
        pytest.skip("sample article absent")
    raw = json.loads(path.read_text(encoding="utf-8"))
    art = Article(id=raw["id"], body=raw["body"], published_at=raw["published_at"], source=raw["source"])
    events = extractor.extract(art)
    kinds = {(e.type, e.subtype) for e in events}
    assert ("attack", "suicide_bombing") in kinds
    assert ("statement", "condemnation") in kinds
    assert ("arrest", "arrest") in kinds
    hua = next(e for e in events if e.type == "statement" and "Hua" in " ".join(a.text for a in e.actors))
    assert (hua.date.value, hua.date.source) == ("2017-03-13", "text")  # "said Monday"
    assert hua.location is not None and hua.location.country_code == "CN"  # the BEIJING dateline
    attack = next(e for e in events if e.type == "attack")
    assert attack.location is not None and attack.location.name == "Damascus"
    assert len([e for e in events if e.type == "attack"]) == 1  # caption and headline: one bombing
    operation = next(e for e in events if e.subtype == "military_operation")
    assert (operation.date.value, operation.date.precision) == ("2016-08", "month")
    arrest = next(e for e in events if e.type == "arrest")
    assert arrest.date.value == "2015"
    for e in events:
        assert raw["body"][e.trigger.start : e.trigger.end] == e.trigger.text


# --- real-news failure classes (hand-written sentences) -----------------------------------


def kinds(extractor: Extractor, body: str) -> list[tuple[str, str]]:
    return sorted((e.type, e.subtype) for e in extractor.extract(article(body)))


def types(extractor: Extractor, body: str) -> set[str]:
    return {t for t, _ in kinds(extractor, body)}


@pytest.mark.parametrize(
    "body",
    [
        "Jordan and Britain have agreed to hold joint naval exercises next month, officials said.",
        "The foreign minister said his country would support the new resolution.",
        "Rebel leaders said on Wednesday they would meet the UN envoy in Geneva.",
        "The company has extradited the suspect to Britain, a senior official said.",
    ],
)
def test_a_report_carrying_an_untyped_happening_is_no_statement(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == []


def test_a_refusal_or_an_opinion_is_still_a_statement(extractor: Extractor) -> None:
    assert kinds(extractor, "Government spokesman Ali Hassan said the state would not allow the vote.") == [
        ("statement", "statement")
    ]
    assert kinds(extractor, "Foreign Minister Anna Berg said the situation in the region was worrying.") == [
        ("statement", "statement")
    ]


def test_a_report_of_what_someone_must_do_is_a_demand(extractor: Extractor) -> None:
    assert kinds(extractor, "Foreign Minister Anna Berg said the rebels must lay down their weapons.") == [
        ("statement", "demand")
    ]


def test_passive_accusation_without_agent_is_kept(extractor: Extractor) -> None:
    assert kinds(extractor, "The former finance minister has been accused of embezzling state funds.") == [
        ("statement", "accusation")
    ]


@pytest.mark.parametrize(
    "body,expected",
    [
        ("Argentina apologized to Brazil for the incident at sea.", ("statement", "apology")),
        ("A federal court indicted the former governor for fraud.", ("statement", "accusation")),
        ("Serbia lodged an official protest with Albania on Monday.", ("statement", "condemnation")),
        ("The union issued an ultimatum to the government.", ("statement", "threat")),
        ("The International Labour Office reiterated its demand that the border be reopened.", ("statement", "demand")),
    ],
)
def test_statement_verbs_outside_the_first_lexicon(extractor: Extractor, body: str, expected: tuple[str, str]) -> None:
    assert kinds(extractor, body) == [expected]


def test_only_political_actors_make_statements(extractor: Extractor) -> None:
    body = (
        "Bosnian Serbs demanded a truce with government forces on Monday.\n\n"
        "A local shopkeeper said the market had been closed all week.\n\n"
        "Prime Minister Elena Markovic arrived in the town in the afternoon.\n\n"
        "Markovic said the talks would resume in Geneva next month.\n\n"
        "The mining company said its quarterly profits had fallen sharply.\n\n"
        "Professor Lena Strom, who led the survey, said the river was cleaner than expected."
    )
    statements = [(e.subtype, e.trigger.text) for e in extractor.extract(article(body)) if e.type == "statement"]
    assert statements == [("demand", "demanded"), ("statement", "said")]
    assert "Markovic" in next(e for e in extractor.extract(article(body)) if e.trigger.text == "said").evidence.text


@pytest.mark.parametrize(
    "body",
    [
        "Officials said three people died and twelve were injured in the blaze.",
        "The regional governor said the victims were taken to the city hospital.",
        "The teenager was accused of stealing a car from the station.",
        "Police spokesman Jan Nowak said a press badge was used by the attacker to get in.",
        "Prosecutor Adam Lis told reporters the suspect would undergo psychiatric tests.",
        "Connie Moganedi, a spokeswoman for the police department of Cullinan, told CNN neighbours tried to help.",
    ],
)
def test_reports_of_incident_facts_and_private_accusations_are_no_statements(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == []


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ('Team leader Tim Taylor told the Washington Post, "It was amazing to find the submarine."', False),
        ("Expedition leader Ann Moore said the wreck lay in 400 metres of water.", False),
        ("Opposition leader Ann Moore said the government must resign.", True),
    ],
)
def test_the_leader_of_a_team_or_an_expedition_is_no_political_speaker(
    extractor: Extractor, body: str, statement: bool
) -> None:
    assert ("statement" in types(extractor, body)) is statement


def test_a_judges_remarks_on_a_case_are_no_statement(extractor: Extractor) -> None:
    body = (
        "On Wednesday, nine men were jailed in Leeds for the abuse of two girls at a care home.\n\n"
        'Judge Anne Hollis QC said they "showed contempt for the girls they were paid to protect."'
        ' Prosecutor Tom Reed QC said the victims were "easy to manipulate".'
    )
    assert [e for e in extractor.extract(article(body)) if e.type == "statement"] == []


def test_the_police_accusing_or_appealing_still_make_a_statement(extractor: Extractor) -> None:
    assert kinds(extractor, "Police accused the opposition leader of lying about the vote count in Minsk.") == [
        ("statement", "accusation")
    ]
    assert kinds(extractor, "Police urged protesters to leave the square in Minsk.") == [("statement", "appeal")]


@pytest.mark.parametrize(
    "body,expected",
    [
        ("Senator Maria Lopez congratulated the new prime minister on Tuesday.", ("statement", "praise")),
        ("The former governor endorsed Senator Maria Lopez for president on Tuesday.", ("statement", "praise")),
        # a typed statement verb, not an untyped happening the report would only carry
        ("Defence Minister Karl Berg said the party would endorse the plan.", ("statement", "statement")),
        ("The Supreme Court declined the government's request for a delay.", ("statement", "rejection")),
        ("Defence Minister Karl Berg wrote that the troops would stay until the spring.", ("statement", "statement")),
        ("The ruling party issued a statement on the new election law.", ("statement", "statement")),
    ],
)
def test_statements_told_with_other_verbs(extractor: Extractor, body: str, expected: tuple[str, str]) -> None:
    assert kinds(extractor, body) == [expected]


def test_he_or_she_in_a_reported_clause_is_the_reporter(extractor: Extractor) -> None:
    # "X said she condemned ...": the embedded verb is the statement and X its speaker
    body = "Senator Anna Novak said she condemned the decision to close the border."
    events = [e for e in extractor.extract(article(body)) if e.type == "statement"]
    assert [(e.subtype, [a.text for a in e.actors if a.role == "source"]) for e in events] == [
        ("condemnation", ["Senator Anna Novak"])
    ]
    # a quote before its reporter speaks of someone else
    body = '"He condemned the decision to close the border," Senator Anna Novak said of the minister.'
    condemnations = [e for e in extractor.extract(article(body)) if e.subtype == "condemnation"]
    assert not [e for e in condemnations if any(a.text == "Senator Anna Novak" for a in e.actors)]


def test_raid_told_as_the_circumstance_of_arrests_is_the_arrest(extractor: Extractor) -> None:
    assert kinds(
        extractor, "Police detained 12 people suspected of links to the group in raids across the capital on Monday."
    ) == [("arrest", "arrest")]


def test_raid_told_as_its_own_action_stays_beside_the_arrests(extractor: Extractor) -> None:
    assert kinds(extractor, "Israeli troops raided the refugee camp on Tuesday and arrested four men.") == [
        ("arrest", "arrest"),
        ("operation", "raid"),
    ]


def test_protesters_inside_another_event_are_participants(extractor: Extractor) -> None:
    assert kinds(extractor, "Georgian police clashed with protesters outside parliament in Tbilisi on Monday.") == [
        ("operation", "armed_clash")
    ]
    assert kinds(extractor, "Hundreds of protesters blocked roads in the northern city of Tripoli on Wednesday.") == [
        ("protest", "blockade")
    ]


def test_state_forces_blocking_roads_is_no_protest(extractor: Extractor) -> None:
    assert kinds(extractor, "Police blocked roads around the parliament building on Monday.") == []


@pytest.mark.parametrize(
    "body",
    [
        "United Nations helicopters evacuated the wounded from the besieged town of Gorazde.",
        "The first deployment of NATO peacekeeping troops arrived in Bosnia on Friday.",
        "The striker's attack on goal was saved by the keeper.",
        "The retailer launched an aggressive raid on its rivals' market share.",
        "Voters delivered a protest vote against the governing party.",
        "Hackers mounted a cyber attack on the ministry's website.",
        "The virus attacks the immune system within days.",
        "Cancer cells attack healthy tissue, the researchers said.",
        "The company gave a demonstration of its new software in Berlin.",
        "It was the clearest demonstration of the fact that the alliance had changed.",
        "A shooting war broke out between the two navies in 1990.",
        "A boat wreck killed his mother and ten others off the coast of Florida.",
        "The new mayor hails from Leeds.",
        "The spokesman refused to be named.",
        "Rather than a clash between two governments, the dispute is a battle between Cubans of both shores.",
        "The boy symbolizes the government's ideological battle with Cuban exiles in Miami.",
        "The election in Kenya was a battle between two ethnic groups.",
    ],
)
def test_states_peacekeeping_and_metaphors_are_no_events(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == []


def test_plain_reports_parse_without_entities_but_keep_their_speaker(
    extractor: Extractor, parse_all: Extractor
) -> None:
    body = "Anna Lindqvist, the agency's director, said the figures were encouraging."
    light = extractor.extract(article(body))
    assert [(e.type, e.subtype) for e in light] == [("statement", "statement")]
    speaker = light[0].actors[0]
    assert (speaker.text, speaker.kind) == ("Anna Lindqvist", "person")
    assert [(e.type, e.subtype) for e in parse_all.extract(article(body))] == [("statement", "statement")]


def _dates(ann: Annotations) -> dict[str, tuple[str, str, str | None]]:
    return {e.trigger.text: (e.date.value, e.date.source, e.date.text) for e in ann.events}


def test_undated_later_sentence_takes_the_date_of_the_lead(extractor: Extractor) -> None:
    # Published on Tuesday 2021-01-12; the storming was on Sunday the 10th.
    ann = extractor.annotate(
        article(
            "Rioters stormed the regional parliament on Sunday, forcing lawmakers to flee.\n\n"
            "Police said 40 people were arrested.",
            published_at="2021-01-12T08:00:00+01:00",
        )
    )
    assert _dates(ann)["arrested"] == ("2021-01-10", "text", "Sunday")


def test_report_date_is_not_the_narrative_time(extractor: Extractor) -> None:
    # "said on Tuesday" dates the report; the raid in the next paragraph is Sunday's story.
    ann = extractor.annotate(
        article(
            "Troops clashed with rebels near the border on Sunday, the army said on Tuesday.\n\n"
            "Soldiers later raided a rebel camp in the hills.",
            published_at="2019-03-12T17:00:00+08:00",
        )
    )
    assert _dates(ann)["raided"] == ("2019-03-10", "text", "Sunday")


def test_heading_date_dates_the_items_below_it(extractor: Extractor) -> None:
    ann = extractor.annotate(
        article(
            "Security incidents reported on Monday:\n\n"
            "- In Kandahar, gunmen shot dead a district official.\n"
            "- In Herat, police arrested four men.",
            published_at="2019-03-12T09:30:00+04:30",
        )
    )
    assert _dates(ann)["arrested"] == ("2019-03-11", "text", "Monday")


def test_old_background_date_is_no_narrative_time(extractor: Extractor) -> None:
    # "in 2004" is background; the undated arrests stay on the publication fallback.
    ann = extractor.annotate(
        article(
            "Militants bombed a school in the town in 2004.\n\nPolice arrested three men in the town.",
            published_at="2019-03-12T09:30:00+04:30",
        )
    )
    assert _dates(ann)["arrested"] == ("2019-03-12", "published_at", None)


def test_statements_keep_their_own_date(extractor: Extractor) -> None:
    ann = extractor.annotate(
        article(
            "Protesters blocked the main highway on Saturday.\n\nPrime Minister Ana Brnabic condemned the violence.",
            published_at="2019-03-12T09:30:00+01:00",
        )
    )
    assert _dates(ann)["condemned"] == ("2019-03-12", "published_at", None)


@pytest.mark.parametrize("noun", ["military coup", "invasion"])
def test_date_of_another_noun_is_not_the_events(extractor: Extractor, noun: str) -> None:
    # "last month's coup" dates the coup, whether or not it is an event of its own ("last
    # month's invasion"); the protests take the sentence's event date.
    ann = extractor.annotate(
        article(
            f"Soldiers opened fire on demonstrators on Sunday in the largest protests against last month's {noun}.",
            published_at="2021-03-02T11:00:00+06:30",
        )
    )
    assert _dates(ann)["protests"] == ("2021-02-28", "text", "Sunday")


def test_date_inside_a_time_phrase_still_counts(extractor: Extractor) -> None:
    ann = extractor.annotate(
        article("A bomb exploded at a mosque in Khost during Friday's prayers.", published_at="2018-11-26T15:00:00Z")
    )
    assert _dates(ann)["bomb"] == ("2018-11-23", "text", "Friday's")


@pytest.mark.parametrize(
    "body",
    [
        "Soldiers and tanks took to the streets of the capital overnight in an attempted coup.",
        "The rebel commander halted his fighters' march on the capital on Saturday.",
    ],
)
def test_armed_agents_make_no_protest(extractor: Extractor, body: str) -> None:
    assert not any(e.type == "protest" for e in extractor.extract(article(body)))


def test_civilians_taking_to_the_streets_still_protest(extractor: Extractor) -> None:
    found = set(kinds(extractor, "Thousands of students took to the streets of Dhaka on Monday."))
    assert ("protest", "demonstration") in found


def test_protesters_clashing_with_police_is_a_riot(extractor: Extractor) -> None:
    found = set(kinds(extractor, "Protesters clashed with riot police in central Lyon on Saturday."))
    assert found == {("protest", "riot")}


def test_a_government_protesting_makes_a_condemnation_not_a_demonstration(extractor: Extractor) -> None:
    for body in [
        "China protested to Japan over the submarine incident on Monday.",
        "The foreign ministry protested the decision on Tuesday.",
        "Pakistan protested to the Indian ambassador on Friday.",
    ]:
        assert kinds(extractor, body) == [("statement", "condemnation")], body
    for body in ["Farmers protested outside parliament on Tuesday.", "Students in Tehran protested on Sunday."]:
        assert kinds(extractor, body) == [("protest", "demonstration")], body


def test_police_clashing_with_protesters_stays_a_clash(extractor: Extractor) -> None:
    found = set(kinds(extractor, "Police clashed with protesters in central Lyon on Saturday."))
    assert found == {("operation", "armed_clash")}


@pytest.mark.parametrize(
    "body",
    [
        "The army said a wider ground offensive would follow in the coming weeks.",
        "A new military operation will begin in the north next month, the minister said.",
    ],
)
def test_an_operation_announced_as_the_subject_of_a_future_is_not_asserted(extractor: Extractor, body: str) -> None:
    assert not any(e.type == "operation" for e in extractor.extract(article(body)))


def test_a_gerund_that_is_the_content_of_a_decision_or_idea_is_not_asserted(extractor: Extractor) -> None:
    assert kinds(extractor, "Students protested the decision of sending Turkish troops to Iraq.") == [
        ("protest", "demonstration")
    ]
    assert kinds(extractor, "Ministers discussed the idea of sending troops to Iraq.") == []


def test_an_ongoing_offensive_that_will_continue_is_asserted(extractor: Extractor) -> None:
    found = set(kinds(extractor, "The army's offensive in the north will continue, the minister said on Monday."))
    assert ("operation", "offensive") in found


def test_overnight_is_the_small_hours_of_the_reports_day(extractor: Extractor) -> None:
    # Published Monday 2022-05-09; the governor spoke on Sunday about the night before it.
    ann = extractor.annotate(
        article(
            "Russian forces shelled the city of Sumy overnight, the regional governor said on Sunday.",
            published_at="2022-05-09T12:00:00+03:00",
        )
    )
    assert _dates(ann)["shelled"] == ("2022-05-08", "text", "Sunday")


# --- hard-wrapped bodies ---------------------------------------------------------------------

WRAPPED_SOURCE = (
    "ISLAMABAD (AP) \u2014 Militants attacked a police post in the northwest of Pakistan on Monday night, "
    "killing three officers, a security official said. The army later sent troops to the district.\n\n"
    "Prime Minister Imran Khan condemned the attack and urged the provincial government to protect "
    "police stations along the Afghan border."
)


def _wrap(body: str, width: int) -> str:
    """`body` with every line hard-wrapped at `width` columns (words kept whole)."""
    return "\n".join(
        textwrap.fill(line, width, break_on_hyphens=False, break_long_words=False) for line in body.split("\n")
    )


def _types_and_triggers(ex: Extractor, body: str) -> list[tuple[str, str, str]]:
    return sorted((e.type, e.subtype, " ".join(e.trigger.text.split())) for e in ex.extract(article(body)))


def test_a_hard_wrapped_body_gives_whole_sentences_as_evidence(extractor: Extractor) -> None:
    body = _wrap(WRAPPED_SOURCE, 60)
    assert "three\nofficers" in body
    events = extractor.extract(article(body))
    assert _types_and_triggers(extractor, body) == _types_and_triggers(extractor, WRAPPED_SOURCE)
    attack = next(e for e in events if e.type == "attack")
    assert " ".join(attack.evidence.text.split()).endswith("killing three officers, a security official said.")
    assert body[attack.evidence.start : attack.evidence.end] == attack.evidence.text
    assert not any(e.evidence.text.startswith("officers") for e in events)


def _own_bodies() -> list[str]:
    path = Path(__file__).resolve().parents[3] / "eval" / "devset.jsonl"
    return [json.loads(line)["body"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(index=st.integers(0, len(_own_bodies()) - 1), width=st.integers(60, 80))
def test_wrapping_a_body_changes_no_event_type_or_trigger(extractor: Extractor, index: int, width: int) -> None:
    body = _own_bodies()[index]
    assert _types_and_triggers(extractor, _wrap(body, width)) == _types_and_triggers(extractor, body)


# --- conflict reporting: fire, bodies, non-events --------------------------------------------


@pytest.mark.parametrize(
    "body,expected",
    [
        (
            "Government forces fired mortars and heavy machine guns at the positions of the rebels near the town"
            " on Monday.",
            [("operation", "armed_clash")],
        ),
        (
            "Rebel fighters fired heavy machine guns at army posts in the hills on Tuesday.",
            [("operation", "armed_clash")],
        ),
        ("The two sides exchanged artillery fire across the border overnight.", [("operation", "armed_clash")]),
        ("Troops fired mortar rounds at residential areas of the town on Monday.", [("attack", "shelling")]),
    ],
)
def test_firing_at_the_other_sides_positions_is_an_armed_clash(
    extractor: Extractor, body: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(extractor, body) == expected


def test_bodies_found_with_marks_of_violence_are_killings(extractor: Extractor) -> None:
    assert kinds(
        extractor,
        "The bodies of three men were found in a ditch near the village, their hands tied and bearing gunshot wounds.",
    ) == [("attack", "armed_assault")]
    assert kinds(extractor, "A local councillor was found dead in his car with signs of torture.") == [
        ("attack", "attack")
    ]
    assert kinds(extractor, "A man was found dead in his flat; his family said he had been ill for years.") == []


@pytest.mark.parametrize(
    "body",
    [
        "A farmer was beaten to death by villagers on Sunday.",
        "Two women accused of witchcraft were stoned to death in the market.",
        "A mob clubbed to death a suspected thief near the bus station on Friday.",
    ],
)
def test_killings_by_beating_are_attacks(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == [("attack", "beating_death")]


def test_beatings_and_torture_that_kill_no_one_are_no_attacks(extractor: Extractor) -> None:
    # The PLOVER gold keeps ill-treatment (ASSAULT/beat, ASSAULT/torture) out of "attack".
    assert kinds(extractor, "Guards beat up two inmates in the prison yard on Friday.") == []
    assert kinds(extractor, "The retail sector is going to get beat up in the spring.") == []
    assert kinds(extractor, "Police tortured several detainees in the station last month.") == []


@pytest.mark.parametrize(
    "body",
    [
        "Russia has military operations in several neighbouring countries.",
        "The company's Polish operation was sold to a rival chain last year.",
        "The country's most capable fighting force took part in the parade.",
        "An attack helicopter flew low over the town on Monday.",
        "His resemblance to the late king was striking.",
        "The country is striking a blow for freedom.",
        "A pedestrian was killed after being struck by a car on the main road.",
        "Three former residents remain in detention at the camp.",
        "Iran issued arrest warrants for 36 people on Monday.",
        "More than 1,000 people have been arrested since the unrest began in June.",
        "Nine men were jailed on Wednesday for fraud.",
        "Student protester Anna Lee was interviewed by local radio.",
        # fighters described by their war, not a clash
        "Diplomats met envoys of the rebels fighting to oust the president.",
        "Militia forces battling the army in the hills received new rifles from abroad.",
        "Eighteen troops who fought and were wounded in Afghanistan and Iraq are being tested for HIV.",
        "The town honours Marti, the poet who fought for Cuba's independence from Spain in 1898.",
        # someone's happenings in the plural without a time: a practice
        "The group raises money by selling films of their land seizures and raids.",
        "The activist's marches against the dam often drew police violence.",
    ],
)
def test_states_names_accidents_and_running_totals_are_no_events(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == []


def test_an_attack_on_a_policy_is_a_condemnation(extractor: Extractor) -> None:
    assert kinds(extractor, "The opposition leader attacked the government's economic policy in a speech.") == [
        ("statement", "condemnation")
    ]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("The opposition leader attacked the president over his handling of the economy.", "statement"),
        ("Critics attacked the minister for his remarks on Monday.", "statement"),
        ("Troops attacked the rebels for attacking a convoy near Kidal on Monday.", "operation"),
        ("Gunmen attacked the convoy for the second time this week near Kidal.", "operation"),
    ],
)
def test_an_attack_for_a_deed_or_a_word_is_a_condemnation(extractor: Extractor, body: str, kind: str) -> None:
    assert types(extractor, body) == {kind}


def test_a_disaster_striking_in_a_second_clause_is_no_attack(extractor: Extractor) -> None:
    body = "The flooding in Pakistan has spread and has now struck more than four million people."
    assert kinds(extractor, body) == []


def test_the_attack_told_later_refers_back_to_the_shelling(extractor: Extractor) -> None:
    # The anaphor's own sentence names no place: its fallback (the Nairobi dateline) must not
    # keep it apart from the Mogadishu shelling.
    body = (
        "NAIROBI, Kenya (AP) \u2014 Insurgents shelled the airport in Mogadishu on Thursday.\n\n"
        "The president was not hurt in the attack, his spokesman said."
    )
    assert kinds(extractor, body) == [("attack", "shelling")]


@pytest.mark.parametrize(
    "body",
    [
        "Kenya announced on Monday that it will withdraw its peacekeepers from Somalia unless talks resume.",
        "The interim government said it is prepared to impose a curfew on the capital.",
    ],
)
def test_a_coercive_action_announced_for_the_future_is_a_threat(extractor: Extractor, body: str) -> None:
    assert ("statement", "threat") in kinds(extractor, body)


def test_a_killing_told_in_the_passive_with_a_violent_agent_is_an_attack(extractor: Extractor) -> None:
    assert kinds(extractor, "Two farmers were killed by a sniper near the front line on Sunday.") == [
        ("attack", "attack")
    ]
    assert kinds(extractor, "Two farmers were killed by a falling tree near the village on Sunday.") == []


def test_a_state_charging_another_is_an_accusation_not_an_arrest(extractor: Extractor) -> None:
    found = kinds(extractor, "Serbia lodged a formal protest with Albania, charging its neighbour with arming rebels.")
    assert found == [("statement", "condemnation")]
    assert kinds(extractor, "Police charged three men with murder on Friday.") == [("arrest", "arrest")]


@pytest.mark.parametrize(
    ("body", "campaign"),
    [
        ("For the first time in sixteen weeks of protests, police fired a live round yesterday.", "protest"),
        ("More than 1000 people have been arrested since the protests began in June.", "protest"),
        ("Violence in Iraq has dropped substantially since the height of sectarian fighting in 2007.", "operation"),
        ("The government blamed monarchists for a number of mosque bombings in recent years.", "attack"),
    ],
)
def test_a_campaign_named_as_the_span_of_time_is_no_event(extractor: Extractor, body: str, campaign: str) -> None:
    assert campaign not in types(extractor, body)


@pytest.mark.parametrize(
    "body",
    [
        '"I did not do anything," protested the accused man shortly before the verdict.',
        "The opposition party walked out of the cabinet, protesting what it called dishonest behaviour.",
        # a stance held, with no time or place
        "Many residents have protested the company's plans for the river.",
        "Under his leadership the parish had protested against a gold mining project.",
    ],
)
def test_a_protest_made_in_words_is_no_demonstration(extractor: Extractor, body: str) -> None:
    assert "protest" not in types(extractor, body)


def test_a_protest_with_a_time_or_a_place_is_a_demonstration(extractor: Extractor) -> None:
    assert types(extractor, "Students had protested the tuition rise on Monday.") == {"protest"}
    assert types(extractor, "Farmers have protested outside parliament in Warsaw.") == {"protest"}
    assert types(extractor, "Hundreds of students have protested against the fees outside the ministry.") == {"protest"}


@pytest.mark.parametrize(
    "body",
    [
        "The justice wrote that the vicious verbal assault on the family was protected speech.",
        "The president attacked what he considered to be the errors of the old regime.",
        "He had read Freedom Magazine, which attacked several defectors from the church.",
        "She was involved in a traffic collision which killed a motorcyclist on August 27.",
    ],
)
def test_attacks_in_words_and_deaths_in_accidents_are_no_attacks(extractor: Extractor, body: str) -> None:
    assert "attack" not in types(extractor, body)


def test_a_campaign_word_that_names_a_happening_is_still_one(extractor: Extractor) -> None:
    assert ("protest", "demonstration") in kinds(extractor, "Thousands of protesters marched in Hong Kong on Sunday.")
    assert ("attack", "bombing") in kinds(extractor, "Two bombings killed 20 people in Baghdad on Monday.")


@pytest.mark.parametrize(
    "body",
    [
        "Twin bombings yesterday struck the cathedral in Jolo, killing 20 people. The governor said only "
        "one group appeared capable of the double bombing.",
        "Two car bombings struck government offices in Baghdad on Sunday, killing 132 people. A clerk was a "
        "witness to one of the bombings.",
    ],
)
def test_a_happening_is_evidenced_by_the_sentence_that_tells_it_not_one_referring_back(
    extractor: Extractor, body: str
) -> None:
    events = [e for e in extractor.extract(article(body)) if e.type == "attack"]
    assert len(events) == 1
    assert body[events[0].evidence.start : events[0].evidence.end] == body.split(". ")[0] + "."


@pytest.mark.parametrize(
    "body",
    [
        "Under Secretary of State James Glassman refused to comment on the raid on Tuesday.",
        "The interior minister declined to elaborate on the arrests.",
    ],
)
def test_refusing_to_comment_is_no_statement(extractor: Extractor, body: str) -> None:
    assert "statement" not in types(extractor, body)


@pytest.mark.parametrize(
    ("body", "attack"),
    [
        ("Police found a bomb under a car in Belfast on Monday.", False),
        ("Officers seized 40 bombs and two rifles in a raid on a flat in Derry on Tuesday.", False),
        ("He was convicted of making a bomb in his kitchen in 2019.", False),
        ("A bomb exploded outside a bank in Belfast on Monday, injuring two people.", True),
        ("The army used barrel bombs on the town on Sunday.", True),
        ("Police seized a car bomb under construction in a town near the border on Sunday.", False),
        ("Police found a truck bomb in a garage in Lahore on Friday.", False),
        ("Soldiers defused a car bomb outside the ministry in Baghdad on Monday.", False),
        ("A car bomb exploded outside the ministry in Baghdad on Monday.", True),
        ("Five people were killed by a truck bomb in Lahore on Friday.", True),
        ("Police found circuitry, detonating cord and a truck in the flat in Newry on Sunday.", False),
    ],
)
def test_a_bomb_found_made_or_seized_is_no_attack(extractor: Extractor, body: str, attack: bool) -> None:
    assert ("attack" in types(extractor, body)) is attack


@pytest.mark.parametrize(
    "later",
    [
        "Prosecutors charged the suspect in the shooting with murder, they said on Monday.",
        "A report by the consulate said on Tuesday that three of its nationals died in the attack.",
    ],
)
def test_later_news_of_a_happening_told_before_does_not_redate_it(extractor: Extractor, later: str) -> None:
    body = "A gunman shot dead 22 people at a supermarket in El Paso, Texas, on Saturday. " + later
    events = [e for e in extractor.extract(article(body, "2019-08-08T12:00:00Z")) if e.type == "attack"]
    assert [(e.date.value, e.date.source) for e in events] == [("2019-08-03", "text")]


@pytest.mark.parametrize(
    "later",
    [
        "Morocco extradited three Algerians to Spain on Monday in connection with the bombings.",
        "Survivors of the bombings met the king in Rabat on Tuesday.",
        "Police arrested a suspect in Tangier on Wednesday in connection with the attacks.",
    ],
)
def test_a_happening_named_inside_another_verbs_argument_keeps_its_own_place_and_day(
    extractor: Extractor, later: str
) -> None:
    # The place and the day of that sentence are the extradition's, the meeting's, the
    # arrest's: the bombings are the ones told before, not a second happening there.
    body = "Two car bombs exploded outside government buildings in Casablanca on May 16, killing 41 people. " + later
    events = [e for e in extractor.extract(article(body, "2003-05-22T12:00:00Z")) if e.type == "attack"]
    assert [(e.location and e.location.name, e.date.value) for e in events] == [("Casablanca", "2003-05-16")]


def test_a_relative_clause_about_someone_else_gives_the_event_neither_its_day_nor_its_place(
    extractor: Extractor,
) -> None:
    # Lyon and May 3 are the student's birth, Miami is where the exiles live: the marches
    # were on the story's day, in the city of the dateline.
    born = "Students marched in Paris to support a young singer, who was born in Lyon on May 3."
    exiles = "HAVANA (AP) — Hundreds of veterans gathered on Wednesday to denounce the exiles who live in Miami."
    found = [
        [
            (e.date.value, e.location and e.location.name)
            for e in extractor.extract(article(body, "2019-07-08T12:00:00Z"))
        ]
        for body in (born, exiles)
    ]
    assert found == [[("2019-07-08", "Paris")], [("2019-07-03", "Havana")]]


@pytest.mark.parametrize(
    "body",
    [
        "The attack, which happened in Kandahar on Sunday, killed five soldiers.",
        "Gunmen killed two soldiers who were patrolling in Kandahar on Sunday.",
    ],
)
def test_a_relative_clause_on_the_event_or_its_own_party_still_places_and_dates_it(
    extractor: Extractor, body: str
) -> None:
    events = extractor.extract(article(body, "2019-07-08T12:00:00Z"))
    assert [(e.type, e.date.value, e.location and e.location.name) for e in events] == [
        ("attack", "2019-07-07", "Kandahār")
    ]


def test_a_statement_the_text_does_not_place_is_in_the_country_of_the_region_the_article_names(
    extractor: Extractor,
) -> None:
    body = (
        "Gunmen attacked a village on Mindanao on Sunday, killing four farmers.\n\n"
        "The defence secretary said the army would hunt the attackers down."
    )
    found = {
        e.type: (e.location and (e.location.name, e.location.precision))
        for e in extractor.extract(article(body, "2019-01-28T12:00:00Z"))
    }
    assert found == {"attack": ("Mindanao", "region"), "statement": ("Philippines", "country")}


def test_a_day_inside_the_week_told_before_is_the_same_happening_and_dates_it(extractor: Extractor) -> None:
    body = (
        "Last week, gunmen attacked a mosque in the town of Kano, killing 12 worshippers.\n\n"
        "The attack on Friday was the third on a place of worship this year, police said on Monday."
    )
    events = [e for e in extractor.extract(article(body, "2019-03-20T12:00:00Z")) if e.type == "attack"]
    assert [(e.date.value, e.location and e.location.name) for e in events] == [("2019-03-15", "Kano")]
    separate = (
        "Gunmen attacked a police post in Kano on Monday, killing two officers.\n\n"
        "In a separate attack this week, gunmen stormed a church in Kano."
    )
    events = [e for e in extractor.extract(article(separate, "2019-03-20T12:00:00Z")) if e.type == "attack"]
    assert [e.date.value for e in events] == ["2019-03-18", "2019-W12"]


def test_the_report_date_only_bounds_a_happening_referred_back_to(extractor: Extractor) -> None:
    body = "Police said on Thursday that the bombing killed five people in Quetta."
    (event,) = [e for e in extractor.extract(article(body, "2019-08-10T12:00:00Z")) if e.type == "attack"]
    assert (event.date.value, event.date.source) == ("2019-08-08", "published_at")


def test_a_place_after_since_names_an_era_not_where_it_happened(extractor: Extractor) -> None:
    body = "Thousands of American troops landed in Saudi Arabia on Thursday in the largest military operation since Vietnam."
    (event,) = extractor.extract(article(body))
    assert event.location is not None and event.location.name == "Saudi Arabia"


@pytest.mark.parametrize(
    "body",
    [
        "Witnesses said the shelling began on Thursday at the airport in Mogadishu, as the president was heading "
        "to Uganda for a summit.",
        "Gunmen opened fire on a bus in Mogadishu on Monday as it was travelling to Baidoa.",
    ],
)
def test_where_someone_else_was_going_is_not_where_it_happened(extractor: Extractor, body: str) -> None:
    (event,) = [e for e in extractor.extract(article(body)) if e.type == "attack"]
    assert event.location is not None and event.location.name == "Mogadishu"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("The minister said Iraq objects to its land being used for attacks on other countries.", None),
        ("The report discussed crimes by the militia for firing rockets into towns in the north.", None),
        ("The officer advocated clearing the buildings by shooting everyone inside without warning.", None),
        ("The president's speech in New York on Monday was marked by protests.", "protest"),
    ],
)
def test_a_kind_of_activity_named_as_reason_or_means_is_no_happening(
    extractor: Extractor, body: str, kind: str | None
) -> None:
    found = types(extractor, body) - {"statement"}
    assert found == ({kind} if kind else set())


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("US drones have launched more than 20 missile attacks in the tribal areas since August.", None),
        ("The city has been home to violent pro-democracy protests since June of this year.", None),
        ("Drones launched two missile attacks on a compound in the tribal areas on Sunday.", "attack"),
    ],
)
def test_a_running_tally_since_a_time_is_no_happening(extractor: Extractor, body: str, kind: str | None) -> None:
    assert types(extractor, body) == ({kind} if kind else set())


@pytest.mark.parametrize(
    ("body", "attack"),
    [
        ("The appeals court on Friday struck down the state's ban on protests near funerals.", False),
        ("The judge's ruling struck down an award of $5 million to the family.", False),
        ("Gunmen struck a police station in Quetta on Friday, killing four officers.", True),
    ],
)
def test_a_court_striking_down_a_law_is_no_attack(extractor: Extractor, body: str, attack: bool) -> None:
    assert ("attack" in types(extractor, body)) is attack


@pytest.mark.parametrize(
    "body",
    [
        "The bill would allow the government to extradite people accused of crimes to the mainland.",
        "Last month the United States expelled 35 Russian diplomats accused of espionage.",
    ],
)
def test_a_participle_describing_people_is_no_statement(extractor: Extractor, body: str) -> None:
    assert "statement" not in types(extractor, body)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (
            "The Justice Department is offering a $500,000 reward for information leading to the arrest and "
            "conviction of those responsible.",
            None,
        ),
        ("The government offered a bounty for the capture of the rebel commander.", None),
        ("Britain pressed to resolve the case as the second anniversary of his abduction nears.", None),
        ("A clash on Monday led to the arrest of 12 protesters in Nairobi.", "arrest"),
    ],
)
def test_what_a_reward_is_for_or_an_anniversary_marks_is_no_happening(
    extractor: Extractor, body: str, kind: str | None
) -> None:
    found = types(extractor, body) - {"statement", "operation"}
    assert found == ({kind} if kind else set())


def test_a_date_inside_another_events_name_dates_that_event_only(extractor: Extractor) -> None:
    body = "He is also charged in three Atlanta attacks, including the 1996 Olympic bombing."
    dates = {e.type: e.date.value for e in extractor.extract(article(body, "1999-05-07T12:00:00Z"))}
    assert dates["arrest"] != "1996"
    body = "A man from Georgia was charged with the 1996 Olympic bombing, the police said."
    (arrest,) = [e for e in extractor.extract(article(body, "1999-05-07T12:00:00Z")) if e.type == "arrest"]
    assert arrest.date.value != "1996"
    # An event within the dated noun's phrase shares its date: the rally where the assassination was.
    body = "Amir is serving a life sentence for the November 1995 assassination of Rabin at a Tel Aviv peace rally."
    (rally,) = [e for e in extractor.extract(article(body, "1998-02-27T12:00:00Z")) if e.type == "protest"]
    assert rally.date.value == "1995-11"


@pytest.mark.parametrize(
    ("body", "operation"),
    [
        ("It was opposed by the boy's Miami relatives, who are fighting to keep him in the United States.", False),
        ("Farmers in France are fighting to save their land from the new motorway.", False),
        ("Government troops fought to retake the town of Kidal on Monday.", True),
    ],
)
def test_striving_for_a_goal_is_no_combat_unless_forces_do_it(extractor: Extractor, body: str, operation: bool) -> None:
    assert ("operation" in types(extractor, body)) is operation


def test_the_time_of_another_verb_does_not_date_an_event_it_mentions(extractor: Extractor) -> None:
    body = (
        "A truck bomb exploded outside the embassy in Nairobi on August 7, killing 213 people. "
        "The first batch of evidence from the Nairobi bombing arrived over the weekend at a laboratory in "
        "Washington, officials said on Monday."
    )
    events = [e for e in extractor.extract(article(body, "1998-08-17T12:00:00Z")) if e.type == "attack"]
    assert [e.date.value for e in events] == ["1998-08-07"]
    # The verb of the event's own toll still dates it.
    body = "An official said on Sunday that 27 people were killed in the blast at a mosque during Friday prayers."
    (event,) = [e for e in extractor.extract(article(body, "2018-11-26T15:00:00Z")) if e.type == "attack"]
    assert event.date.value == "2018-11-23"


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ("Ted Eubank, Coda's president, said the loan carries an interest rate of prime plus one point.", False),
        ("A company spokesman said it was possible, but unlikely, that the plant might never be built.", False),
        ("Crane Co. said it holds an 8.9% stake in Milton Roy Corp. and may seek control of the company.", False),
        ("The finance minister said the sale of state companies would continue next year.", True),
        ("The president of Ghana said the company must pay its taxes.", True),
    ],
)
def test_a_company_reporting_its_business_makes_no_statement(extractor: Extractor, body: str, statement: bool) -> None:
    assert ("statement" in types(extractor, body)) is statement


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Beijing sent a note of protest to Tokyo on Monday.", {("statement", "condemnation")}),
        ("Lawyers for the family sent letters of protest to the Attorney General on Monday.", set()),
        ("Elian has been the subject of an international custody battle in Florida.", set()),
        ("The same battle cry was chanted in Havana on Monday.", set()),
    ],
)
def test_written_protests_custody_battles_and_battle_cries(
    extractor: Extractor, body: str, expected: set[tuple[str, str]]
) -> None:
    assert set(kinds(extractor, body)) == expected


@pytest.mark.parametrize(
    ("body", "operation"),
    [
        ("The battle of Elian has been won in legal terms, Castro said as he ended his speech in Havana.", False),
        ("Cuba's government continued its battle to secure the boy's return from the United States.", False),
        ("The boy's relatives in Miami are fighting for permanent custody.", False),
        ("Fighting between Azerbaijanis and Armenians broke out near the border on Monday.", True),
        ("Buildings were destroyed during combat activities in the old town of Palmyra, Syria.", True),
    ],
)
def test_nations_make_a_fight_combat_only_when_they_are_in_its_clause(
    extractor: Extractor, body: str, operation: bool
) -> None:
    assert ("operation" in types(extractor, body)) is operation


@pytest.mark.parametrize(
    ("body", "operation"),
    [
        ("Fighting broke out between two clans in Galkayo on Wednesday, leaving five dead.", True),
        ("Fighting between herders and farmers in Benue killed five people on Wednesday.", True),
        ("Rival gangs clashed in Port-au-Prince on Monday.", True),
        ("Fierce fighting was reported near Kalehe on Friday.", True),
        ("Communal clashes in Jos left 12 dead on Sunday.", True),
        ("He fought hard for the nomination on Tuesday.", False),
        ("The two parties fought over the budget on Tuesday.", False),
    ],
)
def test_communal_fighters_and_heavy_fighting_are_armed_clashes(
    extractor: Extractor, body: str, operation: bool
) -> None:
    assert ("operation" in types(extractor, body)) is operation


def test_an_intensity_word_opening_a_sentence_is_no_actor(extractor: Extractor) -> None:
    (event,) = extractor.annotate(article("Fierce fighting was reported near Kalehe on Friday.")).events
    assert not event.actors


@pytest.mark.parametrize(
    ("body", "protest"),
    [
        ("Traders closed their shops in Kano on Wednesday in protest against new market fees.", True),
        ("Workers downed tools in protest at the dismissal of colleagues in Durban on Monday.", True),
        ("The minister resigned in protest against the decision.", False),
        ("The ministry recalled its ambassador in protest.", False),
    ],
)
def test_what_a_crowd_does_in_protest_is_a_protest(extractor: Extractor, body: str, protest: bool) -> None:
    assert ("protest" in types(extractor, body)) is protest


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Five activists were picked up by security agents in Khartoum on Tuesday.", ("arrest", "arrest")),
        ("The journalist was held for questioning by police in Lahore on Sunday.", ("arrest", "arrest")),
        ("Two suspects were nabbed by police in Lagos on Monday.", ("arrest", "arrest")),
        ("Doctors in Nairobi downed tools on Monday over unpaid allowances.", ("protest", "strike")),
        ("Residents barricaded roads with burning tyres in Port Harcourt on Monday.", ("protest", "blockade")),
    ],
)
def test_plain_words_of_arrests_strikes_and_barricades(extractor: Extractor, body: str, kind: tuple[str, str]) -> None:
    assert kinds(extractor, body) == [kind]


@pytest.mark.parametrize(
    "body",
    [
        "Five boxes were picked up by the courier in Khartoum on Tuesday.",
        "He nabbed the award for best actor on Sunday.",
        "The suspects barricaded themselves inside a house in Lyon on Monday.",
        "Police barricaded the road to the parliament on Monday.",
    ],
)
def test_pickups_awards_and_barricades_that_are_no_events(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == []


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Her suspected H5N1 infection killed her on January 17.", None),
        ("To date, the illness has killed more than 100 people in the province.", None),
        ("The deadly disease has struck in Ituri district, in the north of Congo.", None),
        ("The Standard & Poor's 500 Index struck a ten-month high on Tuesday.", None),
        ("Among the applications demonstrated were the game Spore and an instant messenger.", None),
        ("Gunmen killed 11 people near the town of Isiolo on Monday.", "attack"),
        ("Thousands of people demonstrating in the streets of Cairo on Friday demanded his resignation.", "protest"),
    ],
)
def test_illness_markets_and_product_demonstrations_are_no_events(
    extractor: Extractor, body: str, kind: str | None
) -> None:
    assert types(extractor, body) - {"statement"} == ({kind} if kind else set())


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ("Hong Kong's Health Secretary said on Friday that positive tests for H5N1 were found in a bird.", False),
        ("The governor said the village of Kampungu has been quarantined.", False),
        ("The health minister said the government would ban poultry imports from China.", True),
    ],
)
def test_officials_reporting_test_results_make_no_statement(extractor: Extractor, body: str, statement: bool) -> None:
    assert ("statement" in types(extractor, body)) is statement


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Authorities have not named a cause for the fire, though there were no signs of an explosion.", None),
        ("Investigators did not find any evidence of a bombing at the site.", None),
        ("There were no reports of clashes in Kabul on Monday.", None),
        ("The coronavirus has already killed more than 1,000 people and infected tens of thousands.", None),
        ("Police found signs of a struggle after the bombing in Kabul on Monday.", "attack"),
        ("Police said there were no suspects in the bombing in Kabul on Monday.", "attack"),
    ],
)
def test_what_the_text_finds_no_sign_of_and_an_infection_killing_are_no_events(
    extractor: Extractor, body: str, kind: str | None
) -> None:
    assert types(extractor, body) - {"statement"} == ({kind} if kind else set())


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Many travellers were alarmed by the possibility of more terrorist attacks in the region.", None),
        ("The prospect of mass protests in Paris worried the government.", None),
        ("Unions issued calls for a general strike in Paris on Monday.", None),
        ("Residents fled amid fears of renewed fighting and protests in Aleppo on Monday.", None),
        ("Commanders have said that they were capable of deploying as many as 300,000 troops.", None),
        ("This comes just before a scheduled protest in Paris, set to take place on February 10.", None),
        ("The attack in Kabul on Monday raised fears of more violence.", "attack"),
        ("Gunmen killed three people in Kabul on Monday, raising the risk of reprisals.", "attack"),
    ],
)
def test_a_happening_named_only_as_one_that_may_come_is_no_event(
    extractor: Extractor, body: str, kind: str | None
) -> None:
    assert types(extractor, body) - {"statement"} == ({kind} if kind else set())


@pytest.mark.parametrize(
    "body",
    [
        "The FBI also dispatched dozens of agents and bombing and evidence specialists to Nairobi.",
        "Bombing experts examined the wreckage of the bus in Kabul on Monday.",
        "The figures include costs related to a blast furnace outage at the plant.",
    ],
)
def test_a_trade_named_by_a_happening_is_no_event(extractor: Extractor, body: str) -> None:
    assert types(extractor, body) - {"statement"} == set()


@pytest.mark.parametrize(
    ("body", "arrest"),
    [
        ("Federal and state arrest warrants were issued for James Kopp on Monday.", False),
        ("The Security Council has charged the inspectors with verifying that Iraq has destroyed its missiles.", False),
        ("Mr. Antar was charged last month in a civil suit filed in federal court in Newark.", False),
        ("Police charged him with murdering two officers in Newark on Monday.", True),
    ],
)
def test_a_task_a_civil_suit_or_a_warrant_is_no_arrest(extractor: Extractor, body: str, arrest: bool) -> None:
    assert ("arrest" in types(extractor, body)) is arrest


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("A group filed to buy more than 50% of the stock of Rally's Inc., a fast-food company in Louisville.", None),
        ("For the year ended July 2, Rally had net income of $2.4 million.", None),
        ("Turkey launched Operation Euphrates Shield in northern Syria in August 2016.", "operation"),
    ],
)
def test_a_capitalized_event_word_inside_a_name_is_no_event(extractor: Extractor, body: str, kind: str | None) -> None:
    assert types(extractor, body) - {"statement"} == ({kind} if kind else set())


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ("A German company said the talks with unions had failed.", False),
        ("A British newspaper said the talks had failed.", False),
        ("Bosnian Serbs said the talks had failed.", True),
        ("The Palestinian group said the talks had failed.", True),
    ],
)
def test_a_nations_companies_and_media_do_not_speak_for_it(extractor: Extractor, body: str, statement: bool) -> None:
    assert ("statement" in types(extractor, body)) is statement


@pytest.mark.parametrize(
    ("body", "arrest"),
    [
        ("The driver turned himself in to police in Dayton on Friday.", True),
        ("Two of the suspects turned themselves in at a police station on Sunday.", True),
        ("Croatia filed a formal complaint with Hungary, charging its neighbour with arming the rebels.", False),
        ("Prosecutors charged two men with arson on Monday.", True),
    ],
)
def test_surrendering_to_police_is_an_arrest_and_charging_a_state_is_not(
    extractor: Extractor, body: str, arrest: bool
) -> None:
    assert ("arrest" in types(extractor, body)) is arrest


@pytest.mark.parametrize(
    ("body", "attack"),
    [
        ("Firefighters used water bombing from helicopters over the forest on Sunday.", False),
        ("She spoke about the logistics of shooting with a three-person crew in the desert.", False),
        ("A cyclist was struck by a pickup driving on the wrong side of the road in Leeds on Monday.", False),
        ("A car bombing killed 12 people in Kabul on Monday.", True),
        ("Gunmen shot two guards outside the bank in Lagos on Monday.", True),
    ],
)
def test_a_word_another_entry_excludes_and_a_road_collision_are_no_attack(
    extractor: Extractor, body: str, attack: bool
) -> None:
    assert ("attack" in types(extractor, body)) is attack


@pytest.mark.parametrize(
    ("body", "attack"),
    [
        ("In a rare escalation, police fired and landed a live round on a student in Tsuen Wan on Tuesday.", True),
        ("Soldiers fired and landed two shells on the village of Kafr Nabl on Monday.", True),
        ("The club fired and replaced its coach on Monday.", False),
    ],
)
def test_firing_shares_the_object_of_the_verb_coordinated_after_it(
    extractor: Extractor, body: str, attack: bool
) -> None:
    assert ("attack" in types(extractor, body)) is attack


@pytest.mark.parametrize(
    ("body", "attacks"),
    [
        (
            "A bomb exploded in Mogadishu on Monday. Al-Shabab, a militia active across the Horn of Africa,"
            " claimed responsibility for both of those attacks.",
            1,
        ),
        (
            "Gunmen attacked a bus in Mogadishu on Monday. The militia, which also fights in Kenya, claimed all"
            " three attacks.",
            1,
        ),
        ("The new browser protects users from these attacks and other threats.", 0),
        ("Two bombings killed 30 people in Baghdad on Monday.", 1),
    ],
)
def test_a_plural_that_sums_up_happenings_is_none_of_them(extractor: Extractor, body: str, attacks: int) -> None:
    assert [t for t, _ in kinds(extractor, body)].count("attack") == attacks


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ("Serbia has long claimed that Kosovo is arming the rebels.", False),
        ("The prime minister has repeatedly said that the country will leave the union.", False),
        ("The opposition has always accused the government of rigging the vote.", False),
        ("Serbia claimed on Monday that Kosovo is arming the rebels.", True),
        ("The rebel movement claims to pursue the redistribution of farmland.", False),
        ("A terror group claims to be manufacturing chemical weapons to use against the United States.", True),
    ],
)
def test_a_standing_position_is_no_statement_event(extractor: Extractor, body: str, statement: bool) -> None:
    assert ("statement" in types(extractor, body)) is statement


@pytest.mark.parametrize(
    ("body", "statement"),
    [
        ('Foreign Minister Ivan Petrov called the shelling "a crime against civilians."', True),
        ("The opposition leader called the new law unconstitutional on Tuesday.", True),
        ("The president called a meeting of the cabinet.", False),
        ("A man called Peter was arrested in Leeds.", False),
    ],
)
def test_a_political_speaker_calling_something_what_it_is_makes_a_statement(
    extractor: Extractor, body: str, statement: bool
) -> None:
    assert ("statement" in types(extractor, body)) is statement


def test_a_statement_the_text_does_not_place_is_placed_in_its_country(extractor: Extractor) -> None:
    body = (
        "Police in Tulsa arrested two men after a robbery on Monday. The mayor condemned the violence and urged calm."
    )
    events = extractor.extract(article(body))
    arrest = next(e for e in events if e.type == "arrest")
    statement = next(e for e in events if e.type == "statement")
    assert arrest.location is not None and arrest.location.name == "Tulsa"
    assert statement.location is not None
    assert (statement.location.precision, statement.location.country_code) == ("country", "US")


def test_a_status_time_does_not_date_the_happening_a_later_sentence_refers_to(extractor: Extractor) -> None:
    # Published on Tuesday 2019-03-12; the shooting was on Sunday, the status is Monday's.
    body = (
        "Police in Clairton responded to reports of a shooting at a graduation party early on Sunday."
        " As of Monday evening, all four victims are in stable condition, and no deaths have resulted"
        " from the shooting."
    )
    events = extractor.extract(article(body))
    assert [(e.type, e.date.value) for e in events] == [("attack", "2019-03-10")]


def test_a_pronoun_speaker_is_the_last_speaker_in_a_plain_report(extractor: Extractor) -> None:
    # Plain reports are parsed without entity labels: the speaker still carries over.
    body = (
        "Interior Minister Anna Lindqvist said on Monday the figures were encouraging."
        " On Sunday she denied that the border would close."
    )
    assert kinds(extractor, body) == [("statement", "denial"), ("statement", "statement")]


@pytest.mark.parametrize(
    ("speaker", "country"),
    [
        ("The Samoan government", "WS"),  # a nationality word of a small state
        ("The Puerto Rican governor", "PR"),  # of two words
        ("The American Samoan delegate", "AS"),  # of two words, the first another country's
        ("The Central African government", "CF"),
        ("The American Samoa government", "AS"),  # a country's name that starts with a nationality word
        ("The government of American Samoa", "AS"),  # which the recognizer may call an organisation
        ("The prime minister of Greece", "GR"),  # the country the office is "of"
        ("The U.K. Foreign Office", "GB"),  # an institution named after its country
        ("A spokesman for the Kenyan opposition", "KE"),  # the nationality of whom one speaks for
    ],
)
def test_a_speaker_s_country_places_the_statement(extractor: Extractor, speaker: str, country: str) -> None:
    body = (
        "The United States sent doctors and vaccines on Sunday, U.S. officials in Washington said.\n\n"
        f"{speaker} condemned the vote on Monday.\n\nThe United States will send more aid."
    )
    statement = next(e for e in extractor.extract(article(body)) if e.trigger.text == "condemned")
    assert statement.location is not None and statement.location.country_code == country


def test_a_town_naming_the_struck_building_places_the_attack(extractor: Extractor) -> None:
    # The town is in a name ("the Jolo Cathedral"), the country in a phrase of the verb.
    body = "Twin bombings struck the Jolo Cathedral in Mindanao, Philippines, on Sunday."
    attack = next(e for e in extractor.extract(article(body)) if e.type == "attack")
    assert attack.location is not None and attack.location.name == "Jolo"


@pytest.mark.parametrize(
    ("speaker", "there"),
    [
        ("Officials in Kandahar", True),
        ("A spokesman for the police office in Kandahar", True),
        ("A governor who once lived in Kandahar", False),  # where he lived, not where he spoke
        ("The minister, born in Kandahar,", False),
        ("Officials from Kandahar", False),  # where they come from; they may speak anywhere
    ],
)
def test_where_the_speaker_is_places_the_statement(extractor: Extractor, speaker: str, there: bool) -> None:
    assert _statement_in_kandahar(extractor, f"{speaker} condemned the killings on Monday.") == there


@pytest.mark.parametrize(
    ("sentence", "there"),
    [
        ("The minister condemned the killings at a news conference in Kandahar on Monday.", True),
        ("At a press conference held in Kandahar, the minister condemned the killings.", True),
        ("Speaking at a summit in Kandahar, the minister condemned the killings.", True),
        ("The minister condemned the killings at a meeting with families from Kandahar.", False),
    ],
)
def test_the_venue_of_a_statement_places_it(extractor: Extractor, sentence: str, there: bool) -> None:
    assert _statement_in_kandahar(extractor, sentence) == there


def _statement_in_kandahar(extractor: Extractor, sentence: str) -> bool:
    """Whether the statement of `sentence`, told after a killing in Kabul, is placed in Kandahar."""
    body = f"Gunmen killed two guards in Kabul on Sunday.\n\n{sentence}"
    statement = next(e for e in extractor.extract(article(body)) if e.type == "statement")
    assert statement.location is not None
    return statement.location.name == "Kandahār"  # the GeoNames spelling


@pytest.mark.parametrize(
    ("body", "attack"),
    [
        ("A fire swept through a slum in Dhaka on Sunday.\n\nOfficials said it killed nine people.", False),
        ("A bomb exploded at a market in Dhaka on Sunday.\n\nOfficials said it killed nine people.", True),
        # "it" is the militia told in its own sentence, not the fire before
        ("A fire broke out in Dhaka on Sunday.\n\nThe militia said it killed nine soldiers in Dhaka.", True),
    ],
)
def test_it_that_killed_is_what_the_sentence_before_tells(extractor: Extractor, body: str, attack: bool) -> None:
    assert any(e.type == "attack" for e in extractor.extract(article(body))) == attack


@pytest.mark.parametrize(("speaker", "country"), [("South Korea", "KR"), ("Japan", "JP")])
def test_a_country_that_speaks_in_a_plain_report_places_its_statement(
    extractor: Extractor, speaker: str, country: str
) -> None:
    # "says" alone is parsed without entity labels: the speaker is still known as a country.
    body = (
        "North Korean artillery fired shells across the border on Thursday.\n\n"
        f"{speaker} says the loudspeaker broadcasts will continue."
    )
    statement = next(e for e in extractor.extract(article(body)) if e.type == "statement")
    assert [(a.text, a.country_code) for a in statement.actors] == [(speaker, country)]
    assert statement.location is not None and statement.location.country_code == country


def test_a_speaker_named_again_keeps_the_country_told_first(extractor: Extractor) -> None:
    body = (
        "Samoan Prime Minister Tuilaepa Sailele said on Monday that the schools would close.\n\n"
        "The United States sent doctors, U.S. officials in Washington said.\n\n"
        "On Tuesday, Prime Minister Tuilaepa condemned the vote."
    )
    events = extractor.extract(article(body))
    tuilaepa = [a for e in events for a in e.actors if a.text == "Prime Minister Tuilaepa"]
    assert tuilaepa and tuilaepa[0].country_code == "WS"


@pytest.mark.parametrize(
    "body",
    [
        "Many wore eyepatches in reference to a woman injured by police in an earlier protest.",
        "The governor did not accede to the protesters' demands for an inquiry.",
        "Previous bombings in the city were blamed on separatists.",
    ],
)
def test_a_happening_told_before_and_the_owner_of_demands_are_no_events(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == []


def test_the_date_of_a_report_does_not_date_the_event_it_tells(extractor: Extractor) -> None:
    # Published on Tuesday 2019-03-12.
    body = (
        "A gunman shot shoppers at a store in El Paso on Saturday."
        " Another report from the Mexican government during the weekend said eight Mexicans died in the attack."
    )
    events = extractor.extract(article(body))
    assert [(e.type, e.date.value) for e in events] == [("attack", "2019-03-09")]


@pytest.mark.parametrize(
    ("body", "deployment"),
    [
        ("The United States deployed two destroyers to the eastern Mediterranean.", True),
        ("The navy sent three frigates to the Red Sea on Monday.", True),
        ("The company deployed a new software update to its servers.", False),
    ],
)
def test_warships_sent_or_deployed_are_a_deployment(extractor: Extractor, body: str, deployment: bool) -> None:
    assert (("operation", "deployment") in kinds(extractor, body)) is deployment


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Police foiled a bomb attack in Paris on Monday.", []),
        ("Security forces thwarted a suicide attack on a mosque in Kabul on Friday.", []),
        (
            "An attempt to assassinate the deputy governor was thwarted in Tyumen on Monday.",
            [("attack", "assassination")],
        ),
        ("He faces arrest if he returns to Uganda.", []),
        ("The country is facing terrorist attacks.", []),
        ("The town faced heavy shelling on Monday.", [("attack", "shelling")]),
    ],
)
def test_a_foiled_or_faced_happening_did_not_happen(
    extractor: Extractor, body: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(extractor, body) == expected


def test_protesters_told_after_a_march_are_its_people(extractor: Extractor) -> None:
    body = (
        "HONG KONG - Yesterday, what organizers estimated at a million people marched from Victoria Park"
        " toward the Central district.\n\n"
        "Protesters started at the park, Causeway Bay, and Tin Hau early yesterday afternoon and walked"
        " until early evening."
    )
    assert [(e.type, e.date.value) for e in extractor.extract(article(body))] == [("protest", "2019-03-11")]


@pytest.mark.parametrize(
    ("body", "protest"),
    [
        ("There has been skepticism among academics and the protesters themselves about the withdrawal.", False),
        ("Among the protesters in Lagos on Monday were students and traders.", True),
    ],
)
def test_protesters_named_among_others_with_no_time_are_no_protest(
    extractor: Extractor, body: str, protest: bool
) -> None:
    assert ("protest" in types(extractor, body)) is protest


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Gunmen stormed the village and killed 12 people on Monday.", ("attack", "armed_assault")),
        ("Militants raided a church in Kidal on Sunday.", ("attack", "armed_assault")),
        ("Security forces stormed a hideout of militants in Marawi on Sunday.", ("operation", "raid")),
        ("Militants stormed a military base in Kidal on Monday.", ("operation", "raid")),
    ],
)
def test_an_armed_groups_raid_on_civilians_is_an_attack(extractor: Extractor, body: str, kind: tuple[str, str]) -> None:
    assert kinds(extractor, body) == [kind]


@pytest.mark.parametrize(
    "body",
    [
        "Two soldiers were killed when their vehicle hit an explosive device near Gao on Friday.",
        "A minibus ran over a landmine near Kidal on Monday, killing six passengers.",
        "A boy stepped on a landmine in Kassala on Sunday.",
    ],
)
def test_a_vehicle_or_a_person_setting_off_a_mine_is_a_roadside_bombing(extractor: Extractor, body: str) -> None:
    (event,) = extractor.extract(article(body))
    assert (event.type, event.subtype) == ("attack", "roadside_bombing")
    assert not [a for a in event.actors if a.role == "source"]  # the vehicle was hit, it did not attack


@pytest.mark.parametrize("body", ["The miners hit a gold mine in Nevada.", "He threw a party on Monday."])
def test_hitting_a_gold_mine_or_throwing_a_party_is_no_bombing(extractor: Extractor, body: str) -> None:
    assert kinds(extractor, body) == []


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Around 200 residents gathered in Bukavu on Monday to denounce insecurity.", ("protest", "demonstration")),
        (
            "Around 50 women assembled at the town hall in Tunis on Friday to call for justice.",
            ("protest", "demonstration"),
        ),
        (
            "Market vendors held a strike in Harare on Wednesday over the relocation of their stalls.",
            ("protest", "strike"),
        ),
        ("Nurses in Nairobi went on a sit-in strike on Monday over unpaid wages.", ("protest", "strike")),
        ("Dozens of lawyers picketed the high court in Lahore on Thursday.", ("protest", "demonstration")),
        ("Teachers staged a sit-down outside the ministry in Niamey on Tuesday.", ("protest", "blockade")),
    ],
)
def test_gatherings_for_a_cause_strikes_and_pickets_are_protests(
    extractor: Extractor, body: str, kind: tuple[str, str]
) -> None:
    assert kinds(extractor, body) == [kind]


@pytest.mark.parametrize(
    "body",
    [
        "Residents gathered to hear the results on Monday.",
        "Israel launched a strike on a camp in Gaza on Monday.",
        "A drone strike was reported near Marib on Monday.",
        "He built a white picket fence.",
    ],
)
def test_other_gatherings_strikes_and_pickets_are_no_protests(extractor: Extractor, body: str) -> None:
    assert "protest" not in types(extractor, body)


def test_forces_put_on_alert_or_mobilised_are_a_deployment(extractor: Extractor) -> None:
    assert kinds(extractor, "The country's military has been placed on high alert.") == [("operation", "deployment")]
    assert kinds(extractor, "The army mobilised 5,000 reservists on Sunday.") == [("operation", "deployment")]
    assert kinds(extractor, "The new law will reinforce the role of parliament.") == []
    assert kinds(extractor, "Health officials were on high alert for new cases of measles.") == []


def test_forces_sent_moved_or_massed_are_a_deployment_where_they_go(extractor: Extractor) -> None:
    for body, place in [
        ("The army sent reinforcements to the border town of Kidal on Tuesday.", "Kidal"),
        ("Israel has strengthened its forces in Lebanon.", "Lebanon"),
        ("The US dispatched a contingent of 300 marines to Haiti.", "Haiti"),
        ("Russia massed troops near the Ukrainian border.", "Ukraine border"),
    ]:
        events = extractor.extract(article(body))
        assert [(e.type, e.subtype) for e in events] == [("operation", "deployment")], body
        assert events[0].location is not None and events[0].location.name == place, body
    assert kinds(extractor, "Israeli troops remained on alert in the occupied West Bank.") == [
        ("operation", "deployment")
    ]
    assert kinds(extractor, "The US is bolstering its military presence in the Gulf.") == [("operation", "deployment")]
    for body in [
        "She sent a letter to the president on Monday.",
        "Police were sent to the scene.",
        "The family moved house to Leeds.",
        "The bank has strengthened its presence in Asia.",
        "An alert was issued for the coast.",
    ]:
        assert kinds(extractor, body) == [], body


def test_people_seized_picked_up_or_taken_into_custody_by_state_forces_are_arrested(extractor: Extractor) -> None:
    for body in [
        "Security forces took three suspects into custody in Kano on Friday.",
        "Police picked up two journalists outside the parliament in Dhaka.",
        "Troops seized 12 Palestinians in the village on Monday.",
        "Troops captured the rebel commander on Sunday.",
    ]:
        assert types(extractor, body) == {"arrest"}, body
    for body in [
        "Rebels captured 20 weapons and two trucks.",
        "Police seized 20 kilograms of heroin in Lagos.",
        "The bus picked up passengers in Leeds.",
        "The suspect remains in custody.",
        "He was released into the custody of relatives.",
    ]:
        assert types(extractor, body) == set(), body
    assert kinds(extractor, "Army units captured the town of Kidal on Sunday.") == [("operation", "occupation")]


def test_the_bare_offence_of_a_charge_or_verdict_is_no_happening(extractor: Extractor) -> None:
    for body in [
        "The court upheld his indictment on one count of murder and nine counts of kidnapping.",
        "He was convicted of kidnapping and murder in 2010.",
        "He faces charges of terrorism and kidnapping.",
    ]:
        assert types(extractor, body) == set(), body
    # the happening tried, told with its determiner, is one
    assert types(extractor, "He pleaded guilty to the 2015 bombing of a mosque in Quebec.") == {"attack"}
    assert types(extractor, "Gunmen kidnapped two children in Kaduna on Monday.") == {"attack"}


def test_an_attack_submarine_or_attack_ad_is_no_attack(extractor: Extractor) -> None:
    assert kinds(extractor, "The vessel is believed to be a Han Class attack submarine.") == []
    assert kinds(extractor, "The campaign ran attack ads against the senator.") == []


def test_what_explodes_must_be_a_bomb_a_shell_or_a_vehicle(extractor: Extractor) -> None:
    for body in [
        "Two bombs exploded outside the embassy in Nairobi on Friday.",
        "The bomb that exploded in Nairobi on Friday was made in Tanzania.",
        "A car exploded outside a police station in Mosul on Monday.",
    ]:
        assert types(extractor, body) == {"attack"}, body
    assert kinds(extractor, "There is nothing new on why the plane exploded.") == []
    assert kinds(extractor, "Thousands of toads are exploding in central Denmark.") == []


def test_an_explosion_caused_by_a_leak_is_no_bombing(extractor: Extractor) -> None:
    assert kinds(extractor, "A suspected gas leak led to an explosion, followed by the building coming down.") == []
    assert kinds(extractor, "A leak caused a blast at the refinery in Texas on Monday.") == []
    assert types(extractor, "A suicide bomber caused an explosion at the market in Kabul on Monday.") == {"attack"}


def test_nature_and_animals_attack_nobody_in_our_sense(extractor: Extractor) -> None:
    assert kinds(extractor, "Warm water circulation is attacking the undersides of the ice shelves.") == []
    assert kinds(extractor, "Locusts attacked crops in Kenya on Monday.") == []
    assert types(extractor, "Militants attacked a water treatment plant in Kirkuk on Monday.") == {"attack"}


def test_a_means_or_an_aspectual_verb_carries_its_own_modality(extractor: Extractor) -> None:
    assert kinds(extractor, "Iraq could start hostilities with Israel through a direct attack.") == []
    assert kinds(extractor, "Iraq could start a war either through a direct attack or by attacking Jordan.") == []
    # what a future or conditional act would answer has not happened
    assert types(extractor, "Israel has declared that it will respond to an Iraqi attack on Jordan.") == {"statement"}
    assert kinds(extractor, "The army would retaliate against any attack on its bases.") == []
    assert types(extractor, "Five soldiers were killed in an attack on a checkpoint in Kidal on Monday.") == {"attack"}
    assert types(extractor, "The suspect will stand trial for an attack on a synagogue in Halle.") == {"attack"}
    assert kinds(extractor, "The army prepared to resume shelling the rebel-held villages.") == []
    assert types(extractor, "Troops began shelling the town of Kidal on Monday.") == {"attack"}
    assert types(extractor, "Insurgents killed 12 soldiers by detonating a car bomb in Mosul on Monday.") == {"attack"}


def test_a_warrant_for_an_arrest_is_none(extractor: Extractor) -> None:
    assert kinds(extractor, "A judge issued a warrant for his arrest on Monday.") == []
    assert types(extractor, "Police arrested him on Monday on a warrant issued in Spain.") == {"arrest"}


def test_the_country_owning_the_target_is_not_where_the_attack_was(extractor: Extractor) -> None:
    body = "NAIROBI, Kenya (AP) - Gunmen attacked the U.S. embassy on Friday, killing 12 people."
    attack = next(e for e in extractor.extract(article(body)) if e.type == "attack")
    assert attack.location is not None and attack.location.country_code == "KE"
    # a country's land is its place
    body = "Police in the Comoros archipelago raided a house on Monday and arrested two men."
    raid = next(e for e in extractor.extract(article(body)) if e.type == "operation")
    assert raid.location is not None and raid.location.country_code == "KM"


def test_what_must_have_been_is_a_guess_not_a_demand(extractor: Extractor) -> None:
    assert kinds(extractor, "The foreign minister said Israel must withdraw from the occupied territories.") == [
        ("statement", "demand")
    ]
    guess = "The foreign minister said the letter must have been written by someone else."
    assert ("statement", "demand") not in kinds(extractor, guess)


def test_a_report_inside_a_quotation_is_the_speakers_words(extractor: Extractor) -> None:
    body = (
        'The health minister dismissed speculation that the virus was spreading, saying "This is what'
        ' the opposition party has been saying for a long time."'
    )
    speakers = {a.text for e in extractor.extract(article(body)) for a in e.actors if a.role == "source"}
    assert "the opposition party" not in speakers and "opposition party" not in speakers
    # a quotation closed here, opened in the sentence before, does not hide the report
    body = '"We will not give up. We do not believe the vote was fair," said the opposition leader.'
    assert ("statement", "statement") in kinds(extractor, body)


def test_saying_what_an_attack_was_is_a_statement_and_it_is_its_reporter(extractor: Extractor) -> None:
    assert ("statement", "condemnation") in kinds(
        extractor, "The foreign minister described the attacks as a dastardly act."
    )
    assert ("statement", "statement") in kinds(
        extractor, "The Iraqi foreign ministry characterized the strike as a violation of its sovereignty."
    )
    assert ("statement", "condemnation") in kinds(extractor, "The president called the bombing an act of barbarity.")
    assert kinds(extractor, "Profit dropped amid what the ministry called lower demand.") == []
    assert kinds(extractor, "The ministry said it categorically rejects the accusations.") == [
        ("statement", "rejection")
    ]


def test_a_charge_whose_with_the_parser_hangs_on_the_accused_is_an_arrest(extractor: Extractor) -> None:
    assert types(extractor, "Prosecutors on Sunday charged a 21-year-old man with murder.") == {"arrest"}


def test_crowds_that_clash_or_throw_petrol_bombs_riot(extractor: Extractor) -> None:
    assert kinds(extractor, "Supporters of the two parties clashed in Lagos on Monday.") == [("protest", "riot")]
    assert kinds(extractor, "Clashes with counter-protesters broke out near the White House on Saturday.") == [
        ("protest", "riot")
    ]
    assert kinds(extractor, "Rioters threw petrol bombs at a police station in Belfast on Monday.") == [
        ("protest", "riot")
    ]
    riot = extractor.extract(article("Protesters threw Molotov cocktails at police in Hong Kong on Sunday."))
    assert [(e.type, e.subtype) for e in riot] == [("protest", "riot")]
    assert riot[0].location is not None and riot[0].location.name == "Hong Kong"  # not Perm, once called Molotov
    assert kinds(extractor, "Troops clashed with rebels near Goma on Monday.") == [("operation", "armed_clash")]
    assert kinds(extractor, "Gunmen threw a grenade into a bar in Mombasa on Monday.") == [("attack", "bombing")]


def test_orders_advice_and_figures_of_speech_are_no_happenings(extractor: Extractor) -> None:
    for body in [
        '"If you cannot make a bomb, take a knife and attack the tourists," he told her.',
        "Attack the enemy wherever you find him!",
        "Attack the enemy wherever you find him, the commander told his men.",
        '"All citizens, fight them with all the power you have," the radio said.',
        "Confidence is shot to ribbons, an analyst said.",
        "This is an assault on the rights and liberties of every citizen, the senator said.",
    ]:
        assert types(extractor, body) & {"attack", "operation"} == set(), body
    assert types(extractor, "Gunmen assaulted a police post in Kano on Monday.") == {"attack"}
    assert types(extractor, "Police arrest 30 in Paris") == {"arrest"}  # a headline's present is no order
    assert types(extractor, "Gunmen, some wearing uniforms, storm a church in Kaduna.") == {"attack"}


def test_forces_ordered_somewhere_are_a_deployment_not_those_ordered_out(extractor: Extractor) -> None:
    for body in [
        "The army chief ordered 2,000 soldiers to Kidal on Monday.",
        "The defence minister directed Coast Guard units to join the search near Jolo.",
        "He ordered a heightened alert among troops in Sulu.",
    ]:
        assert kinds(extractor, body) == [("operation", "deployment")], body
    for body in [
        "The president ordered troops to withdraw from Kidal.",
        "The State Department ordered the departure of all non-emergency personnel from the embassy.",
        "The landlord ordered the units to be cleaned.",
    ]:
        assert kinds(extractor, body) == [], body


def test_armed_units_moving_into_a_place_are_a_deployment(extractor: Extractor) -> None:
    for body in [
        "Syrian government troops entered Tell Halaf and Ain Arous yesterday.",
        "A Russian submarine entered Norwegian territorial waters north of Tromso.",
        "Russian tanks rolled into the town of Kherson on Monday.",
        "Turkish forces crossed into northern Syria on Wednesday.",
        "Israeli forces advanced on Gaza City.",
    ]:
        assert kinds(extractor, body) == [("operation", "deployment")], body
    for body in [
        "The troops entered a new phase of training.",
        "Soldiers marched on Sunday.",
        "The police entered the building.",
        "Thousands of supporters entered the stadium on Sunday.",
    ]:
        assert ("operation", "deployment") not in kinds(extractor, body), body


def test_a_killing_is_only_another_events_toll_when_that_event_is_one(extractor: Extractor) -> None:
    assert kinds(extractor, "Soldiers killed nine militants in a raid on Monday.") == [("operation", "raid")]
    # "moved" and "sent" could be deployments, but nobody armed moves or is sent here
    for body in [
        "A sniper killed the judge in his garden, days after the family had moved to Toledo.",
        "Gunmen killed two farmers on Sunday after the men sent a letter to the governor.",
    ]:
        assert types(extractor, body) == {"attack"}, body


def test_a_practice_named_by_a_bare_noun_is_no_happening(extractor: Extractor) -> None:
    body = "The crimes were part of Operation Condor, a campaign of assassination meant to suppress the opposition."
    assert kinds(extractor, body) == []
    assert types(extractor, "The group launched a campaign of bombings in Kabul on Monday.") == {"attack"}


def test_protesters_owning_something_else_are_no_crowd(extractor: Extractor) -> None:
    assert kinds(extractor, "This was one of the five demands of the protesters.") == []
    assert kinds(extractor, "Most of the protesters were students.") == []
    assert types(extractor, "Tens of thousands of protesters gathered in Bamako on Friday.") == {"protest"}


def test_a_report_calling_an_attack_appalling_condemns_it(extractor: Extractor) -> None:
    body = 'The mayor of Paris wrote on Twitter: "Paris is mourning after this appalling attack on the police."'
    assert ("statement", "condemnation") in kinds(extractor, body)
    tragedy = 'The president said the deaths of five girls in the fire were "an appalling tragedy".'
    assert ("statement", "condemnation") not in kinds(extractor, tragedy)


def test_surrendering_to_the_police_is_an_arrest(extractor: Extractor) -> None:
    for body in [
        "The suspected gunman surrendered himself to police in Dayton on Saturday.",
        "The suspect gave himself up to police in Leeds on Monday.",
    ]:
        assert kinds(extractor, body) == [("arrest", "arrest")], body
    for body in ["The rebels surrendered to the army on Monday.", "He surrendered his passport to the court."]:
        assert kinds(extractor, body) == [], body


def test_people_captured_or_seized_by_armed_groups_are_abducted(extractor: Extractor) -> None:
    assert kinds(extractor, "Rebels captured 20 soldiers near Goma on Monday.") == [("attack", "abduction")]
    assert kinds(extractor, "Gunmen seized 12 passengers from a bus in Zamfara on Sunday.") == [("attack", "abduction")]
    assert kinds(extractor, "Police seized 12 suspects in Kano on Monday.") == [("arrest", "arrest")]


def test_a_killing_owned_after_a_preposition_has_the_owners_agent(extractor: Extractor) -> None:
    assert types(extractor, "Karim confessed to killing his cousin by poisoning her in 2015.") == {"attack"}
    assert "attack" not in types(extractor, "She said she heard Daniel talk about killing the minister.")


def test_an_attempted_killing_is_an_attack_a_suicide_none(extractor: Extractor) -> None:
    assert types(extractor, "Gunmen attempted to kill the mayor of Kirkuk on Monday.") == {"attack"}
    assert types(extractor, "An attempt to assassinate the deputy governor was thwarted in Surgut.") == {"attack"}
    assert kinds(extractor, "The group plans to attack the parliament.") == []
    assert kinds(extractor, "Parliament approved a plan to send troops to Iraq.") == []
    assert kinds(extractor, "The man killed himself in Kabul on Monday.") == []
    assert types(extractor, "A suicide bomber killed himself and 12 others at a checkpoint in Kabul on Monday.") == {
        "attack"
    }


def test_arrests_and_protests_told_as_a_count_of_times_are_a_record(extractor: Extractor) -> None:
    assert (
        kinds(extractor, "He has been arrested more than a dozen times during abortion protests in seven states.") == []
    )
    assert kinds(extractor, "The activist has protested five times outside the embassy.") == []
    # one attack, however many shots
    assert types(extractor, "A man was shot three times outside his home in Leeds on Monday.") == {"attack"}


def test_withdrawing_a_bill_is_a_concession_withdrawing_troops_a_threat(extractor: Extractor) -> None:
    # A concession announced is the vehicle of a happening we do not type (CAMEO 08), no threat.
    assert (
        kinds(extractor, "The interior minister announced that the government will withdraw the extradition bill.")
        == []
    )
    assert kinds(extractor, "Nigeria announced that it will withdraw its peacekeeping force from Chad.") == [
        ("statement", "threat_of_force")
    ]


def test_declaring_an_emergency_is_an_act_declaring_what_something_is_a_statement(extractor: Extractor) -> None:
    assert kinds(extractor, "The government declared a state of emergency on Monday.") == []
    assert kinds(extractor, "The supreme court declared the election void on Monday.") == [("statement", "statement")]
    assert kinds(extractor, "The president declared that the border would stay closed.") == [("statement", "statement")]


def test_a_report_of_a_collision_or_an_evacuation_is_an_incident_report(extractor: Extractor) -> None:
    assert kinds(extractor, "A police spokesman said the bus collided with a railway bridge on Wellhouse Lane.") == []
    assert kinds(extractor, "A government spokesman said the evacuation of 230 foreigners had begun.") == []


def test_arrests_of_different_named_people_are_different_arrests(extractor: Extractor) -> None:
    body = (
        "She spoke about her husband Siarhei, who was arrested in May."
        " Maria Kalesnikava headed the campaign of Viktar Babaryka, who was arrested and banned from the election."
    )
    assert kinds(extractor, body) == [("arrest", "arrest"), ("arrest", "arrest")]
    # the same person told twice stays one arrest
    assert kinds(extractor, "Police arrested John Smith in Leeds on Monday. Smith was arrested after a chase.") == [
        ("arrest", "arrest")
    ]


def test_the_bound_of_a_comparison_does_not_date_the_event(extractor: Extractor) -> None:
    # Published on 2019-03-12: "since 2004" says nothing was as deadly since then.
    events = extractor.extract(
        article("A car bomb killed 40 people in the city on Monday, the deadliest attack since 2004.")
    )
    assert [(e.type, e.date.value) for e in events] == [("attack", "2019-03-11")]
    events = extractor.extract(article("It was the first protest in the town since 1989."))
    assert [(e.type, e.date.value) for e in events] == [("protest", "2019-03-12")]


# --- short conflict reports (failure classes of eval/conflict.jsonl) ----------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a weapon that strikes a vehicle is no traffic accident
        (
            "An IED planted on the roadside struck an army vehicle near Quetta, wounding four soldiers.",
            [("attack", "roadside_bombing")],
        ),
        # control of a place taken by armed men; not control of a situation
        (
            "Rebels took control of the town of Goma on Saturday after army units withdrew.",
            [("operation", "occupation")],
        ),
        ("Rebels seized control of Goma on Monday.", [("operation", "occupation")]),
        ("Police took control of the situation.", []),
        # a sweep is an operation; the circumstance of arrests is the arrest
        (
            "Army units conducted a sweep of villages west of Kirkuk in search of militants.",
            [("operation", "military_operation")],
        ),
        (
            "Israeli soldiers arrested more than 100 Palestinians in a security sweep of the Hebron area.",
            [("arrest", "arrest")],
        ),
        # a siege that has lasted since a date is still one siege
        (
            "Islamist militants have besieged the eastern town of Pama since Oct. 2, a security source said.",
            [("operation", "siege")],
        ),
        # arson: by fighters an attack, by protesters or rioters the riot
        (
            "Suspected separatist fighters set fire to a government school in Kumba on Monday night.",
            [("attack", "attack")],
        ),
        ("Protesters set fire to tyres in the city centre.", [("protest", "riot")]),
        (
            "Traders rioted in Kisumu town, torching a county office and looting shops before police restored calm.",
            [("protest", "riot")],
        ),
        # a kind of happening, not happenings: a plural without article, number, date or place
        ("Clinton said the United States will not retreat from the world because of terrorist attacks.", []),
        ("The rhetoric has helped lead to violent attacks against abortion providers, she said.", []),
        (
            "At least 51 people were killed in clashes between Serb police and ethnic Albanians.",
            [("operation", "armed_clash")],
        ),
        ("Militants carried out attacks in Kabul last week.", [("attack", "attack")]),
        # killings and arson told by how they were done
        ("Assailants threw a grenade at a bar in Bujumbura, injuring four people.", [("attack", "bombing")]),
        ("Protesters threw stones at the police.", [("protest", "demonstration")]),
        ("Villagers lynched a suspected thief in Kisumu.", [("attack", "beating_death")]),
        ("Suspected herders hacked to death six farmers in a village near Jos.", [("attack", "armed_assault")]),
        ("Militants beheaded a Christian man in Cabo Delgado.", [("attack", "attack")]),
        ("Militiamen burned 30 houses in the village of Ntoroko.", [("attack", "attack")]),
        ("Police burned seized drugs in Lagos.", []),
        ("A mob set ablaze a police station in Mandera.", [("attack", "attack")]),
        ("Rebels overran an army base in Tessit.", [("operation", "occupation")]),
        # fire and fighting told with other words
        ("Soldiers fired live ammunition at protesters at the toll gate in Lagos.", [("attack", "armed_assault")]),
        (
            "Burkinabe soldiers engaged JNIM fighters near Djibo; four soldiers were killed.",
            [("operation", "armed_clash")],
        ),
        ("The minister engaged in talks with the rebels.", []),
        ("Azerbaijani and Armenian forces exchanged heavy shelling along the border.", [("operation", "armed_clash")]),
        # protesters storming a building riot; a demonstration dispersed took place
        ("Protesters stormed the parliament building in Baghdad.", [("protest", "riot")]),
        ("Young protesters pelted police with stones and burned tyres in Ziguinchor on Friday.", [("protest", "riot")]),
        ("Police used tear gas to disperse a demonstration by students in Dhaka.", [("protest", "demonstration")]),
        ("Police plan to disperse any protest.", []),
        # looting: by armed men an attack, by rioters the riot; a vigil is a gathering
        ("Militiamen looted the market in Bunia on Monday.", [("attack", "attack")]),
        ("Rioters looted shops in Durban.", [("protest", "riot")]),
        ("Hundreds held a candlelight vigil in Gdansk for the murdered mayor.", [("protest", "demonstration")]),
        # an invasion of people or pests is no military operation
        ('The manifesto speaks of "an invasion" of Hispanic people into the country.', []),
        ("Locusts invaded farms in Kenya.", []),
        # a sport
        ("Men drinking beer after shooting skeet at the club said they were worried.", []),
        # a detention told by how long it lasts is a state, not an arrest
        ("Thirty migrants began a hunger strike against their prolonged detention.", [("protest", "hunger_strike")]),
    ],
)
def test_conflict_report_classes(extractor: Extractor, body: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(extractor, body) == expected


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("A suspected U.S. drone strike hit a vehicle near Ataq in Shabwa province on Friday.", "Ataq"),
        (
            "Police arrested a senior Bangladesh Nationalist Party leader at his home in Chittagong last week.",
            "Chattogram",
        ),
        ("Israeli soldiers arrested more than 100 Palestinians in a security sweep of the Hebron area.", "Hebron"),
        ("Gunmen attacked the U.S. embassy in Nairobi on Friday, killing two guards.", "Nairobi"),
        (
            # the state of the subject, whichever word the parser hangs it on
            "Sudan's paramilitary Rapid Support Forces took control of the village of Um Sidr in North Kordofan.",
            "North Kordofan",
        ),
    ],
)
def test_the_actor_s_country_or_party_name_is_not_where_it_happened(
    extractor: Extractor, body: str, place: str
) -> None:
    (event,) = extractor.extract(article(body))
    assert event.location is not None and event.location.name == place


@pytest.mark.parametrize(
    ("body", "country"),
    [
        ("Kenyan police fired tear gas and live rounds at demonstrators on Monday, killing one.", "KE"),
        ("Tunisian students blocked a highway on Sunday over exam fees.", "TN"),
        ("Ghanaian authorities deported 30 undocumented migrants on Friday.", "GH"),
    ],
)
def test_with_no_place_in_the_article_police_protesters_and_arrests_are_in_their_country(
    extractor: Extractor, body: str, country: str
) -> None:
    (event,) = extractor.extract(article(body))
    where = event.location
    assert where is not None and (where.country_code, where.precision) == (country, "country")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # fighters described by a fight with its own date, or whose fighters do something violent
        ("Soldiers battling insurgents on Tuesday morning near Gao lost two vehicles.", ("operation", "armed_clash")),
        ("Soldiers battling insurgents near Gao killed six of them.", ("operation", "armed_clash")),
        ("Rebels who fought the army near Goma on Monday lost 20 men.", ("operation", "armed_clash")),
        # someone's happenings in the plural that act, or whose possessor is a time
        ("The militia's raids killed dozens of villagers.", ("operation", "raid")),
        ("Detectives studied last Sunday's bombings in Mombasa.", ("attack", "bombing")),
    ],
)
def test_descriptions_and_plurals_that_act_or_are_dated_are_events(
    extractor: Extractor, body: str, kind: tuple[str, str]
) -> None:
    assert kinds(extractor, body) == [kind]


def test_what_a_denied_report_claims_is_no_event(extractor: Extractor) -> None:
    body = "The interior ministry denied reports that police had detained two reporters."
    assert kinds(extractor, body) == [("statement", "denial")]
    body = "The interior ministry confirmed reports that police had detained two reporters."
    assert ("arrest", "arrest") in kinds(extractor, body)


def test_with_no_place_in_the_article_fighters_are_placed_nowhere(extractor: Extractor) -> None:
    (event,) = extractor.extract(article("Chadian rebels attacked an army convoy on Monday, killing four soldiers."))
    assert event.location is None


@pytest.mark.parametrize(
    ("body", "place"),
    [
        # the protesters are the shooting's targets, their place the shooting's
        (
            "YANGON, May 5 (Wire) - Soldiers opened fire on protesters in Mandalay on Sunday, killing two people.",
            "Mandalay",
        ),
        (
            "KYIV, June 7 (Wire) - Ukrainian and Russian troops fought street battles in the town of Chasiv Yar.",
            "Chasiv Yar",
        ),
    ],
)
def test_a_part_of_an_event_told_with_its_place_places_the_event(extractor: Extractor, body: str, place: str) -> None:
    (event,) = extractor.extract(article(body))
    assert event.location is not None and event.location.name == place
