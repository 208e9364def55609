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


STOPWORDS = set(
    "a an the and or but of to in on at for with from by as is are was were be been being it its "
    "this that these those i me my you your we our they their he she his her them us am do did "
    "does have has had will would could should can may might not no so if than then there here "
    "about into over also just very more most some any all each which who whom what when where "
    "how why up out off again once only own same too s t".split()
)


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS and len(w) > 2}


SPACED_LETTERS = re.compile(r"\b(?:[a-z][ .\-_*]){2,}[a-z]\b")


TOKEN = re.compile(r"[\w@$]+")


def _deleet_token(match: re.Match[str]) -> str:
    token = match.group(0)
    digits = sum(ch.isdigit() for ch in token)
    letters = sum(ch.isalpha() for ch in token)
    if digits > letters or not letters:
        return token  # a number such as 401k or 2024, not a disguised word
    return deleet(token.replace("@", "a").replace("$", "s"))


def fold(text: str) -> str:
    """Lower-case, strip invisible characters, map look-alikes and undo leet and spaced letters."""
    folded = normalise(text)
    folded = SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), folded)
    return TOKEN.sub(_deleet_token, folded)
