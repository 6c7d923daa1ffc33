"""Event frames from parsed sentences: assertion, actors, date and place attachment, merging."""

from __future__ import annotations

import pytest

from workers.extract.codes import codes_for, is_refinement, lineage
from workers.extract.frames import ArticleFrame, FrameBuilder
from workers.extract.mentions import Mention, PlacedLocation, merge_mentions
from workers.extract.nlp import load_nlp
from workers.extract.triggers import Lexicon
from workers.records import Actor, EventDate, Place, TimeExpression

KABUL = Place("Kabul", 0, 5, "Kabul", "AF", "Kabul", 34.53, 69.17, 1138958, "city", "city")
SYRIA = Place("Syria", 0, 5, "Syria", "SY", None, 35.0, 38.0, 163843, "country", "country")


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.fixture(scope="module")
def builder() -> FrameBuilder:
    return FrameBuilder(Lexicon.default())


def frame(
    places: list[Place] = (),
    dates: list[TimeExpression] = (),
    dateline: Place | None = None,
    demonyms: dict[str, str] | None = None,
) -> ArticleFrame:
    return ArticleFrame(
        published_day="2019-03-12",
        places=list(places),
        dates=list(dates),
        dateline=dateline,
        dominant=None,
        country_place=lambda cc: None,
        demonym=lambda w: (demonyms or {}).get(w),
        lookup=lambda name, hint: None,
    )


def at(text: str, word: str, place: Place) -> Place:
    start = text.index(word)
    return Place(
        word,
        start,
        start + len(word),
        place.name,
        place.country_code,
        place.admin1,
        place.lat,
        place.lon,
        place.geonames_id,
        place.feature,
        place.precision,
    )


def when(text: str, words: str, value: str, precision: str = "day") -> TimeExpression:
    start = text.index(words)
    return TimeExpression(words, start, start + len(words), value, precision)  # type: ignore[arg-type]


def mentions(nlp, builder: FrameBuilder, text: str, art: ArticleFrame) -> list[Mention]:  # type: ignore[no-untyped-def]
    return builder.build_mentions(nlp(text), 0, False, art)


