"""Which writing systems a text's letters belong to, and which one a language is written in.

Ingest uses this to tell whether a body can be in the language it claims: English is
written in Latin letters, so a body whose letters are mostly Arabic, Cyrillic or Han is not
English whatever its `language` says, however short it is. A letter's script is read from
its Unicode name ("ARABIC LETTER ALEF" → ARABIC); Python's `unicodedata` has no script
property, and the name's first word gives the script for the letters of every script below.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

# ISO 639-1 languages by the scripts their news is written in. A language that is not here
# gets no script check (only the checks every language gets).
_SCRIPTS_OF: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        "af ca cs cy da de en eo es et eu fi fr ga gl hr hu id is it lt lv ms mt nl no pl pt "
        "ro sk sl so sq sv sw tl tr vi yo zu".split(),
        frozenset({"LATIN"}),
    ),
    **dict.fromkeys("az bs sr uz".split(), frozenset({"LATIN", "CYRILLIC"})),
    **dict.fromkeys("be bg kk ky mk mn ru tg uk".split(), frozenset({"CYRILLIC"})),
    **dict.fromkeys("ar fa ps ur ug".split(), frozenset({"ARABIC"})),
    **dict.fromkeys("he yi".split(), frozenset({"HEBREW"})),
    **dict.fromkeys("hi mr ne".split(), frozenset({"DEVANAGARI"})),
    **dict.fromkeys("am ti".split(), frozenset({"ETHIOPIC"})),
    "el": frozenset({"GREEK"}),
    "hy": frozenset({"ARMENIAN"}),
    "ka": frozenset({"GEORGIAN"}),
    "bn": frozenset({"BENGALI"}),
    "ta": frozenset({"TAMIL"}),
    "te": frozenset({"TELUGU"}),
    "th": frozenset({"THAI"}),
    "km": frozenset({"KHMER"}),
    "my": frozenset({"MYANMAR"}),
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}),
}
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
# Markup tokens: comment delimiters, tags (a tag cannot span a '<', so a scan stays linear
# on any input), character references.
_MARKUP = re.compile(
    r"(?P<comment><!--)|-->|<(?P<closing>/?)(?P<tag>[A-Za-z][A-Za-z0-9-]*)[^<>]*>"
    r"|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);"
)
_HIDDEN_CONTENT = frozenset({"script", "style"})  # elements whose content is code, not text


def scripts_of(language: str) -> frozenset[str] | None:
    """The scripts `language` (primary ISO 639-1 subtag) is written in; None when not known here."""
    return _SCRIPTS_OF.get(language)


def visible_text(text: str) -> str:
    """`text` without HTML/XML markup: tags, comments, script and style content, character references."""
    if "<" not in text and "&" not in text:
        return text
    parts: list[str] = []
    at = 0
    hidden: str | None = None  # inside a comment ("--") or a script or style element (its name)
    for token in _MARKUP.finditer(text):
        if hidden is None:
            parts.append(text[at : token.start()])
            if token["comment"]:
                hidden = "--"
            elif (
                token["tag"]
                and not token["closing"]
                and token["tag"].lower() in _HIDDEN_CONTENT
                and not token.group().endswith("/>")
            ):
                hidden = token["tag"].lower()
        elif (hidden == "--" and token.group() == "-->") or (
            token["closing"] and (token["tag"] or "").lower() == hidden
        ):
            hidden = None
        at = token.end()
    if hidden is None:
        parts.append(text[at:])
    return " ".join(parts)


def has_letters(text: str) -> bool:
    """True when `text` holds a letter of any script (not only digits, symbols, emoji, punctuation)."""
    # the pattern also matches numerals that are not decimal digits (½, Ⅻ); the first match
    # in real text is a letter, so the check costs one search
    match = _LETTER.search(text)
    while match is not None:
        if match.group().isalpha():
            return True
        match = _LETTER.search(text, match.end())
    return False


@lru_cache(maxsize=4096)
def script_of(letter: str) -> str:
    """The script of one letter, e.g. LATIN, CYRILLIC, ARABIC, CJK; the first word of its Unicode name."""
    if letter < "\x80":
        return "LATIN"
    return unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]


_NOT_ASCII_LETTER_BYTES = bytes(b for b in range(256) if not (b < 0x80 and chr(b).isalpha()))


def mostly_ascii_letters(text: str, share: float) -> bool:
    """True when ASCII letters (Latin) are surely at least `share` of the letters of `text`.

    Counts bytes of the UTF-8 form in C, without looking at each character: every non-ASCII
    character is taken for a letter of another script (a non-ASCII character adds at least one
    byte to the UTF-8 form, so the extra bytes bound their number). Settles the common case,
    English with typographic quotes, dashes or an accented name, without `script_counts`.
    """
    encoded = text.encode("utf-8", "surrogatepass")
    letters = len(encoded.translate(None, _NOT_ASCII_LETTER_BYTES))
    return letters >= share * (letters + len(encoded) - len(text))


def script_counts(text: str) -> Counter[str]:
    """Letters of `text` by script."""
    letters = _NOT_LETTERS.sub("", text)
    if letters.isascii():
        return Counter({"LATIN": len(letters)} if letters else {})
    return Counter(script_of(letter) for letter in letters if letter.isalpha())
