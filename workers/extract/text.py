"""Cleaning scraped article bodies and cutting them into segments, with offset maps.

Wire copy arrives with non-breaking spaces, indented lines, zero-width characters and
captions or related headlines glued between paragraphs. `clean()` produces a tidier
text for the NLP stages together with a map back to the body as received, so every
span the pipeline reports indexes `article.body` exactly. `segment()` is the cheap
sentence splitter of the pre-pass: lines first (captions and headlines are lines of
their own), then sentence ends inside prose lines. `find_dateline()` spots the
"CITY (Agency) —" opener that locates an article's statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from workers.lang import en
from workers.markup import fold_markup

# Horizontal white space that becomes one ordinary space (NBSP, narrow NBSP, thin and
# other typographic spaces, tabs, ideographic space).
_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000 "
# Characters dropped outright: zero-width space/joiners, BOM, soft hyphen, word joiner.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACE_RUN = re.compile("[" + re.escape(_SPACES) + "]")
_VISIBLE_RUN = re.compile("[^" + re.escape(_SPACES + _INVISIBLE) + "]+")

SegmentKind = Literal["prose", "heading"]


@dataclass(frozen=True, slots=True)
class CleanText:
    """A cleaned text and, for each of its characters, the index in the original."""

    text: str
    original: str
    index: tuple[int, ...]  # len(text) + 1 entries; the last is len(original)
    # Where each character's source ends, when it is not one character (a folded entity or tag).
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the clean span [start, end) to the span of the original it came from."""
        if end <= start:
            pos = self.index[start]
            return pos, pos
        return self.index[start], self.ends[end - 1] if self.ends else self.index[end - 1] + 1


_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")


def _clean_line(body: str, start: int, end: int) -> list[tuple[str, int]]:
    """The characters of one line, stripped, inner space runs collapsed, with indexes."""
    chars: list[tuple[str, int]] = []
    last = -1
    for run in _VISIBLE_RUN.finditer(body, start, end):
        if last >= 0 and (gap := _SPACE_RUN.search(body, last, run.start())):
            chars.append((" ", gap.start()))  # a space run becomes one space, at its first
        chars.extend(zip(run.group(), range(run.start(), run.end())))
        last = run.end()
    return chars


def clean(body: str) -> CleanText:
    """Fold HTML markup; normalize white space line by line; keep paragraph breaks; remember offsets.

    Markup left by crawlers is folded first (`workers.markup`: tags dropped, block elements
    become paragraph breaks, entities decoded). Then every line is stripped and its inner
    runs of spaces collapse to one space; runs of blank lines collapse to one blank line.
    Nothing else changes, so words, punctuation and quotes keep their characters and a clean
    span maps to a body span that reads the same apart from white space and markup.
    """
    folded = fold_markup(body)
    if folded.starts is None or folded.ends is None:
        return _collapse_spaces(body)
    inner = _collapse_spaces(folded.text)
    starts, ends = folded.starts, folded.ends
    return CleanText(
        inner.text,
        body,
        tuple([starts[i] for i in inner.index[:-1]] + [len(body)]),
        tuple(ends[i] for i in inner.index[:-1]),
    )


