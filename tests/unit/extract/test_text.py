"""Cleaning with an offset map, cheap segmentation, datelines and headline casing."""

from __future__ import annotations

from workers.extract.text import clean, find_dateline, segment, sentence_case


def test_clean_collapses_spaces_and_strips_indentation() -> None:
    body = "    Police\u00a0said  on\tMonday.\n\n\n   Second\u200b line"
    text = clean(body)
    assert text.text == "Police said on Monday.\n\nSecond line"


def test_clean_maps_every_span_back_to_the_body() -> None:
    body = "  KABUL\u00a0(AP) \u2014\u00a0A  bomb\u00a0exploded.\r\n\r\n   Police\u00a0said."
    text = clean(body)
    start = text.text.index("bomb exploded")
    s, e = text.to_original(start, start + len("bomb exploded"))
    assert body[s:e] == "bomb\u00a0exploded"
    s, e = text.to_original(text.text.index("Police"), len(text.text))
    assert body[s:e] == "Police\u00a0said."


def test_clean_of_empty_and_blank_bodies() -> None:
    assert clean("").text == ""
    assert clean(" \n\t\n ").text == ""
    assert clean("").to_original(0, 0) == (0, 0)


def test_segment_separates_headings_from_prose() -> None:
    text = "Germany Condemns Bombing in Damascus\nThe U.S. envoy Mr. Smith arrived. He said Monday that talks failed.\n"
    segs = segment(text)
    assert [(text[s.start : s.end], s.kind) for s in segs] == [
        ("Germany Condemns Bombing in Damascus", "heading"),
        ("The U.S. envoy Mr. Smith arrived.", "prose"),
        ("He said Monday that talks failed.", "prose"),
    ]


def test_segment_keeps_initials_and_quotes_inside_a_sentence() -> None:
    text = "\u201cWe will respond,\u201d George W. Bush said. Troops left."
    assert [text[s.start : s.end] for s in segment(text)] == [
        "\u201cWe will respond,\u201d George W. Bush said.",
        "Troops left.",
    ]


def test_find_dateline_shapes() -> None:
    for line, place, rest in [
        ("BEIJING (Sputnik) \u2014 China is ready.", "BEIJING", "China is ready."),
        ("KABUL, Afghanistan (AP) - A bomb exploded.", "KABUL, Afghanistan", "A bomb exploded."),
        ("GAZA CITY \u2014 Jets struck.", "GAZA CITY", "Jets struck."),
        ("MOSCOW, March 13 (Reuters) - Talks began.", "MOSCOW", "Talks began."),
    ]:
        text = "Related story\n" + line
        found = find_dateline(text)
        assert found is not None
        assert text[found.place_start : (found.qualifier or (0, found.place_end))[1]] == place
        assert text[found.end :] == rest


def test_wire_shapes_the_geocoder_places_are_datelines_to_the_segmenter_too() -> None:
    # One finder: a dateline the geocoder places is also cut from the first sentence.
    for text, place in [
        ("NAIROBI, Kenya (AP) _ Police fired tear gas.", "NAIROBI"),
        ("KABUL\u00a0\u2014 A convoy was hit.", "KABUL"),
        ("GLASGOW, Ky. -- A plant closed.", "GLASGOW"),
        ("Headline here. ISLAMABAD (Reuters) - Talks began.", "ISLAMABAD"),
    ]:
        found = find_dateline(text)
        assert found is not None, text
        assert text[found.place_start : found.place_end] == place
        assert text[found.end :].split()[0][0].isupper()


def test_no_dateline_in_ordinary_prose() -> None:
    assert find_dateline("The U.N. said on Monday - in a statement - that talks failed.") is None


def test_sentence_case_lowers_only_listed_words_and_keeps_length() -> None:
    title = "Germany Condemns Deadly Twin Bombing in Syria"
    lowered = sentence_case(title, frozenset({"condemns", "bombing"}))
    assert lowered == "Germany condemns Deadly Twin bombing in Syria"
    assert len(lowered) == len(title)