def test_attack_with_place_date_and_actor(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "Taliban gunmen attacked a checkpoint in Kabul on Monday, killing four policemen."
    found = mentions(nlp, builder, text, frame([at(text, "Kabul", KABUL)], [when(text, "Monday", "2019-03-11")]))
    assert [(m.type, m.subtype) for m in found] == [("attack", "armed_assault")]  # "gunmen" sharpens it
    m = found[0]
    assert text[m.trigger[0] : m.trigger[1]] == "attacked"
    assert (m.date.value, m.date.source) == ("2019-03-11", "text")
    assert m.location is not None and m.location.name == "Kabul" and m.location.precision == "city"
    assert any(a.role == "source" and "gunmen" in a.text for a in m.actors)


def test_denied_attack_is_a_denial_not_an_attack(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    found = mentions(nlp, builder, "The Taliban denied carrying out the attack on the mosque.", frame())
    assert [(m.type, m.subtype) for m in found] == [("statement", "denial")]


def test_threat_and_modal_are_not_asserted_attacks(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    found = mentions(nlp, builder, "Houthi rebels threatened to strike Saudi oil facilities.", frame())
    assert [(m.type, m.subtype) for m in found] == [("statement", "threat_of_force")]
    found = mentions(nlp, builder, "The army may launch an offensive in the north.", frame())
    assert [m.type for m in found] == []


def test_planned_happenings_named_by_a_modifier_are_not_asserted(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    found = mentions(nlp, builder, "Police detained five men suspected of planning attacks in the capital.", frame())
    assert [m.type for m in found] == ["arrest"]
    assert mentions(nlp, builder, "The army postponed a planned offensive in the north.", frame()) == []


def test_negated_arrest_is_dropped(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    assert mentions(nlp, builder, "Police did not arrest anyone after the match.", frame()) == []


def test_reporting_verb_over_an_event_is_attribution(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    found = mentions(nlp, builder, "Police said gunmen shot dead two guards.", frame())
    assert [m.type for m in found] == ["attack"]


def test_statement_needs_a_speaker_and_gets_the_dateline(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    dateline = Place("KABUL", 0, 5, "Kabul", "AF", "Kabul", 34.53, 69.17, 1138958, "city", "city")
    found = mentions(
        nlp, builder, "Interior Ministry spokesman Nasrat Rahimi said the talks had stalled.", frame(dateline=dateline)
    )
    assert [(m.type, m.subtype) for m in found] == [("statement", "statement")]
    assert found[0].location is not None and found[0].location.name == "Kabul"
    assert mentions(nlp, builder, "Analysts said the decision was expected.", frame()) == []


def test_statement_speakers_named_by_office_institution_or_affiliation(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    def kinds(text: str, art: ArticleFrame | None = None) -> list[tuple[str, str]]:
        return [(m.type, m.subtype) for m in mentions(nlp, builder, text, art or frame())]

    # A country whose name holds a trigger form ("States"), an institution or title as a
    # common noun, a partitive or named speaker with the body it belongs to.
    assert kinds("On Tuesday the United States announced new visa rules for students.") == [("statement", "statement")]
    assert kinds("The palace issued a statement saying the princess would not stand for office.") == [
        ("statement", "statement")
    ]
    assert kinds("A number of senators condemned the new licensing rules.") == [("statement", "condemnation")]
    assert kinds("Rafael Ortiz of the interior ministry said the border rules were unacceptable.") == [
        ("statement", "statement")
    ]
    # The "of" of a follower is not an affiliation; a modifier alone makes no speaker.
    assert ("statement", "demand") not in kinds(
        "Hundreds of supporters of the former president blocked roads demanding his return."
    )
    assert kinds("Military sources said the convoy reached the capital.") == []
    # A name in apposition to a title with capitalised modifiers is a titled name.
    text = "Anna Berg, an Oslo Labour Party MP, raised the matter. Berg said the budget cuts were unfair."
    art = frame()
    art.titled = builder.titled_names(text)
    assert kinds(text[text.index("Berg said") :], art) == [("statement", "statement")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Speaking to Reuters, the foreign minister, Sergei Lavrov, said the sanctions were illegal.",
            "foreign minister",
        ),
        (
            "Speaking to Agence France-Presse, the president of the national league, Jamel Msallem, said the ban was unjust.",
            "president",
        ),
    ],
)
def test_a_speaker_parsed_into_a_leading_participle_phrase_still_speaks(nlp, builder, text: str, speaker: str) -> None:  # type: ignore[no-untyped-def]
    # The parser hangs the speaker as an apposition of the participle's object ("Reuters").
    found = mentions(nlp, builder, text, frame())
    assert [(m.type, [a.text for a in m.actors if a.role == "source"]) for m in found] == [("statement", [speaker])]


def test_names_in_apposition_to_an_institution_s_head_or_a_place_s_head_are_titled(builder) -> None:  # type: ignore[no-untyped-def]
    text = "Alexis Boon, the head of the Metropolitan Police Counter Terrorism Command, spoke first."
    assert {"alexis", "boon"} <= builder.titled_names(text)
    text = "On Wednesday, Carrie Lam, the chief executive of Hong Kong, announced the bill's withdrawal."
    hong_kong = Place("Hong Kong", 0, 9, "Hong Kong", "HK", None, 22.28, 114.16, 1819729, "city", "city")
    assert {"carrie", "lam"} <= builder.titled_names(text, [at(text, "Hong Kong", hong_kong)])
    # The head of something that is no place and holds no political word is no title.
    text = "Dana Holt, the chief executive of Northwind Traders, announced the merger."
    assert builder.titled_names(text) == frozenset()
    # A title companies share, held at a company, is none either; at an embassy it is.
    assert builder.titled_names("Sumeet Singh, a vice president at PG&E, spoke first.") == frozenset()
    assert {"jo", "lee"} <= builder.titled_names("Jo Lee, a spokeswoman at the embassy, spoke first.")


def test_a_pronoun_speaker_is_the_person_last_named_as_a_subject(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    def said(first: str, second: str) -> list[tuple[str, str]]:
        art = frame()
        art.titled = builder.titled_names(f"{first} {second}")
        assert mentions(nlp, builder, first, art) == []
        return [(m.type, m.subtype) for m in mentions(nlp, builder, second, art)]

    # No statement came before to name the speaker: the subject of the previous sentence is "he".
    assert said(
        "Senate Majority Leader Mitch McConnell met reporters on Tuesday.",
        "He said the trial would not be impartial.",
    ) == [("statement", "statement")]
    # A person with no political role stays no statement's speaker.
    assert said("The singer Adele Adkins met reporters on Tuesday.", "She said the tour would go ahead.") == []


def test_report_attributes_only_the_event_it_reports(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    kinds = lambda text: sorted(m.type for m in mentions(nlp, builder, text, frame()))  # noqa: E731
    assert kinds("The rally drew national attention after the president claimed both sides were to blame.") == [
        "protest",
        "statement",
    ]
    assert kinds("Gunmen killed three villagers near the border, a regional council said.") == ["attack"]
    assert kinds("The minister said rebels had attacked the market.") == ["attack"]


def test_rulings_and_condemnations_by_political_actors(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    def kinds(text: str) -> list[tuple[str, str]]:
        return [(m.type, m.subtype) for m in mentions(nlp, builder, text, frame())]

    assert kinds("The appeals court ruled that the new voting law was unconstitutional.") == [
        ("statement", "statement")
    ]
    assert kinds("The supreme court issued a ruling on the border dispute.") == [("statement", "statement")]
    assert kinds("The generals ruled the province had been pacified.") == []  # governing, not a ruling
    assert kinds("The senator decried the decision to close the naval base.") == [("statement", "condemnation")]
    assert kinds("The foreign minister lashed out at the new tariffs.") == [("statement", "condemnation")]
    assert kinds("The opposition leader repeated his allegations of vote rigging.") == [("statement", "accusation")]


def test_an_impeachment_is_a_formal_accusation(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "On Wednesday the House of Representatives impeached the president over abuse of power."
    assert [(m.type, m.subtype) for m in mentions(nlp, builder, text, frame())] == [("statement", "accusation")]


def test_the_statement_a_reaction_is_made_in_is_its_vehicle_not_another_statement(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "Turkey was condemned in a joint statement by Egypt on Monday."
    found = mentions(nlp, builder, text, frame(dates=[when(text, "Monday", "2019-03-11")]))
    assert [(m.subtype, [a.text for a in m.actors if a.role == "source"], m.date.value) for m in found] == [
        ("condemnation", ["Egypt"], "2019-03-11")
    ]


def test_a_person_charged_is_an_arrest_a_fee_is_not(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    def types(text: str) -> list[str]:
        return [m.type for m in mentions(nlp, builder, text, frame())]

    assert types("A second suspect has been charged for supplying the rifle.") == ["arrest"]
    assert types("He was charged twice before a military tribunal.") == ["arrest"]
    assert types("Police charged the driver with dangerous driving.") == ["arrest"]
    assert types("Customers were charged five dollars for each bag.") == []


def test_date_belongs_to_the_trigger_it_governs(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "An official said Sunday that 27 people were killed in the blast during Friday prayers."
    dates = [when(text, "Sunday", "2019-03-10"), when(text, "Friday", "2019-03-08")]
    found = mentions(nlp, builder, text, frame(dates=dates))
    assert [(m.type, m.date.value) for m in found] == [("attack", "2019-03-08")]


def test_event_does_not_take_the_date_of_the_statement_reacting_to_it(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    # (Published on Tuesday 2019-03-12: every date below is on or before it.)
    text = "The Secretary-General on Tuesday condemned the car bombing in the city."
    found = mentions(nlp, builder, text, frame(dates=[when(text, "Tuesday", "2019-03-12")]))
    assert [(m.type, m.date.value, m.date.source) for m in found] == [
        ("statement", "2019-03-12", "text"),
        ("attack", "2019-03-12", "published_at"),
    ]
    # The reaction takes the later of its dates, the event the other one.
    text = "The foreign minister on Monday condemned the shelling of a hospital in the north last week."
    found = mentions(
        nlp,
        builder,
        text,
        frame(dates=[when(text, "Monday", "2019-03-11"), when(text, "last week", "2019-W10", "week")]),
    )
    assert [(m.type, m.date.value) for m in found] == [("statement", "2019-03-11"), ("attack", "2019-W10")]
    # A report's date still bounds the events it reports.
    text = "Police said on Thursday they had arrested four suspects."
    found = mentions(nlp, builder, text, frame(dates=[when(text, "Thursday", "2019-03-07")]))
    assert [(m.type, m.date.value) for m in found] == [("arrest", "2019-03-07")]


def test_undated_event_reacted_to_is_no_later_than_the_reaction(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    # Filed on the 12th, condemned on Monday the 11th: the bombing happened by the 11th, so its
    # publication fallback is the reaction's day (still source published_at: the day or before).
    text = "The Secretary-General on Monday condemned the car bombing in the city."
    found = mentions(nlp, builder, text, frame(dates=[when(text, "Monday", "2019-03-11")]))
    assert [(m.type, m.date.value, m.date.source) for m in found] == [
        ("statement", "2019-03-11", "text"),
        ("attack", "2019-03-11", "published_at"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"This must stop," the health minister said in a statement on Monday.',
        "The army said in a statement issued on Monday that the border was closed.",
        "In a letter handed to the United Nations on Monday, Iraq said the sanctions were illegal.",
        "During an interview on a late-night show on Monday, the senator called the plan a disgrace.",
    ],
)
def test_a_statement_takes_the_date_of_its_occasion(nlp, builder, text: str) -> None:  # type: ignore[no-untyped-def]
    # Published Tuesday 2019-03-12: the statement, letter or interview was Monday's, not the
    # publication day's.
    found = mentions(nlp, builder, text, frame(dates=[when(text, "Monday", "2019-03-11")]))
    assert [(m.type, m.date.value, m.date.source) for m in found if m.type == "statement"] == [
        ("statement", "2019-03-11", "text")
    ]


def test_person_named_like_a_town_is_not_a_place(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "Police official Hyderabad Khan said a bomb exploded near the market."
    hyderabad = Place("Hyderabad", 0, 9, "Hyderabad", "IN", None, 17.38, 78.46, 1269843, "city", "city")
    found = mentions(nlp, builder, text, frame([at(text, "Hyderabad", hyderabad)]))
    assert {m.type for m in found} == {"attack"}  # "bomb" and "exploded": merged later
    assert all(m.location is None for m in found)


@pytest.mark.parametrize(
    "text, subtype",
    [
        ("Russian warplanes dropped guided bombs on the town on Thursday.", "airstrike"),
        ("Bombs dropped from helicopters killed six people in the town.", "airstrike"),
        ("The air force bombarded the port overnight.", "airstrike"),
        ("Militants bombed a police station on Monday.", "bombing"),
        ("A bomb exploded in the market on Monday as jets flew overhead.", "bombing"),
        # Munitions that are air-delivered by definition, whoever is named as dropping them.
        ("Russian forces dropped a glide bomb on a supermarket in the town.", "airstrike"),
        ("Government forces dropped barrel bombs on the district on Monday.", "airstrike"),
        ("The army dropped guided aerial bombs on the village.", "airstrike"),
    ],
)
def test_bombs_delivered_by_aircraft_are_an_air_strike(nlp, builder, text: str, subtype: str) -> None:  # type: ignore[no-untyped-def]
    found = mentions(nlp, builder, text, frame())
    assert {(m.type, m.subtype) for m in found} == {("attack", subtype)}


@pytest.mark.parametrize(
    "text",
    [
        "Two suicide bombings took place in the country's capital, Kabul, last month.",
        "The explosion occurred in the Afghan capital, Kabul, on Monday.",
        "The attack happened in the northern city, Kabul, on Monday.",
    ],
)
def test_a_town_in_apposition_to_the_place_noun_of_a_locative_phrase_is_the_location(nlp, builder, text: str) -> None:  # type: ignore[no-untyped-def]
    found = mentions(nlp, builder, text, frame([at(text, "Kabul", KABUL)]))
    assert [(m.location.name if m.location else None) for m in found] == ["Kabul"]


def test_a_verb_and_its_object_naming_one_fight_are_one_mention_at_the_object_s_place(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "Ukrainian and Russian troops fought street battles in the eastern town of Kabul on Thursday."
    found = mentions(nlp, builder, text, frame([at(text, "Kabul", KABUL)]))
    assert [(m.subtype, m.location.name if m.location else None) for m in found] == [("armed_clash", "Kabul")]


@pytest.mark.parametrize(
    "text",
    [
        "Turkish-backed factions fired mortar rounds at SDF positions on the outskirts of the town.",
        "Government forces fired mortars at rebel positions near the town.",
    ],
)
def test_fire_at_positions_near_a_town_is_an_armed_clash(nlp, builder, text: str) -> None:  # type: ignore[no-untyped-def]
    # The target may hang on the weapon; where the positions are does not make them civilian.
    assert [(m.type, m.subtype) for m in mentions(nlp, builder, text, frame())] == [("operation", "armed_clash")]


def test_the_home_town_of_fighters_is_not_where_they_were_attacked(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "Federal troops launched an offensive against Kabul militiamen around the town of Debre Tabor."
    debre = Place("Debre Tabor", 0, 11, "Debre Tabor", "ET", "Amhara", 11.85, 38.02, 334227, "city", "city")
    found = mentions(nlp, builder, text, frame([at(text, "Kabul", KABUL), at(text, "Debre Tabor", debre)]))
    assert [(m.subtype, m.location.name if m.location else None) for m in found] == [("offensive", "Debre Tabor")]


def test_a_named_town_beats_a_region_or_border_in_the_trigger_phrases(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    azaz = Place("Azaz", 0, 4, "I‘zāz", "SY", "Aleppo", 36.59, 37.04, 170017, "city", "city")
    border = Place("Turkish border", 0, 14, "Turkey border", "SY", None, 36.7, 37.0, None, "region", "region")
    region = Place("northern Aleppo", 0, 15, "northern Ḩalab", "SY", None, 36.5, 37.5, None, "region", "region")
    text = "Five people died when a booby-trapped car blew up in the town of Azaz near the Turkish border on Saturday."
    found = mentions(nlp, builder, text, frame([at(text, "Azaz", azaz), at(text, "Turkish border", border)]))
    assert {m.location.name for m in found if m.location} == {"I‘zāz"}
    text = "A car bomb exploded near a roundabout in Azaz, in the northern Aleppo countryside, on Saturday."
    found = mentions(nlp, builder, text, frame([at(text, "Azaz", azaz), at(text, "northern Aleppo", region)]))
    assert {m.location.name for m in found if m.location} == {"I‘zāz"}  # the "car bomb" mention joins later
    # Without a town there, the region stays the place.
    text = "A car bomb exploded near the Turkish border on Saturday."
    found = mentions(nlp, builder, text, frame([at(text, "Turkish border", border)]))
    assert {m.location.name for m in found if m.location} == {"Turkey border"}


@pytest.mark.parametrize(
    "text",
    [
        "Five people died when a booby-trapped car blew up in the town on Saturday.",
        "An explosives-laden truck exploded at a checkpoint on Monday.",
        "A car rigged with explosives detonated near the market.",
    ],
)
def test_booby_trapped_or_explosives_laden_vehicles_are_car_bombings(nlp, builder, text: str) -> None:  # type: ignore[no-untyped-def]
    found = mentions(nlp, builder, text, frame())
    assert {(m.type, m.subtype) for m in found} == {("attack", "car_bombing")}


def test_apposition_after_a_comma_is_not_the_object_of_an_intransitive_trigger(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    text = "Organisers said 20,000 people demonstrated in the capital in May against the new law, the largest turnout this year."
    found = mentions(nlp, builder, text, frame(dates=[when(text, "May", "2018-05", "month")]))
    # The protest is asserted; "said" only attributes it.
    assert [(m.type, m.subtype, m.date.value) for m in found] == [("protest", "demonstration", "2018-05")]
    found = mentions(
        nlp, builder, "Farmers demonstrated in the capital against the tax, the largest turnout this year.", frame()
    )
    assert [(m.type, m.subtype) for m in found] == [("protest", "demonstration")]
    assert mentions(nlp, builder, "The army demonstrated its resolve on Monday.", frame()) == []


def test_no_trigger_no_mention(nlp, builder) -> None:  # type: ignore[no-untyped-def]
    assert mentions(nlp, builder, "Sunny spells are expected across the north this week.", frame()) == []


def mention(
    type_: str,
    subtype: str,
    lemma: str,
    start: int,
    *,
    date: str | None = None,
    place: Place | None = None,
    source: str | None = None,
    heading: bool = False,
) -> Mention:
    loc = (
        None
        if place is None
        else PlacedLocation(  # named by the mention's own sentence
            place.text,
            place.name,
            place.country_code,
            place.admin1,
            place.lat,
            place.lon,
            place.geonames_id,
            place.precision,
        )
    )
    if loc is not None:
        loc.placed = True
    return Mention(
        type_,
        subtype,
        lemma,
        (start, start + 5),
        (start, start + 50),
        [Actor(source, "source", "person")] if source else [],
        loc,
        EventDate(date or "2019-03-12", "day", None, "text" if date else "published_at"),
        0.8,
        heading,
        lemmas={lemma},
        quality=0.8,
    )


def test_merge_headline_and_body_statement_of_one_speaker() -> None:
    merged = merge_mentions(
        [
            mention("statement", "condemnation", "condemn", 0, source="Germany", heading=True),
            mention("statement", "statement", "say", 100, source="Germany's foreign ministry", date="2019-03-11"),
        ]
    )
    assert [(m.subtype, m.date.value, m.support) for m in merged] == [("condemnation", "2019-03-11", 2)]


def test_no_merge_across_types_subtype_branches_or_towns() -> None:
    damascus = Place("Damascus", 0, 8, "Damascus", "SY", None, 33.51, 36.29, 170654, "city", "city")
    aleppo = Place("Aleppo", 0, 6, "Aleppo", "SY", None, 36.2, 37.16, 170063, "city", "city")
    merged = merge_mentions(
        [
            mention("attack", "bombing", "bomb", 0, place=damascus),
            mention("attack", "bombing", "bomb", 100, place=aleppo),
            mention("attack", "shelling", "shell", 200, place=damascus),
            mention("operation", "raid", "raid", 300, place=damascus),
        ]
    )
    assert len(merged) == 4


def test_a_fallback_town_does_not_keep_apart_what_a_sentence_places_elsewhere() -> None:
    # the article's town stands in where a sentence names none; it is no claim about where
    damascus = Place("Damascus", 0, 8, "Damascus", "SY", None, 33.51, 36.29, 170654, "city", "city")
    aleppo = Place("Aleppo", 0, 6, "Aleppo", "SY", None, 36.2, 37.16, 170063, "city", "city")
    fallback = mention("attack", "bombing", "bomb", 100, place=aleppo)
    assert isinstance(fallback.location, PlacedLocation)
    fallback.location.placed = False
    merged = merge_mentions([mention("attack", "bombing", "bomb", 0, place=damascus), fallback])
    assert [m.location.name for m in merged if m.location] == ["Damascus"]


def test_codes_table_facts() -> None:
    assert codes_for("attack", "suicide_bombing") == {
        "cameo": "1831",
        "plover": "ASSAULT",
        "plover_mode": "suicide-attack",
    }
    assert codes_for("attack", "airstrike")["cameo"] == "195"
    assert codes_for("attack", "shelling")["cameo"] == "194"
    assert codes_for("arrest", "arrest") == {"cameo": "173", "plover": "COERCE", "plover_mode": "arrest"}
    assert codes_for("statement", "condemnation")["cameo"] == "111"
    assert codes_for("statement", "threat")["plover"] == "THREATEN"
    assert codes_for("protest", "demonstration") == {"cameo": "141", "plover": "PROTEST", "plover_mode": "demo"}
    assert codes_for("statement", "statement") == {"cameo": "010", "plover": None, "plover_mode": None}
    assert lineage("attack", "car_bombing") == ["car_bombing", "bombing", "attack"]
    assert is_refinement("attack", "attack", "shelling") and not is_refinement("attack", "shelling", "airstrike")


def test_fast_attribute_table_and_lemma_memo_match_the_stock_pipeline(nlp) -> None:  # type: ignore[no-untyped-def]
    stock = load_nlp(fast=False)
    text = (
        "I said it was not what they had done. Those who were arrested didn't attack; "
        "she'd have gone, and you are the one whom all of us blamed. There was fighting."
    )
    fast_doc, stock_doc = nlp(text), stock(text)
    assert [t.lemma_ for t in fast_doc] == [t.lemma_ for t in stock_doc]
    assert [str(t.morph) for t in fast_doc] == [str(t.morph) for t in stock_doc]
    # Only the two-token "there was" rule is not in the table: "was" there is AUX, not VERB.
    differ = [(t.text, t.pos_, s.pos_) for t, s in zip(fast_doc, stock_doc) if t.pos_ != s.pos_]
    assert differ in ([], [("was", "AUX", "VERB")])
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeTable"


def _noun_rooted_doc():  # type: ignore[no-untyped-def]
    """'Bombing of the market' with a hand-set parse: the root is a noun, as in headlines."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    return Doc(
        Vocab(),
        words=["Bombing", "of", "the", "market"],
        heads=[0, 0, 3, 1],
        deps=["ROOT", "prep", "det", "pobj"],
        pos=["NOUN", "ADP", "DET", "NOUN"],
    )


def test_reaction_walk_ends_at_a_noun_root() -> None:
    """The walk up the tree ends at the root (spaCy makes a new Token per access, so an
    identity test never saw the root and a noun-rooted sentence looped for ever)."""
    import signal

    from workers.extract.frames import _reaction_to

    def overrun(*_: object) -> None:
        raise TimeoutError("the walk up the tree did not end")

    doc = _noun_rooted_doc()
    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        assert _reaction_to(doc[3], {}, {}) is None
        assert _reaction_to(doc[3], {0: 0}, {}) == 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_tree_paths_count_arcs_whatever_was_asked_before() -> None:
    from workers.extract.frames import _governs, _tree_path

    doc = _noun_rooted_doc()  # Bombing <-prep- of <-pobj- market <-det- the
    assert _tree_path(doc[3], doc[0]) == 2
    assert _tree_path(doc[0], doc[2]) == 3
    assert _tree_path(doc[2], doc[3]) == 1 and _tree_path(doc[1], doc[1]) == 0
    assert _governs(doc[0], doc[2]) and not _governs(doc[2], doc[0]) and not _governs(doc[1], doc[1])
