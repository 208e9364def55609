"""Small grammar facts the templates need: 'a' or 'an' by sound, and the checks that catch a slot
spliced into a sentence it does not fit ("an UX researcher", "I'm exploring learning how…",
"environmental scientist positions in environmental science").

The drafts are built from the user's words, so these run on every draft and every filled template;
they are deliberately narrow (what templates actually get wrong), not a general grammar checker.
"""

from __future__ import annotations

import re

# Acronyms are read letter by letter: these letters start with a vowel sound (an MBA, an HR team).
VOWEL_SOUND_LETTERS = "AEFHILMNORSX"
CONSONANT_SOUND_STARTS = ("one", "once", "uni", "use", "usu", "uti", "ura", "ure", "uro", "euro", "eu",
                          "ewe", "ubiq", "uku", "ufo")
VOWEL_SOUND_STARTS = ("hour", "honest", "honor", "honour", "heir", "herb")
LOWER_ACRONYMS_WITH_YOU = {"ux", "ui", "url", "usb", "us", "uk", "un", "ucla", "usc", "utc"}
NUMBER_WITH_VOWEL_SOUND = re.compile(r"^(8|11|18|8\d|11\d\d|18\d\d|80+)\b")
TOKEN = re.compile(r"[A-Za-z0-9][\w'’\-]*")


def article(phrase: str) -> str:
    """'a' or 'an' for the phrase's first word, by how it sounds: an MBA, a UX researcher,
    a university, an hourly rate, an 18-month course."""
    match = TOKEN.search(phrase or "")
    if not match:
        return "a"
    first = match.group(0)
    core = first.split("-")[0]
    if core[:1].isdigit():
        return "an" if NUMBER_WITH_VOWEL_SOUND.match(core) else "a"
    if len(core) > 1 and core.isupper():
        return "an" if core[0] in VOWEL_SOUND_LETTERS else "a"
    lowered = core.lower()
    if lowered in LOWER_ACRONYMS_WITH_YOU or lowered.startswith(CONSONANT_SOUND_STARTS):
        return "a"
    if lowered.startswith(VOWEL_SOUND_STARTS):
        return "an"
    return "an" if lowered[:1] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


ARTICLE_USE = re.compile(r"\b(a|an|A|An)\s+(?=([A-Za-z0-9][\w'’\-]*))")
DOUBLED_WORD = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
# A verb of finding out straight after a verb of interest: "I'm exploring learning how …" (one
# explores a move or a switch, but learning how something works is itself the exploring).
GERUND_AFTER_VERB = re.compile(
    r"\b(exploring|considering|pursuing|studying|researching)\s+(learning|understanding|finding out|"
    r"figuring out|knowing|seeing|hearing|discovering|exploring|working out)\b",
    re.IGNORECASE,
)
CONTENT = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
FUNCTION_WORDS = frozenset(
    "a an the and or but of to in on at for with from by as is are was were be been it its this that "
    "these those i me my you your we our they their he she his her them us am do did does have has had "
    "will would could should can may might not no so if than then there here about into over also just "
    "very more most some any all each which who whom what when where how why up out off".split()
)
NEAR = 3  # a repeat counts only when the second copy starts this close to the first's end


def _content_keys(text: str) -> list[tuple[int, str]]:
    """(token position, 5-letter prefix) of each content word; the prefix makes 'scientist' and
    'science' one key, which is what a reader hears as the same phrase."""
    tokens = CONTENT.findall(text)
    return [(i, t.lower()[:5]) for i, t in enumerate(tokens) if t.lower() not in FUNCTION_WORDS]


def repeated_phrase(text: str) -> str | None:
    """Two content words repeated as a pair within a few words ('environmental scientist positions
    in environmental science'), or None."""
    keys = _content_keys(text)
    pairs = [(keys[j][0], keys[j + 1][0], (keys[j][1], keys[j + 1][1])) for j in range(len(keys) - 1)
             if keys[j + 1][0] - keys[j][0] <= 2]
    for a in range(len(pairs)):
        for b in range(a + 1, len(pairs)):
            if pairs[a][2] == pairs[b][2] and pairs[b][0] > pairs[a][1] and pairs[b][0] - pairs[a][1] <= NEAR:
                tokens = CONTENT.findall(text)
                return " ".join(tokens[pairs[a][0]:pairs[a][1] + 1])
    return None


def grammar_problems(text: str) -> list[str]:
    """What reads wrong in a sentence built from slots (empty list = reads as one sentence)."""
    problems = []
    for match in ARTICLE_USE.finditer(text):
        word = match.group(2)
        if word.lower() in ("a", "an"):
            continue
        want = article(word)
        if match.group(1).lower() != want:
            problems.append(f"'{match.group(1)} {word}' should be '{want} {word}'")
    doubled = DOUBLED_WORD.search(text)
    if doubled and doubled.group(1).lower() not in ("that", "had"):
        problems.append(f"doubled word '{doubled.group(0)}'")
    gerund = GERUND_AFTER_VERB.search(text)
    if gerund:
        problems.append(f"'{gerund.group(0)}' does not read as a sentence")
    repeat = repeated_phrase(text)
    if repeat:
        problems.append(f"repeats '{repeat}'")
    return problems
