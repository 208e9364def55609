"""Validators for the contact's model-written reply: what a real person on a call would never say.

A reply that fails any of them is replaced by a template answer from the role brief, so the tiny
default model can phrase answers without ever breaking the rehearsal.
"""

from __future__ import annotations

import re

from agent.text.words import sentences, word_count, words

MAX_REPLY_WORDS = 90
MIN_REPLY_WORDS = 4
BREAKS_CHARACTER = re.compile(
    r"\b(as an? (ai|artificial|language model|assistant|chatbot|virtual)|language model|"
    r"i'?m (just )?an? (ai|assistant|bot|chatbot|program)|i am (just )?an? (ai|assistant|bot|program)|"
    r"openai|chatgpt|smollm|hugging ?face|trained on|my training|i don'?t have (personal|a job|"
    r"a career|feelings|experiences)|i cannot (browse|access)|as a helpful)\b", re.IGNORECASE,
)
ASKS_FOR_JOB = re.compile(
    r"\b(hire me|give me a job|i'?m looking for (a )?(job|work|position)|my (resume|résumé|cv)|"
    r"refer me|are you hiring|do you have (any )?(openings|positions))\b", re.IGNORECASE,
)
LEAKS = re.compile(
    r"\b(system prompt|my instructions|the instructions|role brief|stay in character|"
    r"you are playing|i am playing|roleplay|role-play)\b|</?[a-z_]+>|<\|", re.IGNORECASE,
)
OWN_PAY = re.compile(r"\bi (make|earn|get paid|take home|am paid)\b[^.?!]*(\$|€|£|\d)", re.IGNORECASE)
ROLE_CONFUSION = re.compile(r"^\W*(you'?re|you are) (a|an|the)\b", re.IGNORECASE)
INTERVIEWS_USER = re.compile(
    r"\b(i'?d love to (learn|hear|explore|know) (more )?about your|tell me (more )?about your "
    r"(career|work|role|experience|journey)|your insights (on|into)|following your work|"
    r"how did you get (into|started))\b", re.IGNORECASE,
)
SPEAKER_LABEL = re.compile(r"^\s*(assistant|contact|[A-Z][a-z]+( [A-Z][a-z]+)?)\s*:\s+")


def tidy_reply(text: str, *, complete: bool = True) -> str:
    """Drop a leading speaker label, control tokens and (when `complete`) a sentence cut off by the
    token limit; while streaming, the unfinished sentence is still shown."""
    text = text.replace("<|im_end|>", " ").strip()
    text = SPEAKER_LABEL.sub("", text, count=1).strip().strip('"').strip()
    text = " ".join(text.split())
    if complete and text and not text.endswith((".", "!", "?", '"', "”")):
        finished = sentences(text)
        if len(finished) > 1:
            text = " ".join(finished[:-1])
    return text


def _overlap(a: str, b: str) -> float:
    wa = {w.lower() for w in words(a)}
    wb = {w.lower() for w in words(b)}
    return len(wa & wb) / max(1, len(wa | wb))


def reply_problems(reply: str, *, question: str, user_lines: list[str] | None = None,
                   user_name: str = "") -> list[str]:
    """Names of the rules the reply breaks; empty means it can be used."""
    problems = []
    n = word_count(reply)
    if n < MIN_REPLY_WORDS:
        problems.append("empty")
    if n > MAX_REPLY_WORDS:
        problems.append("too_long")
    if BREAKS_CHARACTER.search(reply):
        problems.append("breaks_character")
    if ASKS_FOR_JOB.search(reply):
        problems.append("asks_for_job")
    if LEAKS.search(reply):
        problems.append("leaks_instructions")
    if ROLE_CONFUSION.search(reply):
        problems.append("role_confusion")
    if INTERVIEWS_USER.search(reply):
        problems.append("interviews_the_user")
    if user_name and re.search(rf"\b(i'?m|i am|my name is|this is) {re.escape(user_name)}\b", reply,
                               re.IGNORECASE):
        problems.append("speaks_as_user")
    if OWN_PAY.search(reply):
        problems.append("shares_own_pay")
    if question and word_count(question) >= 4 and _overlap(reply, question) >= 0.7:
        problems.append("echoes_question")
    if user_lines and any(len(u) > 30 and u.lower() in reply.lower() for u in user_lines):
        problems.append("speaks_as_user")
    return problems


FIRST_PERSON_LEAD = re.compile(r"^(?:I|I'm|I've|I am|I have|My)\s+(\w+(?:\s+\w+)?)", re.IGNORECASE)
SECOND_PERSON = {"i": "you", "i'm": "you're", "i've": "you've", "i am": "you are", "i have": "you have",
                 "my": "your"}
THIRD_PERSON_LEAD = re.compile(r"(?:^|[.!?]\s+)(?:She|He)\s+(?:is|was|has|had|\w+s|\w+ed)\b|"
                               r"\b(?:she|he)\s+(?:is|was|has|had)\b")
NARRATIVE_VERB = (r"is|was|has|had|were|\w+ed|\w+s|made|took|led|got|went|spent|began|became|built|ran|"
                  r"grew|left|chose|did|knew|found|felt|thought")
# "You made the jump from the lab in 2018": the contact telling the user their own past. Verbs
# of speech are left alone ("You mentioned teaching …" is about what the user said).
YOUR_PAST = re.compile(
    r"(?:^|[.!?]\s+)You\s+(?!mentioned|said|asked|told|described|brought)"
    r"(?:\w+ed|made|took|led|got|went|spent|studied|began|became|built|ran|grew|left|joined|moved|"
    r"switched|worked|started|chose|did|had|were)\b")


def perspective_problems(reply: str, facts: list[dict[str, str]], contact_name: str = "",
                         user_name: str = "") -> list[str]:
    """The contact speaks as themselves: not of themselves by name or as "she"/"he", not as the
    user ("You joined the hospital in 2019" from the fact "I joined the hospital in 2019"), and
    not of the user as a third person ("Aaron chose teaching because he …")."""
    problems = []
    if YOUR_PAST.search(reply):
        problems.append("second_person")
    if user_name and re.search(rf"\b{re.escape(user_name)}\s+(?:{NARRATIVE_VERB})\b", reply):
        problems.append("third_person")
    own = [p for p in re.split(r"\s+", contact_name.strip()) if len(p) > 1]
    for part in own:
        for match in re.finditer(rf"\b{re.escape(part)}\b", reply):
            before = reply[max(0, match.start() - 12):match.start()].lower()
            if not re.search(r"(i'm|i am|name is|this is|it's)\s+$", before):
                problems.append("third_person")
                break
    if THIRD_PERSON_LEAD.search(reply):
        problems.append("third_person")
    for fact in facts:
        lead = FIRST_PERSON_LEAD.match(fact.get("text", ""))
        if not lead:
            continue
        subject = fact["text"][:lead.start(1)].strip().lower()
        you = SECOND_PERSON.get(subject, "you")
        if re.search(rf"\b{re.escape(you)}\s+{re.escape(lead.group(1))}\b", reply, re.IGNORECASE):
            problems.append("second_person")
            break
    return sorted(set(problems))


def early_stop(partial: str) -> bool:
    """True when a streaming reply has already gone wrong, so generation can stop at once."""
    return bool(BREAKS_CHARACTER.search(partial) or LEAKS.search(partial)
                or word_count(partial) > MAX_REPLY_WORDS)
