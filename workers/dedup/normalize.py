"""Text normalization for dedup: from an article body to the word tokens that get compared.

Two copies of a story count as the same text when they differ only in case, whitespace,
punctuation, HTML markup left by a crawler (tags, entities: `workers.markup`), typography
(curly quotes, dashes, non-breaking and other spaces, soft and non-breaking hyphens,
zero-width characters, Unicode compatibility forms: NFKC) or boilerplate: whole lines
(bylines, "Read more", share buttons, copyright and "Updated ..." lines) and ad or
"continue reading" prompts inside a paragraph. `tokenize()` drops those differences and
returns the words as UTF-8 `bytes`, ready for hashing; `exact_key()` hashes them for the
exact-duplicate check.

The work per article is capped: only the first `max_chars` characters are tokenized, so a
50 MB body costs what a `max_chars` one does. The rest of such a body still takes part in
the exact key, through a raw hash of the tail (see `exact_key`).
"""

from __future__ import annotations

import re
import unicodedata

import xxhash

from workers.markup import markup_text

# Bump when tokenization changes: fingerprints made by another version are not comparable.
NORMALIZER_VERSION = 2

# Only short lines can be boilerplate; a long paragraph that starts with "By" is text.
_MAX_BOILERPLATE_LINE = 160

_SHARE_WORDS = (
    r"share|shares|tweet|twitter|x|facebook|linkedin|whatsapp|telegram|reddit|pinterest|"
    r"email|e-mail|print|copy|link|save|comment|comments|this|article|story|on|via"
)
_BOILERPLATE = re.compile(
    "|".join(
        (
            # Credit lines: "Reporting by X; Editing by Y".
            r"(?:(?:additional\s+)?reporting|writing|editing|compiled)\s+by\b.*",
            # Links to other stories.
            r"(?:read|see)\s+(?:more|also)\b.*",
            r"(?:related|more)\s*(?:stories|coverage|articles)?\s*:.*",
            r"(?:click|tap)\s+here\b.*",
            r"(?:continue|keep)\s+reading\b.*",
            r"(?:story\s+continues\s+below|advertisement|sponsored(?:\s+content)?)\W*",
            # Share buttons: a line of nothing but share words.
            rf"(?:(?:{_SHARE_WORDS})\W*)+",
            r"(?:sign\s+up|subscribe|follow\s+us)\b.*",
            # Copyright lines.
            r"(?:©|\(c\)|copyright\b).*",
            r".*all\s+rights\s+reserved\W*",
            # Timestamps that change between versions of the same story.
            r"(?:updated|published|last\s+(?:updated|modified)|posted)(?:\s+on)?\s*:?\s+(?=.*\d).{0,60}",
        )
    ),
    re.IGNORECASE,
)
# Bylines ("By Jane Doe", "By JANE DOE and John Roe, Reuters"): names start with a capital,
# so this is case-sensitive and "By the end of the week" (a sentence) is not a byline.
_BYLINE = re.compile(r"(?:[Ww]ritten\s+)?[Bb][Yy]\s+(?:[A-Z][\w.'\-]*(?:\s+|,\s*|\s*[|/&]\s*|\s+and\s+)?){1,10}")

# Prompts that stand as a sentence of their own inside a paragraph ("... said. Advertisement
# Continue reading the main story The talks ..."): removed where they follow a sentence end
# (or open the line) and precede a capital, a quote, a digit or the end of the line. Written
# case-sensitively (Title and UPPER forms) so the scan can skip on the first letter.
_PROMPT = re.compile(
    r"(?:Advertisement|ADVERTISEMENT|Sponsored(?: [Cc]ontent)?|SPONSORED(?: CONTENT)?|"
    r"Story continues below(?: advertisement)?|STORY CONTINUES BELOW(?: ADVERTISEMENT)?|"
    r"Continue reading(?: the main story| below| here)?|CONTINUE READING(?: THE MAIN STORY| BELOW)?|"
    r"Read more|READ MORE|(?:Also read|See also|ALSO READ|SEE ALSO)\s*:|"
    r"(?:Click|Tap) here to (?:read|see|watch)(?: more| the (?:full )?story)?)"
    r"[\s:.!|>\u00bb\u203a-]*"
)
# Words every prompt contains: a text without any of them (most) skips the pattern, which
# Python's regex engine scans slowly (hundreds of microseconds per article).
_PROMPT_WORDS = ("advertis", "sponsored", "continue", "read more", "also read", "see also", "click here", "tap here")
_SENTENCE_END = frozenset(".!?:;\"'\u201d\u2019)]")


