"""What a user's question is about, so the contact answers it from the right facts.

A question is one of a few topics an informational interview covers (how they got in, a typical
week, tools, skills, pay in the field, culture, trends, advice, who else to talk to). MiniLM
similarity to a handful of example questions per topic decides, and sharp cue words settle the
pairs embeddings blur ("like most" and "like least" sit close together). Each topic maps to the
role-brief sections that answer it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

TOPICS = ("path", "week", "tools", "skills", "pay", "culture", "trends", "advice", "referral")

# The brief sections that answer each topic, best first.
TOPIC_SECTIONS: dict[str, tuple[str, ...]] = {
    "path": ("How people get into it",),
    "week": ("A typical week",),
    "tools": ("Skills that matter", "A typical week"),
    "skills": ("Skills that matter", "How people get into it"),
    "pay": ("Typical pay in the field",),
    "culture": ("What people like most", "What is hard", "A typical week"),
    "trends": ("Where the field is heading",),
    "advice": ("How people get into it", "Skills that matter"),
    "referral": ("Good people to talk to next",),
}

# Example questions per topic, in the project's own words (what the embeddings compare against).
TOPIC_EXAMPLES: dict[str, tuple[str, ...]] = {
    "path": ("How did you end up doing this work?", "What was your route into this career?",
             "Where did you start before this role?", "What did you study to get here?"),
    "week": ("What do your days usually involve?", "Walk me through an ordinary week.",
             "How is your time split between tasks?", "What does a normal workday look like?"),
    "tools": ("Which software do you rely on?", "What tools or systems do you use every day?",
              "Which programs should I get comfortable with?"),
    "skills": ("Which abilities matter most in this job?", "What skills make someone good at this?",
               "What training or qualifications count most?"),
    "pay": ("What do people typically earn in this field?", "What is the usual salary range for "
            "someone starting out?", "How does pay grow with experience?"),
    "culture": ("What is the team culture like?", "What do you enjoy and what frustrates you?",
                "How is the work-life balance?", "What are the best and worst parts of the job?"),
    "trends": ("How is the field changing?", "What will this work look like in five years?",
               "Which developments are reshaping the profession?"),
    "advice": ("What would you tell someone trying to break in?", "What should I do first?",
               "If you were starting again, what would you do differently?"),
    "referral": ("Who else should I speak with?", "Is there someone you would suggest I contact?"),
}
TOPIC_CUES: dict[str, re.Pattern[str]] = {
    "pay": re.compile(r"\b(salar\w*|pay|paid|earn\w*|compensation|wages?|money)\b", re.I),
    "tools": re.compile(r"\b(tools?|software|programs?|systems?|stack|languages?|excel|sql|python|"
                        r"apps?|platforms?|equipment)\b", re.I),
    "trends": re.compile(r"\b(trends?|future|chang\w*|heading|next (few|five|ten) years|evolv\w*|"
                         r"automation|ai)\b", re.I),
    "path": re.compile(r"\b(get into|got into|got started|start(ed)? out|your (path|route|background)|"
                       r"how did you (get|become|end up|start)|first job|did you study)\b", re.I),
    "week": re.compile(r"\b(typical (day|week)|day[- ]to[- ]day|average (day|week)|your (day|week)|"
                       r"daily|workday|schedule)\b", re.I),
    "culture": re.compile(r"\b(culture|team|colleagues|balance|hours|enjoy|like (most|least)|"
                          r"frustrat\w*|hardest|rewarding|stress\w*|environment)\b", re.I),
    "advice": re.compile(r"\b(advice|recommend|suggest|should i|would you (do|tell)|tips?|break in|"
                         r"first step|differently)\b", re.I),
    "skills": re.compile(r"\b(skills?|qualif\w*|certif\w*|degree|training|learn)\b", re.I),
}
CUE_BOOST = 0.15
# Embeddings barely tell "like most" from "like least"; these words settle which section answers.
HARD = re.compile(r"\b(least|hardest|worst|frustrat\w*|downsides?|challeng\w*|difficult|hard part|"
                  r"struggle|stress\w*|burn\w*)\b", re.I)
LIKED = re.compile(r"\b(enjoy\w*|favou?rite|rewarding|best part|like (the )?most|love about)\b", re.I)


def sections_for(topic: str, question: str) -> tuple[str, ...]:
    """The brief sections that answer a question of this topic, best first."""
    sections = TOPIC_SECTIONS.get(topic, ())
    if HARD.search(question):
        return ("What is hard", *(s for s in sections if s != "What is hard"))
    if LIKED.search(question):
        return ("What people like most", *(s for s in sections if s != "What people like most"))
    return sections


@dataclass
class TopicReader:
    """Topic of a question from the nearest example questions, nudged by cue words."""

    encoder: Any
    labels: list[str]
    vectors: np.ndarray

    @classmethod
    def build(cls, encoder: Any) -> TopicReader:
        labels = [t for t in TOPICS for _ in TOPIC_EXAMPLES[t]]
        texts = [q for t in TOPICS for q in TOPIC_EXAMPLES[t]]
        return cls(encoder, labels, encoder.encode(texts))

    def scores(self, question: str, vector: np.ndarray | None = None) -> dict[str, float]:
        if vector is None:
            vector = self.encoder.encode([question])[0]
        sims = self.vectors @ vector
        best = {t: max(float(s) for s, lab in zip(sims, self.labels, strict=True) if lab == t)
                for t in TOPICS}
        for topic, cue in TOPIC_CUES.items():
            if cue.search(question):
                best[topic] += CUE_BOOST
        return best

    def topic(self, question: str, vector: np.ndarray | None = None) -> str:
        scores = self.scores(question, vector)
        return max(scores, key=lambda t: scores[t])