def _segments(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.kind) for s in segment(text)]


def test_a_line_cut_inside_a_sentence_joins_the_next() -> None:
    text = (
        "Gunmen attacked a checkpoint near the border on Monday, killing three\n"
        "officers, a security official said.\n"
        "Relief convoys were delayed by the\n"
        "closure of the crossing."
    )
    assert _segments(text) == [
        (
            "Gunmen attacked a checkpoint near the border on Monday, killing three\n"
            "officers, a security official said.",
            "prose",
        ),
        ("Relief convoys were delayed by the\nclosure of the crossing.", "prose"),
    ]


def test_a_hard_wrapped_paragraph_joins_lines_that_start_with_a_name() -> None:
    text = (
        "Rebels fired mortars and heavy machine guns at the positions of\n"
        "government troops near the town on Tuesday, a monitoring group\n"
        "said. The army answered with artillery, according to residents,\n"
        "and the United Nations envoy asked both sides to stop. Shops in\n"
        "Aleppo stayed shut through the afternoon and into the evening."
    )
    assert [t for t, _ in _segments(text)] == [
        "Rebels fired mortars and heavy machine guns at the positions of\n"
        "government troops near the town on Tuesday, a monitoring group\nsaid.",
        "The army answered with artillery, according to residents,\n"
        "and the United Nations envoy asked both sides to stop.",
        "Shops in\nAleppo stayed shut through the afternoon and into the evening.",
    ]


def test_headings_captions_list_items_and_datelines_stay_lines_of_their_own() -> None:
    text = (
        "Smoke rises over the harbour after the strike, in a photo taken\n"
        "from a boat on Tuesday\n"
        "Navy Says Drones Hit Two Cargo Ships Near the Port of Odesa Overnight\n"
        "ODESA, Ukraine (AP) \u2014 Two ships were hit overnight, the navy said.\n"
        "Key facts:\n"
        "- two ships were hit\n"
        "- nobody was hurt"
    )
    assert _segments(text) == [
        ("Smoke rises over the harbour after the strike, in a photo taken\nfrom a boat on Tuesday", "heading"),
        ("Navy Says Drones Hit Two Cargo Ships Near the Port of Odesa Overnight", "heading"),
        ("ODESA, Ukraine (AP) \u2014 Two ships were hit overnight, the navy said.", "prose"),
        ("Key facts:", "prose"),
        ("- two ships were hit", "heading"),
        ("- nobody was hurt", "heading"),
    ]


def test_short_lines_are_not_taken_for_a_hard_wrapped_text() -> None:
    table = "Casualties\nDead: 14\nInjured: 52\nMissing: 3\nHomes destroyed: 120"
    text = "The ministry gave these figures for the\nweek on Friday.\n\n" + table
    assert [t for t, _ in _segments(text)] == [
        "The ministry gave these figures for the\nweek on Friday.",
        *table.split("\n"),
    ]


def test_a_title_abbreviation_at_the_end_of_a_line_does_not_end_the_sentence() -> None:
    text = "The talks were led by Gen.\nIbrahim Musa and an envoy of the U.N.\nThey ended on Friday."
    assert [t for t, _ in _segments(text)] == [
        "The talks were led by Gen.\nIbrahim Musa and an envoy of the U.N.",
        "They ended on Friday.",
    ]


def test_a_line_of_sentences_ending_in_a_wire_slug_is_prose() -> None:
    text = clean(
        "Police arrested 30 people in Lyon on Monday. Protesters burned cars in the rioting. (sp/eml)\n"
        "Markets Rise in Asia"
    ).text
    assert [(text[s.start : s.end], s.kind) for s in segment(text)] == [
        ("Police arrested 30 people in Lyon on Monday.", "prose"),
        ("Protesters burned cars in the rioting. (sp/eml)", "prose"),
        ("Markets Rise in Asia", "heading"),
    ]