def _strip_prompts(line: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _PROMPT.finditer(line):
        before = ("".join(out) + line[pos : m.start()]).rstrip()
        if before and before[-1] not in _SENTENCE_END:
            continue
        nxt = line[m.end() : m.end() + 1]
        if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'\u201c\u2018"):
            continue
        out.append(line[pos : m.start()])
        pos = m.end()
    if not out:
        return line
    out.append(line[pos:])
    return " ".join(part.strip() for part in out if part.strip())


# Typography folded before tokenizing. Invisible characters are deleted (a soft hyphen or a
# zero-width space inside a word must not split it); quotes, dashes, hyphens and spaces
# become their ASCII forms.
_TYPOGRAPHY = {
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys(
        "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
    ),
}
# A regex over the few characters to change is much faster than str.translate with a dict.
_TYPOGRAPHIC = re.compile("[" + "".join(_TYPOGRAPHY) + "]")


def fold_typography(text: str) -> str:
    """`text` with invisible characters deleted and typographic quotes, dashes and spaces made ASCII."""
    return _TYPOGRAPHIC.sub(lambda m: _TYPOGRAPHY[m.group()], text)


# ASCII fast path: one C-level bytes.translate lowercases and turns every non-alphanumeric
# byte into a space. It yields the same tokens as the Unicode path below does on ASCII text.
_ASCII_TABLE = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32 for c in range(256)
)
_WORD = re.compile(r"[^\W_]+")


def strip_boilerplate(text: str) -> str:
    """`text` without its boilerplate lines (bylines, share buttons, copyright, ...) and
    without ad and "continue reading" prompts inside its lines."""
    kept = []
    lowered = text.lower()
    prompts = any(word in lowered for word in _PROMPT_WORDS)
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) <= _MAX_BOILERPLATE_LINE and _is_boilerplate(stripped):
            continue
        kept.append(_strip_prompts(stripped) if prompts else stripped)
    return "\n".join(kept)


def _is_boilerplate(line: str) -> bool:
    return _BYLINE.fullmatch(line) is not None or _BOILERPLATE.fullmatch(line) is not None


def tokenize(body: str, max_chars: int) -> list[bytes]:
    """The normalized words of the first `max_chars` characters of `body`, as UTF-8 bytes.

    Markup is folded, typography normalized, boilerplate dropped, then the text is
    NFKC-normalized and case-folded and split on everything that is not a letter or a
    digit (underscores split too).
    """
    text = markup_text(body[:max_chars])
    if not text.isascii():
        text = unicodedata.normalize("NFKC", fold_typography(text))
    text = strip_boilerplate(text)
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE).split()
    text = text.casefold()
    return [w.encode("utf-8", "surrogatepass") for w in _WORD.findall(text)]


def exact_key(tokens: list[bytes], body: str, max_chars: int) -> bytes:
    """A 16-byte hash of the normalized text: equal keys mean exact duplicates.

    Bodies longer than `max_chars` add a hash of their raw tail, so two enormous bodies
    that share only their first `max_chars` characters are not called exact duplicates.
    """
    h = xxhash.xxh3_128()
    h.update(b" ".join(tokens))
    if len(body) > max_chars:
        h.update(b"\x00tail\x00")
        h.update(body[max_chars:].encode("utf-8", "surrogatepass"))
    return h.digest()
