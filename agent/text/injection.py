"""Text aimed at a model instead of recording a conversation: override phrases, role tags, hidden
markup, "output the word…", planted SWOT items. Pasted notes and documents are data; a sentence
that trips one of these is dropped before classification and never reaches a prompt. Look-alike
letters and digit swaps are folded first, so disguised instructions are caught too."""

from __future__ import annotations

import re

from agent.text.notes import BULLET, HTML_COMMENT, split_line
from agent.text.words import SPACED_LETTERS, ZERO_WIDTH, deleet, normalise

# Markdown that renders as nothing: `[//]: # (text)` and `[comment]: <> (text)` reference lines.
HIDDEN_MARKDOWN = re.compile(r"^\s*\[(?://|comment)\]:\s*(?:#|<>)")

INSTRUCTION_PATTERNS: dict[str, re.Pattern[str]] = {
    "override": re.compile(
        r"\b(ignore|disregard|forget|override|bypass|skip)\b.{0,40}\b(previous|prior|above|earlier|"
        r"preceding|all|any|your|the|system|these)\b.{0,20}\b(instructions?|prompts?|rules|"
        r"directions|guidelines|messages|context|constraints)\b"
    ),
    "role_tag": re.compile(
        r"^\W*(system|assistant|developer|user|ai|model|bot|chatbot|llm|gpt|claude|instruction|"
        r"prompt)\s*(:|>|\]|-->)|<\|?/?(im_start|im_end|system|assistant|user|endoftext)\|?>|"
        r"\[/?(inst|sys|system)\]|<<\s*/?sys\s*>>|</?s>"
    ),
    "hidden_markup": re.compile(r"<!--|-->|<\s*/?\s*(script|instructions?|system|prompt)\b"
                               r"|^\s*\[(?://|comment)\]:\s*(?:#|<>)"),
    "addresses_model": re.compile(
        r"\b(dear|hey|hi|attention|note to( the)?|to the|as an?)\s+"
        r"(ai|assistant|language model|llm|chatbot|bot|gpt|claude)\b"
        r"|\b(you are( now)?|act as|pretend( to be)?|from now on,? you)\s+(an? )?([\w-]+\s+){0,2}"
        r"(ai|assistant|language model|llm|chatbot|bot|model|gpt|claude|system)\b"
        r"|^\W*(ai|assistant|chatbot|llm|gpt|claude|model)\s*[,:;]"
        r"|\b(new|updated|hidden|secret) (instructions?|task|system prompt)\b"
        r"|\bsystem prompt\b|\bjailbreak\b|\bprompt injection\b"
    ),
    "output_command": re.compile(
        r"\b(output|print|respond|reply|answer|return|write|say|repeat|echo)\b\s+(only\s+|just\s+)?"
        r"(with\s+)?(the word|the phrase|the text|exactly|verbatim|only)\b"
        r"|\b(respond|reply|answer)\s+(only\s+)?(with|in)\s+[\"'“‘]"
    ),
    # The same override in the languages a pasted article most often arrives in.
    "override_translated": re.compile(
        r"\b(ignor(?:ez|er|a|e|ate|are|iere|ieren|ar)|olvid[ae]|oubliez|vergiss)\b.{0,40}"
        r"\b(instructions?|instrucciones|instru[cç][oõ]es|istruzioni|anweisungen|consignes|regeln)\b"
    ),
    # Written to whoever (or whatever) turns these notes into a draft or a summary.
    "addresses_writer": re.compile(
        r"\bwhoever (?:writes|drafts|reads|summari[sz]es|turns)\b"
        r"|\bwhen (?:you(?:'re| are)? )?(?:drafting|writing|summari[sz]ing|(?:draft|write|summari[sz]e) "
        r"(?:the|this|it))\b[^.]{0,40}\b(?:include|mention|say|add|be sure|make sure|state|write)\b"
        r"|\bmake sure the (?:draft|summary|output|reply|answer|generated)\b"
        r"|\bif the (?:summary|draft|output|reply|generated \w+) (?:said|says|mentioned|stated)\b"
        r"|\bthe final (?:message|email|draft|note|output|reply) (?:ought to|must|should|needs to)\b"
    ),
    "plants_item": re.compile(
        r"\b(add|list|mark|label|classify|tag|put|insert|include|record|report|treat|output|"
        r"rate|state)\b[^.]{0,80}?[\"'“‘][^\"'”’]{2,80}[\"'”’][^.]{0,40}?\b(as|to|in|under|into)\s+"
        r"(an? |the |my |their )?(only )?(strengths?|weakness(es)?|opportunit(y|ies)|threats?|"
        r"next steps?|swot|quadrants?)\b"
        r"|\b(as|is) the only (strength|weakness|opportunity|threat|next step)\b"
    ),
}