def _collapse_spaces(body: str) -> CleanText:
    out: list[tuple[str, int]] = []
    blank = False
    pos = out_break = 0
    breaks = [(m.start(), m.end()) for m in _LINE_BREAK.finditer(body)] + [(len(body), len(body))]
    for brk_start, brk_end in breaks:
        line = _clean_line(body, pos, brk_start)
        if not line:
            blank = blank or bool(out)
        else:
            if out:
                out.append(("\n", out_break))
                if blank:
                    out.append(("\n", out_break))
            out.extend(line)
            blank = False
        if line:
            out_break = brk_start
        pos = brk_end
    return CleanText("".join(c for c, _ in out), body, tuple([i for _, i in out] + [len(body)]))


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or a stand-alone line of the clean text."""

    start: int
    end: int
    kind: SegmentKind  # heading: a line without sentence-final punctuation


# A sentence ends at . ! ? (optionally followed by closing quotes or brackets) before
# white space and an opening quote, a capital or a digit.
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_FINAL = re.compile(r"[.!?:;][\"'”’)\]]*$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at `dot` closes an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("(\"'“‘")
    if len(word) == 1 and word.isupper():
        return True  # an initial: "George W. Bush"
    if "." in word:
        return True  # "U.S." "U.N." "a.m."
    return word.lower() in en.ABBREVIATIONS


# A line runs on into the next when the next starts in lower case or with punctuation that
# continues a sentence, ...
_CONTINUATION_START = re.compile(r"[a-z,;)\]%]")
# ... or when it ends on a word no heading or caption ends with (en.OPEN_WORDS).
# A line that starts a list item (or a dateline) never continues the line above.
_ITEM_START = re.compile(r"[•·*\-]\s|\d{1,2}[.)]\s")
# Hard-wrapped bodies break their lines at a fixed column, seen in wire copy and crawls.
_WRAP_MIN, _WRAP_MAX, _WRAP_SLACK = 40, 100, 20


def _wrap_width(lines: list[str]) -> int | None:
    """The column at which a hard-wrapped text breaks its lines, or None when it is not
    hard-wrapped: of the lines followed by another line of their paragraph (at least three),
    most end within `_WRAP_SLACK` columns of the longest of them, which is a usual width."""
    inner = [len(a) for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()]
    if len(inner) < 3:
        return None
    width = max(inner)
    if not _WRAP_MIN <= width <= _WRAP_MAX:
        return None
    return width if sum(n >= width - _WRAP_SLACK for n in inner) >= 0.6 * len(inner) else None


def _title_case(line: str) -> bool:
    words = [w for w in line.split() if len(w) >= 4 and w[0].isalpha()]
    return len(words) >= 3 and all(w[0].isupper() for w in words)


def _continues(line: str, nxt: str, width: int | None) -> bool:
    """Whether `line` is cut by a line break inside a sentence that `nxt` carries on
    ("... killing three\nofficers, a security official said.")."""
    if not nxt or _ITEM_START.match(nxt) or _DATELINE.match(nxt):
        return False
    lower_next = _CONTINUATION_START.match(nxt) is not None
    if _FINAL.search(line):
        if not (line.endswith(".") and _is_abbreviation(line, len(line) - 1)):
            return False
        # "Gen." or "W." never ends a sentence; "U.S." does unless the next line goes on in lower case
        last = line.rsplit(None, 1)[-1].rstrip(".").lstrip("(\"'“‘").lower()
        return last in en.PERSON_TITLES or last == "st" or len(last) == 1 or lower_next
    if lower_next or line.endswith((",", "-")) or line.rsplit(None, 1)[-1].lower() in en.OPEN_WORDS:
        return True
    return (
        width is not None
        and len(line) + 1 + len(nxt.split(None, 1)[0]) > width
        and not _title_case(line)
        and not _title_case(nxt)
    )


def _logical_lines(text: str) -> list[tuple[int, int]]:
    """[start, end) of each line of `text`, lines cut inside a sentence joined with the next
    (the line break stays in the span: offsets are the text's own)."""
    lines = text.split("\n")
    width = _wrap_width(lines)
    out: list[tuple[int, int]] = []
    pos, joined = 0, False
    for n, line in enumerate(lines):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            joined = False
            continue
        if joined:
            out[-1] = (out[-1][0], start + len(line))
        else:
            out.append((start, start + len(line)))
        joined = n + 1 < len(lines) and _continues(line, lines[n + 1], width)
    return out


def segment(text: str) -> list[Segment]:
    """Split a clean text into sentences and heading lines, cheaply (no model).

    A line cut inside a sentence (a lower-case or continuing next line, a line ending on a
    comma or a function word, or, in a hard-wrapped text, a next line whose first word would
    not have fitted) is joined with the next; headings, captions, list items and datelines
    stay lines of their own. A joined segment keeps its line break: offsets stay exact, and
    `segment_text()` gives the text to parse."""
    segments: list[Segment] = []
    for line_start, line_end in _logical_lines(text):
        line = text[line_start:line_end]
        ends = [m for m in _SENT_END.finditer(line) if not _is_abbreviation(line, m.start())]
        if not _FINAL.search(line) and not ends:
            # a heading or caption; a line of sentences that ends without a stop is still
            # prose ("... in the rioting. (sp/eml)": a wire slug after the last sentence)
            segments.append(Segment(line_start, line_end, "heading"))
            continue
        start = 0
        for m in ends:
            end = m.end() - (len(m.group()) - len(m.group().rstrip()))
            segments.append(Segment(line_start + start, line_start + end, "prose"))
            start = m.end()
        if start < len(line):
            segments.append(Segment(line_start + start, line_start + len(line), "prose"))
    return segments


def segment_text(text: str, s: Segment) -> str:
    """The text of a segment as one line (line breaks inside it become spaces; same length)."""
    return text[s.start : s.end].replace("\n", " ")


# "BEIJING (Sputnik) —", "NAIROBI, Kenya (AP) _", "GAZA CITY —", "MOSCOW, March 13 (Reuters) -",
# "GLASGOW, Ky. --". Wire copy often puts a no-break space before the dash.
_SP = r"[ \t\u00a0]"
_DATELINE = re.compile(
    r"(?:^|(?<=\s))"
    r"(?P<place>[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,3})"
    rf"(?:,{_SP}(?P<qual>[A-Z][A-Za-z.'-]+(?: [A-Z][A-Za-z.'-]+){{0,3}}))?"
    rf"(?:,{_SP}[A-Z][a-z]{{2,8}}\.?{_SP}\d{{1,2}})?"
    rf"(?P<agency>{_SP}?\([A-Za-z][A-Za-z .&/-]{{1,40}}\))?"
    # a hyphen or underscore needs a space before it: "ABS-CBN Corporation" is no dateline
    rf"(?:{_SP}[—–_-]{{1,2}}|[—–]{{1,2}}|--){_SP}?(?=\S)"
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """Offsets of a wire dateline in a body: the whole of it (dash included), its place name
    ("KABUL") and the qualifier after a comma ("Afghanistan", "Ky."), if any."""

    start: int
    end: int
    place_start: int
    place_end: int
    qualifier: tuple[int, int] | None


def find_dateline(text: str, within: int = 2000) -> Dateline | None:
    """The first dateline within the first `within` characters: it opens a line, or it names
    a news agency ("... said. BEIJING (Xinhua) -- ...")."""
    head = text[:within]
    for m in _DATELINE.finditer(head):
        at_line_start = not head[: m.start()].strip() or head[: m.start()].rstrip(" \t").endswith("\n")
        if not (at_line_start or m.group("agency")):
            continue
        if len(m.group("place").replace(" ", "")) < 3:
            continue
        if not (m.group("agency") or m.group("qual") or len(m.group("place")) >= 4):
            continue
        qualifier = (m.start("qual"), m.end("qual")) if m.group("qual") else None
        return Dateline(m.start(), m.end(), m.start("place"), m.end("place"), qualifier)
    return None


_TITLE_WORD = re.compile(r"\b[A-Z][a-z]+\b")


def sentence_case(text: str, lower: frozenset[str]) -> str:
    """Lower-case Title Case words of a headline that are in `lower`; same length.

    Taggers read "Germany Condemns Deadly Twin Bombing" as one long name; lowering the
    common words ("condemns", "deadly", "bombing") gives the parser a verb to find.
    """
    return _TITLE_WORD.sub(lambda m: m.group().lower() if m.group().lower() in lower else m.group(), text)
