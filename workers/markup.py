"""Crawler-left HTML in article bodies, folded to plain text with a map back to the body.

Crawlers often deliver bodies with markup still in: `<p>` and `<br>` between paragraphs,
inline tags (`<b>`, `<a href=...>`), entities (`&amp;`, `&quot;`, `&#8217;`, `&nbsp;`).
`fold_markup()` turns such a body into the text a reader sees: tags are dropped, block
elements (paragraphs, headings, list items, table rows, `<br>`) become line breaks,
entities are decoded, `<script>`/`<style>` contents and comments disappear. Every
character of the folded text remembers the span of the body it came from, so anything
found in the folded text maps back to offsets that index the body as received.

The parsing is the standard library's `html.parser` (tolerant of broken markup, gives
source positions). Bodies without anything that looks like a tag or an entity are returned
as they are, at the cost of one regex search.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# A tag (`<p`, `</div`, `<br/>`, `<!--`) or an entity (`&amp;`, `&#39;`, `&#x2019;`).
_MARKUP = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9]*[\s/>]|/[A-Za-z][A-Za-z0-9]*\s*>|!--)|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)
# Elements that start and end a block of text; their tags become paragraph breaks.
_BLOCK = frozenset(
    "address article aside blockquote caption center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul".split()
)
_LINE = frozenset(("br",))
# Elements whose content is not text for the reader.
_HIDDEN = frozenset(("script", "style", "noscript", "template", "head", "title", "iframe", "svg"))
_WHITE_TO_SPACE = str.maketrans("\n\r\t\f\v", "     ")
_REFERENCE = re.compile(r"&#?[A-Za-z0-9]+;?")


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text; `starts[i]`/`ends[i]` is the body span that character i came from.

    When the body had no markup, `text` is the body itself and the spans are None.
    """

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None


def has_markup(body: str) -> bool:
    """Whether `body` contains anything that looks like an HTML tag or entity."""
    return ("<" in body or "&" in body) and _MARKUP.search(body) is not None


def fold_markup(body: str) -> Folded:
    """`body` as a reader sees it, with the map back to the body (see the module docstring)."""
    if not has_markup(body):
        return Folded(body)
    folder = _Folder(body, track=True)
    folder.feed(body)
    folder.close()
    return Folded("".join(folder.chars), folder.starts, folder.ends)


def markup_text(body: str) -> str:
    """The folded text alone (what `fold_markup(body).text` is), without building the map."""
    if not has_markup(body):
        return body
    folder = _Folder(body, track=False)
    folder.feed(body)
    folder.close()
    return "".join(folder.chars)


class _Folder(HTMLParser):
    """Collects the folded characters and their source spans while the parser walks the body."""

    def __init__(self, body: str, track: bool) -> None:
        super().__init__(convert_charrefs=False)
        self.body = body
        self.track = track
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", body)]
        # In a document with block tags, source line breaks are only white space (as a
        # browser renders them); in running text with a few inline tags they stay breaks.
        self._blocks = (
            re.search(r"</?(?:p|div|br|li|h[1-6]|tr|td|blockquote|section|article)\b", body, re.IGNORECASE) is not None
        )
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._hidden = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _emit(self, text: str, start: int, end: int) -> None:
        self.chars.append(text)
        if self.track:
            self.starts.extend([start] * len(text))
            self.ends.extend([end] * len(text))

    def _break(self, text: str) -> None:
        if not self.track:
            self.chars.append(text)
            return
        at = self._offset()
        end = self.body.find(">", at)
        self._emit(text, at, at if end < 0 else end + 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCK:
            self._break("\n\n")
        elif tag in _LINE:
            self._break("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._break("\n\n")
        elif tag in _LINE:
            self._break("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self._break("\n\n")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._blocks:  # source line breaks and tabs are spaces; one character each
            data = data.translate(_WHITE_TO_SPACE)
        self.chars.append(data)
        if self.track:
            start = self._offset()
            self.starts.extend(range(start, start + len(data)))
            self.ends.extend(range(start + 1, start + len(data) + 1))

    def _reference(self) -> None:
        if self._hidden:
            return
        start = self._offset()
        m = _REFERENCE.match(self.body, start)
        raw = m.group() if m else "&"
        decoded = html.unescape(raw)
        if decoded == raw:
            self.chars.append(raw)
            if self.track:
                self.starts.extend(range(start, start + len(raw)))
                self.ends.extend(range(start + 1, start + len(raw) + 1))
        else:
            self._emit(decoded, start, start + len(raw))

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()
