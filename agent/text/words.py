"""Sentence splitting, word counting and light normalisation used by the validators."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9][A-Za-zÀ-ÖØ-öø-ÿ0-9'’\-]*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Look-alike letters people (or pasted text) slip into words: Cyrillic and Greek to Latin.
CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "α": "a", "ο": "o", "ρ": "p", "ν": "v",
    "Α": "A", "Β": "B", "Ε": "E", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Χ": "X", "Υ": "Y", "Ζ": "Z",
})
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


def words(text: str) -> list[str]:
    return WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def normalise(text: str) -> str:
    """Fold case, strip zero-width characters, map look-alike letters, collapse spaces."""
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).translate(CONFUSABLES)
    return re.sub(r"\s+", " ", text).strip().lower()


def deleet(text: str) -> str:
    """Undo digit-for-letter swaps inside words ('ref3r' → 'refer'), leaving numbers alone."""
    return re.sub(r"\b\w*[a-z]\w*\b", lambda m: m.group(0).translate(LEET), text)


def stem(word: str) -> str:
    w = word.lower().strip("'’-")
    for suffix in ("ing", "ies", "ied", "ed", "es", "s", "'s", "’s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w
