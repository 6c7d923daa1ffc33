"""Markup folding: crawler-left HTML becomes plain text, and every span maps back to the body."""

from __future__ import annotations

import pytest

from workers.extract.nlp import load_nlp
from workers.extract.pipeline import Extractor
from workers.extract.text import clean
from workers.markup import fold_markup, has_markup
from workers.records import Article

HTML_BODY = (
    '<div class="story"><p>KABUL, Afghanistan (AP) &mdash; A suicide bomber blew himself up outside '
    'the <a href="https://example.org/x">Interior Ministry</a> in Kabul on Monday, killing six people, '
    "officials said.</p>\n"
    "<p>&quot;It was a huge blast,&quot; said Nasrat Rahimi, a spokesman. Police arrested two men "
    "in Jalalabad&nbsp;on Tuesday.</p><script>track('x &amp; y');</script>"
    "<p>The talks with donors in Doha&#8217;s old quarter would go ahead, officials said.<br>"
    "Markets were calm.</p></div>"
)


def test_tags_are_dropped_blocks_break_paragraphs_and_entities_are_decoded() -> None:
    text = clean(HTML_BODY).text
    assert "<" not in text and "&quot;" not in text and "track(" not in text
    assert '"It was a huge blast," said Nasrat Rahimi' in text
    assert "outside the Interior Ministry in Kabul" in text
    assert "Doha\u2019s old quarter" in text
    paragraphs = text.split("\n\n")
    assert paragraphs[0].startswith("KABUL, Afghanistan (AP) \u2014 A suicide bomber")
    assert (
        paragraphs[-1]
        == "The talks with donors in Doha\u2019s old quarter would go ahead, officials said.\nMarkets were calm."
    )


def test_every_folded_character_maps_to_the_body_span_it_came_from() -> None:
    folded = fold_markup(HTML_BODY)
    assert folded.starts is not None and folded.ends is not None
    for i, ch in enumerate(folded.text):
        source = HTML_BODY[folded.starts[i] : folded.ends[i]]
        if ch.isalnum():
            assert source == ch
        elif ch == "\u2019":
            assert source == "&#8217;"
        elif ch == '"':
            assert source in ('"', "&quot;")
    spans = clean(HTML_BODY)
    start = spans.text.index('"It was')
    end = spans.text.index('blast,"') + len('blast,"')
    s, e = spans.to_original(start, end)
    assert HTML_BODY[s:e] == "&quot;It was a huge blast,&quot;"


def test_plain_text_is_returned_untouched() -> None:
    body = "Temperatures fell below 5 < 7 degrees; R&D spending rose. A <- B."
    assert not has_markup(body)
    folded = fold_markup(body)
    assert folded.text is body and folded.starts is None


def test_running_text_with_inline_tags_keeps_its_line_breaks() -> None:
    body = "First paragraph with <b>bold</b> words.\n\nSecond paragraph &amp; more."
    assert clean(body).text == "First paragraph with bold words.\n\nSecond paragraph & more."


def test_an_entity_in_the_text_is_not_decoded_twice() -> None:
    # "&amp;lt;p&amp;gt;" reads "&lt;p&gt;" on the page; a second pass would make it a tag.
    assert clean("<p>Write &amp;lt;p&amp;gt; here</p>").text == "Write &lt;p&gt; here"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_nlp())


def test_events_and_places_of_an_html_body_index_the_body_as_received(extractor: Extractor) -> None:
    article = Article(
        id="h-1", body=HTML_BODY, published_at="2019-03-12T09:30:00+04:30", source="test", url="https://example.org/h-1"
    )
    ann = extractor.annotate(article)
    assert ann.events and ann.places
    for item in [*ann.places, *ann.dates]:
        assert HTML_BODY[item.start : item.end] == item.text
    for event in ann.events:
        for span in (event.trigger, event.evidence):
            assert HTML_BODY[span.start : span.end] == span.text
        # The evidence is the sentence, not the tags around it.
        assert not event.evidence.text.startswith("<") and not event.evidence.text.endswith(">")
        assert "<p>" not in event.evidence.text and "</p>" not in event.evidence.text
    names = {p.text for p in ann.places}
    assert "Kabul" in names and "Jalalabad" in names
    assert not any("<" in n or "&" in n for n in names)
