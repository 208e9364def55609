"""What a job title says: the field the person works in, and how the title reads mid-sentence.

A title rarely names the field directly ('Emergency Department Charge Nurse' is emergency nursing),
so the field comes from the title's head noun and its specialty words, keeping acronyms such as UX
or HR as the user typed them. Outreach subjects, question templates and screening rewrites all say
the field, so they share this one reading of a title.
"""

from __future__ import annotations

import re

from agent.text.grammar import article

RANK_WORDS = {
    "senior", "sr", "junior", "jr", "lead", "principal", "staff", "chief", "head", "associate",
    "assistant", "deputy", "group", "charge", "postdoctoral", "graduate", "trainee", "intern",
    "entry-level", "entry", "level", "i", "ii", "iii", "iv", "the", "and", "&",
}
ORG_WORDS = {"department", "center", "centre", "office", "unit", "division", "project", "team"}
HEAD_FIELDS = {
    "engineer": "engineering", "designer": "design", "scientist": "science",
    "researcher": "research", "developer": "development", "programmer": "programming",
    "architect": "architecture", "writer": "writing", "teacher": "teaching",
    "consultant": "consulting", "marketer": "marketing", "accountant": "accounting",
    "nurse": "nursing", "journalist": "journalism", "reporter": "reporting", "editor": "editing",
    "lawyer": "law", "attorney": "law", "therapist": "therapy", "physician": "medicine",
    "pharmacist": "pharmacy", "economist": "economics", "librarian": "librarianship",
    "photographer": "photography", "recruiter": "recruiting", "auditor": "auditing",
    "planner": "planning", "strategist": "strategy", "statistician": "statistics",
    "psychologist": "psychology", "counselor": "counseling", "counsellor": "counselling",
    "paralegal": "legal work", "electrician": "electrical work",
    "dentist": "dentistry", "firefighter": "firefighting", "actuary": "actuarial work",
    "pilot": "aviation", "veterinarian": "veterinary medicine", "surgeon": "surgery",
    "translator": "translation", "interpreter": "interpreting",
}
GENERIC_QUALIFIERS = {"executive", "managing", "general", "regional", "national", "global", "area"}
PERSON_SUFFIX = re.compile(r"(er|or|ar|ist|ian|ant|ent|ee|ary|eon|man|woman|person|nurse|chef|cook|ic)$")
HEAD_OF = re.compile(r"(?i)\b(?:head|vp|vice[- ]president|director|chief|dean)\s+of\s+(?:the\s+)?(.+)$")
# Heads whose field is the words before them ('Brand Marketing Manager' → brand marketing).
QUALIFIED_HEADS = {
    "manager", "director", "officer", "coordinator", "specialist", "analyst", "associate",
    "partner", "lead", "administrator", "advisor", "adviser", "representative", "executive",
    "senior",
}
SPECIAL_FIELDS = {
    "account executive": "sales", "business partner": "", "product manager": "product management",
    "project manager": "project management", "program manager": "program management",
    "programme manager": "programme management", "data analyst": "data analysis",
    "software engineer": "software engineering",
}


PROPER_WORDS = frozenset("""
    english spanish french german chinese mandarin cantonese japanese korean arabic portuguese
    italian russian hindi urdu bengali punjabi vietnamese tagalog polish dutch swedish norwegian
    danish finnish greek turkish hebrew persian farsi swahili ukrainian american british canadian
    european african asian latin latino latina latinx indigenous native caribbean
""".split())


def _case(word: str) -> str:
    """Title case folds to lower case mid-sentence; acronyms and inner capitals (UX, SaaS, DevOps,
    iOS, PhD), numbers, and languages or nationalities (Spanish-English) stay as typed."""
    keep = (word.isupper() and len(word) > 1) or any(c.isupper() for c in word[1:]) or \
        any(c.isdigit() for c in word) or all(p.lower() in PROPER_WORDS for p in word.split("-") if p)
    return word if keep else word.lower()


def field_for(role: str) -> str:
    """The field a role works in, e.g. 'Senior UX Designer' → 'UX design'."""
    specialty = re.search(r"\(([^)]+)\)", role)
    plain = re.sub(r"\([^)]*\)", " ", role).strip()
    if specialty and specialty.group(1).strip():
        # Written as the user meant it ('Spanish-English'), with the head's field when it adds one.
        detail = case_phrase(specialty.group(1))
        head = plain.split()[-1].lower() if plain.split() else ""
        field = HEAD_FIELDS.get(head, "")
        return f"{detail} {field}" if field and field.split()[-1] not in detail.lower() else detail
    head_of = HEAD_OF.search(plain)
    if head_of:
        return case_phrase(head_of.group(1))
    words = [w for w in re.split(r"[\s,/]+", plain) if w]
    lowered = " ".join(w.lower() for w in words)
    for phrase, field in SPECIAL_FIELDS.items():
        if lowered.endswith(phrase):
            before = [w for w in words[: len(words) - len(phrase.split())]
                      if w.lower().strip(".") not in RANK_WORDS | ORG_WORDS]
            if field == "sales" or not before:
                return field or "this field"
            return f"{case_phrase(' '.join(before))} {field}".strip() if field else case_phrase(
                " ".join(before))
    core = [w for w in words if w.lower().strip(".") not in RANK_WORDS] or words[-1:] or ["this"]
    head = core[-1].lower()
    prefix = case_phrase(" ".join(w for w in core[:-1] if w.lower() not in ORG_WORDS))
    if head in HEAD_FIELDS:
        return f"{prefix} {HEAD_FIELDS[head]}".strip()
    if head in QUALIFIED_HEADS:
        specific = prefix and not set(prefix.lower().split()) <= GENERIC_QUALIFIERS
        return prefix if specific else f"work as {article(role_phrase(plain))} {role_phrase(plain)}"
    if PERSON_SUFFIX.search(head) or (len(core) == 1 and core[0].isupper()):
        return f"work as {article(role_phrase(plain))} {role_phrase(plain)}"
    return case_phrase(" ".join(core))


def role_phrase(role: str) -> str:
    """The role as it reads mid-sentence: title case folded, acronyms kept."""
    return " ".join(_case(w) for w in role.split())


def plural(phrase: str) -> str:
    """'UX designer' → 'UX designers'; 'attorney (employment law)' → 'attorneys (employment law)'."""
    match = re.match(r"^(.*?)(\s*\(.*\)|\s+of\s.*)?$", phrase)
    head, tail = (match.group(1), match.group(2) or "") if match else (phrase, "")
    if re.search(r"(s|sh|ch|x|z)$", head):
        return f"{head}es{tail}"
    if re.search(r"[^aeiou]y$", head):
        return f"{head[:-1]}ies{tail}"
    return f"{head}s{tail}"


def case_phrase(text: str) -> str:
    return " ".join(_case(w) for w in text.split())