SQUASHED_OVERRIDE = re.compile(
    r"(ignore|disregard|forget|override|bypass)(all|any|the|your|my)*"
    r"(previous|prior|above|earlier|preceding|system)?(instructions?|prompts?|rules|guidelines)"
)


def _unspaced(text: str) -> str:
    """'i g n o r e  a l l' → 'ignoreall': letters spelled out one by one, joined again."""
    return SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), text)


def instruction_reason(sentence: str) -> str | None:
    """Which injection pattern a sentence trips, or None for an ordinary note."""
    plain = normalise(sentence)
    folded = deleet(plain)
    joined = _unspaced(folded)
    for name, pattern in INSTRUCTION_PATTERNS.items():
        if pattern.search(folded) or pattern.search(plain) or pattern.search(joined):
            return name
    if SQUASHED_OVERRIDE.search(re.sub(r"[^a-z]", "", joined)):
        return "override"
    return None


def looks_like_instruction(sentence: str) -> bool:
    """True when the sentence addresses a model rather than recording the conversation."""
    return instruction_reason(sentence) is not None


def sanitise_document(text: str) -> tuple[str, list[str]]:
    """A user's document with what is aimed at a model taken out, before it is indexed.

    Removed: HTML comments and Markdown comment lines (invisible when the document is read),
    zero-width characters, and every sentence that trips `instruction_reason`. Everything else
    keeps its lines, list markers and order. Returns the text and the pieces dropped."""
    dropped: list[str] = []

    def hide(match: re.Match[str]) -> str:
        if match.group(0).strip():
            dropped.append(match.group(0).strip())
        return " "

    text = HTML_COMMENT.sub(hide, text).translate(ZERO_WIDTH)
    lines: list[str] = []
    for line in text.splitlines():
        if HIDDEN_MARKDOWN.match(line):
            dropped.append(line.strip())
            continue
        marker = BULLET.match(line)
        prefix = marker.group(0) if marker else line[:len(line) - len(line.lstrip())]
        parts = split_line(line[len(prefix):])
        bad = [p for p in parts if instruction_reason(p)]
        if not bad:
            lines.append(line)
            continue
        dropped += bad
        kept = [p for p in parts if p not in bad]
        if kept:
            lines.append(prefix + " ".join(kept))
    return "\n".join(lines), dropped


def without_instructions(text: str) -> str:
    """Stored free text (a contact's notes) on its way into a prompt: what `sanitise_document`
    would drop is dropped, the rest kept as written."""
    return sanitise_document(text)[0].strip()


# Sentences about the contact are third-person facts; one that tells someone what to do or speaks
# to "you" is an instruction to whoever reads it, which in a persona prompt is the model.
IMPERATIVE = re.compile(
    r"^\W*(?:please\s+)?(?:remember|make sure|be sure|tell|say|write|add|include|mention|ask|"
    r"request|act|pretend|answer|reply|respond|call|send|use|list|treat|put|note that|don't|do not|"
    r"never|always|from now on)\b", re.IGNORECASE)
SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)


def describes_person(sentence: str) -> bool:
    """False for a sentence that tells its reader what to do or speaks to "you": in text about a
    contact (their notes, their bio) such a sentence is addressed to the model reading it."""
    return not (IMPERATIVE.search(sentence) or SECOND_PERSON.search(sentence))


def persona_notes(text: str) -> str:
    """A saved contact's notes on their way into the rehearsal's persona prompt: only sentences
    that describe the person. Instruction-like, imperative and second-person sentences go."""
    kept = []
    for line in without_instructions(text).splitlines():
        kept += [sentence for sentence in split_line(line) if describes_person(sentence)]
    return " ".join(kept)
