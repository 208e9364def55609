"""Words that turn a conversation about a career into one about a job: openings, hiring, résumés,
referrals and pay. An outreach request and a thank-you note must not mention them (career-centre
rule), and the point a thank-you note builds on is never one of them."""

from __future__ import annotations

import re

from agent.text.words import normalise

JOB_WORDS = re.compile(
    r"\b(jobs?|positions?|openings?|vacanc(?:y|ies)|hiring|hire[sd]?|recruit\w*|resum[eé]s?|"
    r"r[ée]sum[ée]s?|cv|referrals?|refer(?:red|ring)? me|employment|apply(?:ing)?|"
    r"applications?|candidacy|interview for)\b",
    re.IGNORECASE,
)


def job_words(text: str) -> list[str]:
    return sorted({m.group(0).lower() for m in JOB_WORDS.finditer(normalise(text))})


# Openings, hiring and pay are never what a thank-you note builds on, however specific they are.
JOB_TALK = re.compile(
    r"\b(?:open|opens|opening|add|adds|adding|create|creates|creating|post|posts|posting|fill|fills|"
    r"filling)\s+(?:\w+\s+){0,3}?(?:roles?|positions?|jobs?|spots?|seats?|vacanc(?:y|ies)|headcount"
    r"|reqs?)\b|\b(?:roles?|positions?|jobs?|spots?)\s+(?:\w+\s+){0,2}?(?:open(?:ing)? up|coming up"
    r"|will open|to fill)\b"
    r"|\b(?:hir(?:e|es|ed|ing)|headcount|recruit\w*|job (?:market|offers?|ads?|postings?)|internships?)\b"
    r"|\b(?:salar(?:y|ies)|compensation|wages?|bonus(?:es)?|pay (?:range|band|scale|is|was|rise)|"
    r"paid|earn(?:s|ed|ing)? (?:\$|\d|six|more|less|a living))\b|\$\s?\d",
    re.I,
)
