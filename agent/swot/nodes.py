"""Nodes of the SWOT graph: split → classify → extract items → compare sources → summarise → finish.

Every item is built from sentences of the notes, so its evidence is exact by construction. The
model is asked for one thing only, a summary line per quadrant, and a line survives only when all
its content words come from that quadrant's evidence; otherwise there is simply no summary.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, create_model

import prompts
from agent.classify import note_cues as rules
from agent.classify.note_sentences import classify_vectors
from agent.deps import Deps
from agent.errors import InputError, ModelError
from agent.swot.merge import STOP, clean_text, find_conflicts, merge_labelled
from agent.swot.state import (
    QUADRANT_KEYS,
    Ignored,
    Labelled,
    SuggestedContact,
    SwotItem,
    SwotReport,
    SwotState,
    default_summarise,
)
from agent.text.injection import instruction_reason
from agent.text.notes import parse_note
from agent.text.words import stem, word_count, words
from agent.workflow import NodeRuntime, emit

GAP_COVERED = 0.5
SUMMARY_MAX_ITEMS = 6
SUMMARY_MAX_CHARS = 220
SUMMARY_WORDS = (3, 24)
SUMMARY_FUNCTION_WORDS = set(
    "both several two three main key some most also while yet however overall mixed need needs "
    "needed".split()
)

MAX_SENTENCES = 1500


def summary_problems(line: str, evidence: list[str]) -> list[str]:
    """Why a model-worded summary cannot be shown; empty when it is grounded in the evidence."""
    problems = []
    n = word_count(line)
    if not SUMMARY_WORDS[0] <= n <= SUMMARY_WORDS[1]:
        problems.append(f"{n} words")
    if instruction_reason(line):
        problems.append("reads like an instruction")
    allowed = {stem(w.lower()) for s in evidence for w in words(s)}
    foreign = [w for w in words(line)
               if w.lower() not in STOP and w.lower() not in SUMMARY_FUNCTION_WORDS
               and stem(w.lower()) not in allowed]
    if foreign:
        problems.append("words not in the notes: " + ", ".join(sorted(set(foreign))[:5]))
    return problems


def summary_schema(keys: list[str]) -> type[BaseModel]:
    """One required string per quadrant. No maxLength: llama.cpp turns it into a grammar that is
    slow to apply, and the validator bounds the length anyway."""
    fields: dict[str, Any] = {
        key: (str, Field(..., description=f"One short line on the {key}")) for key in keys
    }
    return create_model("SwotSummaries", **fields)


def split_notes(state: SwotState) -> dict[str, Any]:
    sentences, ignored = [], []
    for note in state["request"].notes:
        kept = 0
        for sentence in parse_note(note.text, note.source):
            reason = instruction_reason(sentence.text)
            if reason:
                ignored.append(Ignored(text=sentence.text, source=note.source, reason=reason))
            else:
                sentences.append(sentence)
                kept += 1
        if not kept:
            raise InputError(f"{note.source} holds no sentences to analyse")
    if len(sentences) > MAX_SENTENCES:
        raise InputError(f"the notes hold {len(sentences)} sentences; the limit is {MAX_SENTENCES}")
    emit({"stage": "split", "sentences": len(sentences), "ignored": len(ignored)})
    return {"sentences": sentences, "ignored": ignored}


def classify_notes(state: SwotState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    sentences = state["sentences"]
    texts = [s.text for s in sentences]
    vectors = deps.encoder.encode(texts)
    labels = classify_vectors(deps, texts, vectors)
    labelled = [Labelled(s, label, conf, vec)
                for s, (label, conf), vec in zip(sentences, labels, vectors, strict=True)]
    emit({"stage": "classified", "sentences": len(labelled)})
    return {"labelled": labelled}


def extract_items(state: SwotState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    labelled = state["labelled"]
    items: dict[str, list[SwotItem]] = {}
    step_vectors = []
    for label, key in QUADRANT_KEYS.items():
        merged = merge_labelled(labelled, label)
        items[key] = [item for item, _ in merged]
        if label == "next_step":
            step_vectors = [vec for _, vec in merged]
    contacts = _suggested_contacts(labelled)
    items["next_steps"] += [
        SwotItem(text=f"Reach out to {c.name}.", evidence=list(c.evidence),
                 sources=list(c.sources), kind="referral", confidence=0.9)
        for c in contacts
    ]
    items["next_steps"] += _gap_steps(deps, labelled, step_vectors)
    return {"items": items, "contacts": contacts}


def _gap_steps(deps: Deps, labelled: list[Labelled], step_vectors: list[Any]) -> list[SwotItem]:
    gaps: list[tuple[Labelled, str]] = []
    for entry in labelled:
        gap = rules.skill_gap(entry.sentence.text) if entry.label == "weakness" else None
        if gap:
            gaps.append((entry, gap))
    if not gaps:
        return []
    gap_vectors = deps.encoder.encode([g for _, g in gaps])
    steps: list[SwotItem] = []
    seen: set[str] = set()
    for (entry, gap), vector in zip(gaps, gap_vectors, strict=True):
        covered = max((float(vector @ v) for v in step_vectors), default=0.0)
        if covered >= GAP_COVERED or gap.lower() in seen:
            continue
        seen.add(gap.lower())
        steps.append(SwotItem(text=f"Plan how to get: {gap}.", evidence=[entry.sentence.text],
                              sources=[entry.sentence.source], kind="skill_gap",
                              confidence=round(entry.confidence, 3)))
    return steps


def compare_sources(state: SwotState) -> dict[str, Any]:
    if len({n.source for n in state["request"].notes}) < 2:
        return {"conflicts": []}
    conflicts = find_conflicts(state["labelled"])
    emit({"stage": "compared", "conflicts": len(conflicts)})
    return {"conflicts": conflicts}


def summarise_quadrants(state: SwotState, runtime: NodeRuntime) -> dict[str, Any]:
    deps = runtime.context.deps
    wanted_by_user = state["request"].summarise
    if not (default_summarise(deps.settings) if wanted_by_user is None else wanted_by_user):
        return {"summaries": {}}
    least = 1 if deps.settings.capable_model else 2
    wanted = ["strengths", "weaknesses", "opportunities", "threats"]
    if deps.settings.capable_model:
        wanted.append("next_steps")
    evidence = {key: [s for item in state["items"][key] for s in item.evidence]
                for key in wanted if len(state["items"][key]) >= least}
    if not evidence:
        return {"summaries": {}}
    emit({"stage": "summarising", "quadrants": list(evidence)})
    sections = "\n".join(
        f'<section name="{key}">\n'
        + "\n".join(f"- {s[:SUMMARY_MAX_CHARS]}" for s in lines[:SUMMARY_MAX_ITEMS])
        + "\n</section>"
        for key, lines in evidence.items()
    )
    messages = prompts.load("swot_summary").messages(sections=sections, keys=", ".join(evidence))
    try:
        answer = deps.llm.structured(messages, summary_schema(list(evidence)),
                                     max_tokens=40 * len(evidence) + 20)
    except ModelError:
        return {"summaries": {}}
    summaries = {}
    for key, lines in evidence.items():
        line = re.sub(r"\s+", " ", str(getattr(answer, key, "") or "")).strip()
        if line and not summary_problems(line, lines):
            summaries[key] = clean_text(line)
    return {"summaries": summaries}


def finish(state: SwotState) -> dict[str, Any]:
    items = state["items"]
    report = SwotReport(
        **{key: items.get(key, []) for key in QUADRANT_KEYS.values()},
        conflicts=state.get("conflicts", []),
        suggested_contacts=state.get("contacts", []),
        ignored=state.get("ignored", []),
        summaries=state.get("summaries", {}),
        sources=[n.source for n in state["request"].notes],
    )
    return {"report": report}


def _suggested_contacts(labelled: list[Labelled]) -> list[SuggestedContact]:
    """Every person the notes say to contact, once, with the sentences that name them."""
    found: dict[str, SuggestedContact] = {}
    for entry in labelled:
        for name in rules.referral_names(entry.sentence.text, entry.sentence.heading):
            key = name.lower()
            if key not in found:
                found[key] = SuggestedContact(name=name, source=entry.sentence.source,
                                              evidence=[entry.sentence.text],
                                              sources=[entry.sentence.source])
            elif entry.sentence.text not in found[key].evidence:
                found[key].evidence.append(entry.sentence.text)
                found[key].sources.append(entry.sentence.source)
    return list(found.values())
