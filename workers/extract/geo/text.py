"""Text helpers shared by the gazetteer build and the matcher: name normalization and tokens.

A gazetteer key and a span of article text are compared through `norm()`, so both sides
must go through it: accents folded, case folded, hyphens and curly quotes unified.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})
_SPACES = re.compile(r"\s+")
# Dotted acronyms ("U.S.", "D.C.") first, then words with inner hyphens/apostrophes.
TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['’‐‑-][^\W\d_]+)*")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z .,'()-]*")


def fold(s: str) -> str:
    """`s` without diacritics (NFKD, combining marks dropped)."""
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# Letters NFKD does not decompose, spelled as English text writes them ("Puławy" -> "Pulawy").
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ħ": "h",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "þ": "th",
    }
)


_DOUBLED = re.compile(r"(.)\1+")


def _romanized(key: str) -> str:
    """A key with the letters romanizations disagree on unified: y as i, doubled letters single."""
    return _DOUBLED.sub(r"\1", key.replace("y", "i"))


# The Arabic article as its transliterations write it before a name ("Ar-Raqqa", "Deir ez-Zor")
ARABIC_ARTICLES = frozenset(
    {"al", "el", "ar", "as", "ad", "at", "an", "az", "ash", "adh", "ath", "ed", "es", "et", "ez"}
)
_BROAD_VOWELS = str.maketrans({"e": "a", "o": "u"})


def loose_key(key: str) -> str:
    """A key (see `norm`) with what English transliterations of Arabic and Persian names
    disagree on unified: apostrophes for ayn and hamza, the article, doubled letters, a
    final h after a vowel, y as i, e as a, o as u. "Ain Issa" and "'Ayn 'Isa", "Tell Abiad"
    and "Tall Abyad", "Ar-Raqqa" and "Raqqah", "Khan Sheikhoun" and "Khan Shaykhun" meet."""
    words = key.replace("'", "").split()
    return " ".join(loose_word(w) for w in [w for w in words if w not in ARABIC_ARTICLES] or words)


@lru_cache(maxsize=1 << 16)  # the scan asks again for each capitalized word's runs
def loose_word(word: str) -> str:
    """One word of `loose_key` (the article aside)."""
    word = _romanized(word.translate(_BROAD_VOWELS))
    if len(word) > 3 and word[-1] == "h" and word[-2] in "aiu":
        word = word[:-1]
    return word


def same_spelling(name: str, key: str) -> bool:
    """Whether `key` (a normalized mention) is `name` written without its special letters, or
    in another romanization of the same letters ("Kupiansk" for Kupyansk, "Avdiivka" for
    Avdiyivka)."""
    plain = norm(name.translate(_UNDECOMPOSED))
    return plain == key or _romanized(plain) == _romanized(key)


@lru_cache(maxsize=1 << 16)  # the scan looks up each capitalized word's runs again and again
def norm(s: str) -> str:
    """The lookup key of a name: folded, case-folded, hyphens as spaces, single spaces."""
    s = fold(s.translate(_QUOTES)).casefold().replace("-", " ")
    return _SPACES.sub(" ", s).strip()


def is_latin_name(s: str) -> bool:
    """True when `s` is written in Latin letters (after folding accents) — usable in English text."""
    return bool(_LATIN_NAME.fullmatch(fold(s)))


def is_acronym(s: str) -> bool:
    """True for all-capital names such as "UK", "DRC" or "U.S."."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def tokens(text: str) -> list[tuple[int, int]]:
    """Word spans of `text`; a possessive "'s" is left out of the word ("Syria's" -> "Syria")."""
    out = []
    for m in TOKEN.finditer(text):
        start, end = m.span()
        if end - start > 2 and text[end - 2] in "'’" and text[end - 1] in "sS":
            end -= 2
        out.append((start, end))
    return out
