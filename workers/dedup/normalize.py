"""Text normalization for dedup: from an article body to the word tokens that get compared.

Two copies of a story count as the same text when they differ only in case, whitespace,
punctuation, Unicode compatibility forms (NFKC) or boilerplate lines (bylines, "Read more",
share buttons, copyright and "Updated ..." lines). `tokenize()` drops those differences and
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

# Bump when tokenization changes: fingerprints made by another version are not comparable.
NORMALIZER_VERSION = 1

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

# ASCII fast path: one C-level bytes.translate lowercases and turns every non-alphanumeric
# byte into a space. It yields the same tokens as the Unicode path below does on ASCII text.
_ASCII_TABLE = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32
    for c in range(256)
)
_WORD = re.compile(r"[^\W_]+")


def strip_boilerplate(text: str) -> str:
    """`text` without its boilerplate lines (bylines, share buttons, copyright, ...)."""
    if "\n" not in text and len(text) > _MAX_BOILERPLATE_LINE:
        return text
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) <= _MAX_BOILERPLATE_LINE and _is_boilerplate(stripped):
            continue
        kept.append(stripped)
    return "\n".join(kept)


def _is_boilerplate(line: str) -> bool:
    return _BYLINE.fullmatch(line) is not None or _BOILERPLATE.fullmatch(line) is not None


def tokenize(body: str, max_chars: int) -> list[bytes]:
    """The normalized words of the first `max_chars` characters of `body`, as UTF-8 bytes.

    Boilerplate lines are dropped, then the text is NFKC-normalized and case-folded and
    split on everything that is not a letter or a digit (underscores split too).
    """
    text = strip_boilerplate(body[:max_chars])
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE).split()
    text = unicodedata.normalize("NFKC", text).casefold()
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
