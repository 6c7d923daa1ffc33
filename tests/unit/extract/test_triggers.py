"""The trigger lexicon: inflections, matching, the cheap sentence selection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workers.extract.text import clean, segment
from workers.extract.triggers import DATA, Lexicon, inflections


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def test_inflections_of_verbs_and_nouns() -> None:
    assert inflections("attack", "VN") == {"attack", "attacks", "attacked", "attacking"}
    assert inflections("deny", "V") == {"deny", "denies", "denied", "denying"}
    assert inflections("detonate", "V") == {"detonate", "detonates", "detonated", "detonating"}
    assert inflections("open fire", "V") == {"open fire", "opens fire", "opened fire", "opening fire"}
    assert inflections("car bomb", "N") == {"car bomb", "car bombs"}
    assert inflections("clash", "N") == {"clash", "clashes"}


def test_longest_form_wins_and_hyphens_match_spaces(lexicon: Lexicon) -> None:
    found = lexicon.find("A suicide bombing and an air-strike; they claimed responsibility.")
    assert [(m.text, {e.subtype for e in m.entries}) for m in found] == [
        ("suicide bombing", {"suicide_bombing"}),
        ("air-strike", {"airstrike"}),
        ("claimed responsibility", {"claim_of_responsibility"}),
    ]


def test_irregular_forms_and_case(lexicon: Lexicon) -> None:
    texts = [m.text for m in lexicon.find("Gunmen SHOT two men; jets struck; he blew himself up; troops fought.")]
    assert texts == ["SHOT", "struck", "blew himself up", "fought"]


def test_words_inside_other_words_do_not_match(lexicon: Lexicon) -> None:
    assert lexicon.find("The bombshell report on raiders of the lost ark and the attacker-free zone") == []


def test_cues_are_not_triggers(lexicon: Lexicon) -> None:
    assert lexicon.find("Two suicide vests and mortars were found.") == []
    assert {m.text for m in lexicon.find("Two suicide vests and mortars", role="cue")} == {"suicide", "mortars"}


def test_select_keeps_only_segments_with_a_trigger(lexicon: Lexicon) -> None:
    text = clean(
        "Weather was fine.\nPolice arrested three men on Monday. Markets rose.\nProtesters Rally in Paris"
    ).text
    chosen = [text[s.start : s.end] for s in lexicon.select(text, segment(text))]
    assert chosen == ["Police arrested three men on Monday.", "Protesters Rally in Paris"]


def test_context_sets_and_exclusions_are_loaded(lexicon: Lexicon) -> None:
    assert "troops" in lexicon.words("military")
    assert "threaten" in lexicon.words("nonassertive")
    assert "heart" in lexicon.exclusions["attack"]
    assert lexicon.words("no such set") == frozenset()


def test_a_second_exclusion_row_for_a_trigger_is_refused(tmp_path: Path) -> None:
    # A second row would silently replace the first one's words.
    data = shutil.copytree(DATA, tmp_path / "data")
    with (data / "trigger_exclusions.tsv").open("a", encoding="utf-8") as f:
        f.write("attack\tverbal\n")
    with pytest.raises(ValueError, match="'attack' has two rows"):
        Lexicon.from_files(data)


def test_select_skips_pronoun_only_reports(lexicon: Lexicon) -> None:
    text = (
        "He said the talks would resume. Talks will resume, said she. The army said it had left. "
        "She also noted the delay."
    )
    chosen = [text[s.start : s.end] for s in lexicon.select(text, segment(text))]
    assert chosen == ["The army said it had left."]


def test_trie_pattern_matches_like_a_longest_first_alternation() -> None:
    import re

    from workers.extract.triggers import _compile

    forms = ["bomb", "bomb attack", "bombing", "car bomb", "air strike", "strike", "st"]
    flat = re.compile(
        r"(?<![\w\-])(?:"
        + "|".join(re.escape(f).replace(r"\ ", r"[\s\-]+") for f in sorted(forms, key=len, reverse=True))
        + r")(?![\w\-])",
        re.IGNORECASE,
    )
    text = "A car bomb, a bomb attack, a Bombing, an air-strike, a strike, st, stri and bombs."
    assert [m.span() for m in _compile(forms).finditer(text)] == [m.span() for m in flat.finditer(text)]
    assert [m.group() for m in _compile(forms).finditer(text)] == [
        "car bomb",
        "bomb attack",
        "Bombing",
        "air-strike",
        "strike",
        "st",
    ]


def test_a_trigger_that_needs_armed_units_selects_only_a_segment_naming_them(lexicon: Lexicon) -> None:
    text = "They moved house. The army moved troops north. The firm sent a letter, its chief said."
    first, second, third = segment(text)
    assert [text[s.start : s.end] for s in lexicon.select(text, [first, second, third])] == [
        "The army moved troops north.",
        "The firm sent a letter, its chief said.",
    ]
    assert lexicon.reports_only(text, third)  # "sent" without troops is no reason to run the recognizer
    text = "He remains in custody. She was taken into custody. The brand grew. It was described as a coup."
    assert [text[s.start : s.end] for s in lexicon.select(text, segment(text))] == [
        "She was taken into custody.",
        "It was described as a coup.",
    ]


def test_reports_only_segments(lexicon: Lexicon) -> None:
    text = clean("The minister said the talks were useful. Police said gunmen attacked a convoy.").text
    first, second = segment(text)
    assert lexicon.reports_only(text, first)
    assert not lexicon.reports_only(text, second)
