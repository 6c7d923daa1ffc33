"""Normalization for dedup: tokens, boilerplate lines, the exact key, the work cap."""

from __future__ import annotations

import pytest

from workers.dedup.normalize import exact_key, strip_boilerplate, tokenize

CAP = 100_000


def words(text: str) -> list[str]:
    return [t.decode("utf-8") for t in tokenize(text, CAP)]


def test_tokens_drop_case_punctuation_and_whitespace() -> None:
    assert words("  The Minister said:\tprices ROSE 5.2% (on Tuesday)!\n") == [
        "the",
        "minister",
        "said",
        "prices",
        "rose",
        "5",
        "2",
        "on",
        "tuesday",
    ]


def test_apostrophes_and_underscores_split_words() -> None:
    assert words("don't snake_case") == ["don", "t", "snake", "case"]


def test_unicode_is_nfkc_normalized_and_case_folded() -> None:
    # Fullwidth letters are compatibility forms of ASCII ones; German sharp s case-folds to "ss".
    assert words("ＡＢＣ Straße Ça") == ["abc", "strasse", "ça"]


def test_ascii_fast_path_agrees_with_the_unicode_path() -> None:
    ascii_text = "Officials said 40 homes were damaged, (roughly) half of them badly."
    # One non-ASCII word sends the whole text through the Unicode path.
    assert words(ascii_text + " café") == words(ascii_text) + ["café"]


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Doe",
        "By JANE DOE and John Roe, Reuters",
        "Reporting by Ann Lee; Editing by Tom Fox",
        "Read more: Floods hit the coast",
        "See also: the full timeline",
        "Related: Storm season starts early",
        "Share on Facebook",
        "Facebook Twitter LinkedIn Email",
        "Share this article",
        "© 2024 Example News Agency",
        "Copyright 2024 The Daily Example. All rights reserved.",
        "Updated: March 3, 2024 10:00 ET",
        "Advertisement",
        "Subscribe to our newsletter",
        "Click here for live updates",
    ],
)
def test_boilerplate_lines_are_removed(line: str) -> None:
    assert strip_boilerplate(f"Rain fell all day.\n{line}\nThe river rose.") == "Rain fell all day.\nThe river rose."


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the week, prices had risen again.",
        "Published figures show a rise in exports.",
        "The copyright lawsuit was filed on Monday.",
        "Readers shared the video widely.",
    ],
)
def test_sentences_that_look_like_boilerplate_are_kept(line: str) -> None:
    text = f"Rain fell all day.\n{line}"
    assert strip_boilerplate(text) == text


def test_long_paragraph_starting_with_by_is_text() -> None:
    para = "By " + " ".join(["Tuesday"] * 60)
    assert strip_boilerplate(para + "\nnext") == para + "\nnext"


def test_exact_key_ignores_formatting_and_boilerplate() -> None:
    body = "Rain fell all day.\n\nThe river rose by two metres."
    variant = "By Jane Doe\n  RAIN fell, all day!\nthe river   rose by two metres\nShare on Facebook\n© 2024 X"
    assert exact_key(tokenize(body, CAP), body, CAP) == exact_key(tokenize(variant, CAP), variant, CAP)


def test_exact_key_sees_a_changed_word() -> None:
    a, b = "The river rose by two metres.", "The river rose by three metres."
    assert exact_key(tokenize(a, CAP), a, CAP) != exact_key(tokenize(b, CAP), b, CAP)


def test_work_is_capped_but_the_tail_still_counts_for_the_exact_key() -> None:
    cap = 1_000
    head = "word " * 400  # 2,000 characters
    a, b = head + "ending one", head + "ending two"
    assert tokenize(a, cap) == tokenize(b, cap)
    assert len(tokenize(a, cap)) == 200
    assert exact_key(tokenize(a, cap), a, cap) != exact_key(tokenize(b, cap), b, cap)


def test_empty_binary_and_surrogate_text_do_not_crash() -> None:
    assert tokenize("", CAP) == []
    assert tokenize("\x00\x01\x02 \ufffd\ufffd", CAP) == []
    assert tokenize("ok \ud800 fine", CAP) == [b"ok", b"fine"]
    body = "\ud800" * 10 + "x" * 10
    assert len(exact_key([], body, 5)) == 16


def test_enormous_body_is_tokenized_up_to_the_cap_only() -> None:
    body = "word " * 10_000_000  # 50 MB
    tokens = tokenize(body, CAP)
    assert len(tokens) == CAP // len("word ")
    # the tail past the cap still tells two bodies apart
    assert exact_key(tokens, body, CAP) != exact_key(tokens, body + "tail", CAP)


PLAIN = (
    'The minister said "prices will fall" on Tuesday, and the long-awaited cooperation '
    "deal - worth 40 million - was signed in Marvello.\n\nOfficials didn't comment."
)


def test_html_markup_left_by_a_crawler_gives_the_same_tokens() -> None:
    html = (
        "<div><p>The <b>minister</b> said &quot;prices will fall&quot; on Tuesday, and the "
        'long-awaited <a href="https://example.org/deal?id=7&amp;ref=rss">cooperation deal</a> '
        "&#8211; worth 40&nbsp;million &ndash; was signed in Marvello.</p>\n"
        "<p>Officials didn&#39;t comment.</p><script>var tracker = 'x';</script></div>"
    )
    assert words(html) == words(PLAIN)


def test_typographic_unicode_gives_the_same_tokens() -> None:
    typographic = (
        "The minister said \u201cprices will\u00a0fall\u201d on Tuesday, and the long\u2011awaited "
        "co\u00adop\u00adera\u00adtion\u200b deal \u2014 worth 40\u202fmillion \u2014 was signed in "
        "Marvello.\n\nOfficials didn\u2019t comment."
    )
    assert words(typographic) == words(PLAIN)


@pytest.mark.parametrize(
    "prompt",
    [
        "Advertisement",
        "ADVERTISEMENT",
        "Advertisement Continue reading the main story",
        "Story continues below advertisement",
        "Read more:",
        "Continue reading below",
        "Sponsored content",
    ],
)
def test_ad_and_continue_reading_prompts_inside_a_paragraph_are_removed(prompt: str) -> None:
    assert words(f"The talks ended late. {prompt} The ministers left on Friday.") == words(
        "The talks ended late. The ministers left on Friday."
    )


def test_prompt_words_in_ordinary_sentences_stay() -> None:
    text = "He said he would continue reading the files. Advertisement revenue fell."
    assert words(text) == [
        "he",
        "said",
        "he",
        "would",
        "continue",
        "reading",
        "the",
        "files",
        "advertisement",
        "revenue",
        "fell",
    ]
