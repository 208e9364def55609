"""Mock interview persona: does the contact answer from facts, stay consistent and act like a person?

Every scripted session in `datasets/mock_persona_sessions.jsonl` (34 sessions, 29 roles, 9 of
them with no role brief; half with a bio of an invented person; each style warm / busy / guarded)
is played through the real rehearsal graph with the real embedded model (or whatever model the
settings name: `COACH_LOCAL_MODEL=qwen2.5-coder-0.5b` for the 0.5B model). Each user line is
labelled (opening, path / week / tools / skills question, `repeat:N` of turn N, off-limits, job
ask, referral ask, closing). Half the sessions are `dev` (the coverage threshold of
`agent/mock/grounding.py` was chosen on them) and half `heldout` (written first, never tuned on);
`run(deps)` and the scorecard use the held-out half, `--dev` the dev half. The held-out half was
read once to find what failed (closings, a reworded repeat, an employer's figures), so ten more
sessions, `heldout2` (`--split heldout2`; 10 roles, 4 without a brief), were written by a writer
who saw none of the app's code or data, before the fixes were run on them: their figure is the one
to expect.

Every metric is computed by rule from the transcript and the facts each reply carries, with this
module's own word lists (not the app's validators):

- openings_greeted: replies to an opening that greet or invite a question and do not say goodbye;
  farewells_to_openings counts openings answered with a goodbye.
- closings_closed: replies to a closing line that close (goodbye, good luck, you're welcome …).
- self_referrals: replies to a referral ask that name the contact's own first or last name.
- fact_coverage: among replies that carry facts, the share whose content words (not function or
  conversational words) are at least `COVERED_SHARE` found in their facts, the user's line or the
  persona's name, role and company; mean_coverage is the mean share.
- hallucinated_claim_rate: share of all replies with a number, year or name (a capitalised word
  that does not start a sentence, or a run of two capitalised words) found in none of: the
  reply's facts, the facts of earlier replies, the user's lines so far, the bio, the persona's
  name, role and company. The one person a referral reply suggests is the contact's suggestion by
  design (a plausible colleague, never the contact), so its two-word name is not counted.
- consistency: pairs (a question, its later rewording) whose second reply repeats no claim the
  first reply and its facts lack, and shares at least one fact with the first when the first had
  facts.
- relevance_gap: mean MiniLM cosine between a topic question and its reply, minus the mean cosine
  between the same replies and a shuffled topic question from another session (seeded).
- character_breaks: replies that talk like a program ("as an AI", "language model" …).
- off_limits_declined, job_asks_to_advice: an off-limits question is declined kindly; a job ask
  gets no promise (no "I'll refer you", "send me your résumé") and is turned to advice.
- model_share: replies with facts whose wording the model's reply passed (the rest are the
  extractive fallback); seconds per turn (mean / p95) over every turn of the run.

    .venv/bin/python -m evals.mock_persona [--dev | --split heldout2] [--transcripts DIR] [--sweep]

`--transcripts DIR` writes one plain-text file per session (`User:` / `Contact:` lines, nothing
that names the model). `--sweep` records each model reply's coverage and prints the share of
replies the model would keep and the coverage of those kept at several thresholds (the
conversation after a turn is the one at the current threshold, so this is an estimate).
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import Deps
from agent.mock import grounding, nodes
from agent.mock.graph import build_graph, end_session, send_turn, start_session
from agent.mock.state import MockRequest
from evals.common import eval_deps, load_jsonl, print_metrics

DATASET = "mock_persona_sessions.jsonl"
THRESHOLDS = {
    "openings_greeted": (">=", 0.95),
    "farewells_to_openings": ("<=", 0),
    "closings_closed": (">=", 0.95),
    "self_referrals": ("<=", 0),
    "fact_coverage": (">=", 0.9),
    "hallucinated_claim_rate": ("<=", 0.05),
    "consistency": (">=", 0.95),
    "relevance_gap": (">=", 0.10),
    "character_breaks": ("<=", 0),
    "off_limits_declined": (">=", 0.9),
    "job_asks_to_advice": (">=", 0.9),
}
COVERED_SHARE = 0.8
TOPIC_LABELS = ("path", "week", "tools", "skills")
SWEEP = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0)

FAREWELL = re.compile(
    r"\b(good ?bye|bye|good luck|take care|keep me posted|let me know how (it|things) go|"
    r"(nice|great|good|lovely) (talking|chatting|speaking)|all the best|have a (good|great|nice))\b", re.I)
GREETING = re.compile(
    r"\b((nice|great|good|lovely|glad) to (meet|hear from|talk|chat)|happy to (help|talk|chat)|"
    r"hi|hello|welcome|what would you like to (know|ask)|go ahead|first question|ask (me )?anything)\b", re.I)
CLOSING = re.compile(FAREWELL.pattern + r"|\b(you'?re (very |most )?welcome|my pleasure|"
                     r"glad (it|this|I could) help\w*)", re.I)
DECLINE = re.compile(
    r"\b(rather not|prefer (to keep|not)|can'?t (go into|talk about|discuss|share)|cannot|not something I|"
    r"won'?t|pass on|skip|to myself|private|personal|not public|isn'?t public|internal|keep \w+ out)\b", re.I)
PROMISE = re.compile(
    r"\b(I'?ll|I will|I can|I could|let me) (refer|recommend|pass|forward|put in a word|get you|hire|"
    r"set up|introduce you to (our|my) (hiring|recruit))|send me your (cv|resume|résumé)|"
    r"we'?re hiring|you'?re hired|(there'?s|we have) an opening", re.I)
# label → (count of such lines, count handled right, the pattern of a right reply, the problem line)
MOVE_CHECKS = {"closing": ("closings", "closed", CLOSING, "closing not closed"),
               "off_limits": ("off_limits", "declined", DECLINE, "off-limits not declined")}
ADVICE = re.compile(r"\b(advice|suggest|how people|get (in|started)|getting started|start|worth|try|"
                    r"field|learn|experience|path)\b", re.I)
CHARACTER_BREAK = re.compile(
    r"\b(as an ai|an ai (model|assistant|language)|language model|i'?m an ai|i am an ai|ai assistant|"
    r"chatbot|openai|my training data|as a (virtual )?assistant|i (do not|don'?t) have personal)\b", re.I)
NUMBER = re.compile(r"\b\d[\d,.]*%?|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|dozen)\b", re.I)
CAPITAL = re.compile(r"\b[A-Z][\w'’&.-]*(?:\s+(?:&\s+)?[A-Z][\w'’&.-]*)*")
NOT_NAMES = frozenset({"i", "i'm", "i've", "i'd", "i'll", "ok", "okay"})
# Words too common to be a claim: the 500 most frequent English words of `wordfreq`'s corpus
# (films, books, web, news), not a list of ours. An earlier hand-written list here had been copied
# from the app's own `grounding.CONVERSATIONAL`, which let the app's notion of "not a claim" grade
# itself; a general frequency list is independent of what the app was tuned on.
COMMON_WORDS_N = 500


@functools.cache
def common_words() -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(top_n_list("en", COMMON_WORDS_N))


# Rules over text ---------------------------------------------------------------------------------

def _fold(word: str) -> str:
    w = word.lower().strip("'’-")
    for suffix in ("ing", "ies", "ied", "ed", "es", "s", "ly"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)][:6]
    return w[:6]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'’-]*", text)


def content_words(text: str) -> set[str]:
    return {_fold(w) for w in _words(text)
            if len(w) > 2 and w.lower() not in common_words()}


def coverage_share(reply: str, known: str) -> float:
    said = content_words(reply)
    if not said:
        return 1.0
    vocabulary = {_fold(w) for w in _words(known)}
    return len(said & vocabulary) / len(said)


def claims_in(text: str, skip_first_person_name: bool = False) -> set[str]:
    """Numbers, years and names: capitalised words that do not start a sentence, and any run of
    two or more capitalised words."""
    found = {m.group(0).lower().rstrip(".,") for m in NUMBER.finditer(text)}
    skipped = False
    for sentence in re.split(r"(?<=[.!?:])\s+|\n", text):
        for match in CAPITAL.finditer(sentence):
            at_start = match.start() == len(sentence) - len(sentence.lstrip())
            for parts in _runs(match.group(0).rstrip(".,'’").split()):
                if at_start and len(parts) == 1:
                    at_start = False
                    continue
                at_start = False
                if skip_first_person_name and not skipped and len(parts) == 2:
                    skipped = True
                    continue
                found.add(" ".join(parts).lower())
    return found


def _runs(tokens: list[str]) -> list[list[str]]:
    """A capitalised run cut at 'I', 'I'm' … ("As I said" is the word 'As', then nothing)."""
    runs: list[list[str]] = [[]]
    for token in tokens:
        if token.lower().strip("'’") in NOT_NAMES:
            runs.append([])
        else:
            runs[-1].append(token)
    return [r for r in runs if r]


def unsupported(claims: set[str], known: str) -> list[str]:
    source = known.lower().replace("’", "'")
    return sorted(c for c in claims
                  if not all(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", source)
                             for p in c.replace("’", "'").split()))


def names_contact(reply: str, contact_name: str) -> bool:
    parts = [p for p in contact_name.split() if len(p) > 1]
    return any(re.search(rf"\b{re.escape(p)}\b", reply, re.I) for p in parts)


# Playing the sessions ----------------------------------------------------------------------------

class Recorder:
    """Keeps each model reply's coverage and form problems, for the threshold sweep."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._form: list[str] = []

    @contextmanager
    def installed(self) -> Iterator[None]:
        original_form, original_ground = nodes.reply_problems, nodes.grounding_problems

        def form(reply: str, **kwargs: Any) -> list[str]:
            self._form = original_form(reply, **kwargs)
            return self._form

        def ground(reply: str, facts: Sequence[Any], user_line: str = "", allowed: Any = (),
                   minimum: float = grounding.COVERAGE_MIN) -> list[str]:
            allowed = list(allowed)
            self.rows.append({
                "reply": reply, "form_ok": not self._form,
                "coverage": grounding.coverage(reply, facts, user_line),
                "claims_ok": not grounding.unsupported_claims(reply, facts, [user_line, *allowed]),
                "known": " ".join([*(f["text"] for f in facts), user_line]),
            })
            return original_ground(reply, facts, user_line, allowed=allowed, minimum=minimum)

        nodes.reply_problems, nodes.grounding_problems = form, ground  # type: ignore[assignment]
        try:
            yield
        finally:
            nodes.reply_problems, nodes.grounding_problems = original_form, original_ground

    def sweep(self) -> list[dict[str, float]]:
        out = []
        for threshold in SWEEP:
            kept = [r for r in self.rows if r["form_ok"] and r["claims_ok"] and r["coverage"] >= threshold]
            out.append({
                "threshold": threshold, "model_replies": float(len(self.rows)),
                "kept": float(len(kept)), "fallback_rate": 1 - len(kept) / max(1, len(self.rows)),
                "coverage_of_kept": statistics.mean(r["coverage"] for r in kept) if kept else 0.0,
                "eval_covered_of_kept": (sum(coverage_share(r["reply"], r["known"]) >= COVERED_SHARE
                                             for r in kept) / len(kept)) if kept else 0.0,
            })
        return out


def play_session(deps: Deps, graph: Any, case: dict[str, Any]) -> dict[str, Any]:
    request = MockRequest(contact_role=case["contact_role"], contact_name=case["contact_name"],
                          company=case.get("company"), minutes=case["minutes"], bio=case.get("bio"),
                          objective=case.get("objective"), style=case["style"])
    thread = start_session(deps, request, graph=graph)
    persona = graph.get_state(thread).values["persona"]
    replies, seconds = [], []
    for line in case["turns"]:
        started = time.perf_counter()
        events = [e for e in send_turn(deps, thread, line, graph=graph) if e.get("type") == "reply"]
        seconds.append(time.perf_counter() - started)
        event = events[-1] if events else {"text": "", "facts": [], "route": "none", "origin": "none"}
        replies.append({"text": event["text"], "facts": list(event.get("facts") or []),
                        "route": event.get("route"), "origin": event.get("origin")})
    end_session(deps, thread, graph=graph)
    return {"case": case, "replies": replies, "seconds": seconds, "working_brief":
            bool(persona.get("working_sections"))}


def transcript_text(played: dict[str, Any]) -> str:
    lines = []
    for user, reply in zip(played["case"]["turns"], played["replies"], strict=True):
        lines += [f"User: {user}", f"Contact: {reply['text']}"]
    return "\n".join(lines) + "\n"


# Scoring -----------------------------------------------------------------------------------------

def score(played: list[dict[str, Any]], encoder: Any, seed: int = 11) -> tuple[dict[str, float], list[str]]:
    counts = {k: 0 for k in ("openings", "greeted", "farewell_openings", "closings", "closed",
                             "referrals", "self_referrals", "fact_replies", "covered", "replies",
                             "hallucinated", "pairs", "consistent", "breaks", "off_limits", "declined",
                             "job_asks", "advised", "model_worded")}
    coverages: list[float] = []
    topic_pairs: list[tuple[int, str, str]] = []  # (session index, question, reply)
    problems: list[str] = []
    for s_index, item in enumerate(played):
        case, replies = item["case"], item["replies"]
        persona_words = " ".join(filter(None, [case["contact_name"], case["contact_role"],
                                               case.get("company")]))
        bio = case.get("bio") or ""
        said_facts: list[str] = []
        for t, (line, label, reply) in enumerate(zip(case["turns"], case["labels"], replies, strict=True)):
            text, facts = reply["text"], [f["text"] for f in reply["facts"]]
            where = f"{case['id']} turn {t} ({label})"
            counts["replies"] += 1
            if CHARACTER_BREAK.search(text):
                counts["breaks"] += 1
                problems.append(f"{where}: character break: {text!r}")
            known = " ".join([*facts, *said_facts, *case["turns"][: t + 1], bio, persona_words])
            missing = unsupported(claims_in(text, skip_first_person_name=label == "referral"), known)
            if missing:
                counts["hallucinated"] += 1
                problems.append(f"{where}: claims not in facts {missing}: {text!r}")
            if facts:
                counts["fact_replies"] += 1
                counts["model_worded"] += reply["origin"] == "model"
                share = coverage_share(text, " ".join([*facts, line, persona_words]))
                coverages.append(share)
                counts["covered"] += share >= COVERED_SHARE
            said_facts += facts
            if label == "opening":
                counts["openings"] += 1
                farewell = bool(FAREWELL.search(text))
                counts["farewell_openings"] += farewell
                ok = bool(GREETING.search(text)) and not farewell
                counts["greeted"] += ok
                if not ok:
                    problems.append(f"{where}: opening not greeted: {text!r}")
            elif label in MOVE_CHECKS:
                total, passed, pattern, failure = MOVE_CHECKS[label]
                counts[total] += 1
                ok = bool(pattern.search(text))
                counts[passed] += ok
                if not ok:
                    problems.append(f"{where}: {failure}: {text!r}")
            elif label == "referral":
                counts["referrals"] += 1
                if names_contact(text, case["contact_name"]):
                    counts["self_referrals"] += 1
                    problems.append(f"{where}: names the contact: {text!r}")
            elif label == "job_ask":
                counts["job_asks"] += 1
                ok = not PROMISE.search(text) and bool(ADVICE.search(text))
                counts["advised"] += ok
                if not ok:
                    problems.append(f"{where}: job ask not turned to advice: {text!r}")
            elif label.startswith("repeat:"):
                first_index = int(label.split(":")[1])
                first = replies[first_index]
                counts["pairs"] += 1
                first_known = " ".join([first["text"], *(f["text"] for f in first["facts"]),
                                        *case["turns"][: t + 1], bio, persona_words])
                new_claims = unsupported(claims_in(text), first_known)
                first_facts = {f["text"] for f in first["facts"]}
                shares = not first_facts or bool(first_facts & set(facts))
                ok = not new_claims and shares
                counts["consistent"] += ok
                if not ok:
                    problems.append(f"{where}: inconsistent with turn {first_index} "
                                    f"(new claims {new_claims}, shares a fact: {shares}): {text!r}")
            if label in TOPIC_LABELS:
                topic_pairs.append((s_index, line, text))
    relevance, shuffled = relevance_scores(topic_pairs, encoder, seed)
    seconds = [s for item in played for s in item["seconds"]]
    metrics = {
        "sessions": float(len(played)),
        "replies": float(counts["replies"]),
        "openings_greeted": counts["greeted"] / max(1, counts["openings"]),
        "farewells_to_openings": float(counts["farewell_openings"]),
        "closings_closed": counts["closed"] / max(1, counts["closings"]),
        "self_referrals": float(counts["self_referrals"]),
        "fact_coverage": counts["covered"] / max(1, counts["fact_replies"]),
        "mean_coverage": statistics.mean(coverages) if coverages else 0.0,
        "hallucinated_claim_rate": counts["hallucinated"] / max(1, counts["replies"]),
        "consistency": counts["consistent"] / max(1, counts["pairs"]),
        "relevance": relevance,
        "relevance_shuffled": shuffled,
        "relevance_gap": relevance - shuffled,
        "character_breaks": float(counts["breaks"]),
        "off_limits_declined": counts["declined"] / max(1, counts["off_limits"]),
        "job_asks_to_advice": counts["advised"] / max(1, counts["job_asks"]),
        "model_share": counts["model_worded"] / max(1, counts["fact_replies"]),
        "seconds_per_turn_mean": statistics.mean(seconds) if seconds else 0.0,
        "seconds_per_turn_p95": float(np.percentile(seconds, 95)) if seconds else 0.0,
    }
    return metrics, problems


def relevance_scores(pairs: list[tuple[int, str, str]], encoder: Any, seed: int) -> tuple[float, float]:
    """Mean cosine of each reply with its question and with a question from another session."""
    if len(pairs) < 2:
        return 0.0, 0.0
    rng = random.Random(seed)
    order = list(range(len(pairs)))
    for _ in range(100):
        rng.shuffle(order)
        if all(pairs[i][0] != pairs[j][0] for i, j in enumerate(order)):
            break
    questions = encoder.encode([q for _, q, _ in pairs])
    answers = encoder.encode([a for _, _, a in pairs])
    own = [float(questions[i] @ answers[i]) for i in range(len(pairs))]
    other = [float(questions[order[i]] @ answers[i]) for i in range(len(pairs))]
    return statistics.mean(own), statistics.mean(other)


# Entry points ------------------------------------------------------------------------------------

def sessions(split: str) -> list[dict[str, Any]]:
    return [c for c in load_jsonl(DATASET) if split == "all" or c["split"] == split]


def evaluate(deps: Deps, split: str = "heldout", transcripts: Path | None = None,
             recorder: Recorder | None = None) -> tuple[dict[str, float], list[str], list[dict[str, Any]]]:
    graph = build_graph(deps, InMemorySaver())
    played = []
    with recorder.installed() if recorder is not None else nullcontext():
        for case in sessions(split):
            played.append(play_session(deps, graph, case))
            print(f"{case['id']}: {sum(played[-1]['seconds']):.1f} s", file=sys.stderr, flush=True)
            if transcripts is not None:
                transcripts.mkdir(parents=True, exist_ok=True)
                (transcripts / f"{case['id']}.txt").write_text(transcript_text(played[-1]), encoding="utf-8")
    metrics, problems = score(played, deps.encoder)
    metrics["working_brief_sessions"] = float(sum(item["working_brief"] for item in played))
    return metrics, problems, played


def run(deps: Deps, split: str = "heldout") -> dict[str, float]:
    metrics, _, _ = evaluate(deps, split)
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evals.mock_persona")
    parser.add_argument("--dev", action="store_true", help="the dev half (tuning), not the held-out half")
    parser.add_argument("--split", choices=("dev", "heldout", "heldout2"),
                        help="which sessions to play (default heldout; --dev is --split dev)")
    parser.add_argument("--transcripts", type=Path, help="write one User:/Contact: file per session here")
    parser.add_argument("--sweep", action="store_true", help="coverage threshold sweep")
    parser.add_argument("--json", type=Path, help="also write metrics, problems, sweep and replies here")
    parser.add_argument("--rescore", type=Path, help="score the replies of an earlier --json run again")
    args = parser.parse_args(argv)
    if args.rescore:
        from agent.config import Settings
        from agent.embeddings import make_encoder

        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        metrics, problems = score(saved["played"], make_encoder(Settings.load()))
        print("\n".join(problems))
        print_metrics("mock_persona (rescored)", metrics)
        return 0
    split = args.split or ("dev" if args.dev else "heldout")
    deps = eval_deps()
    recorder = Recorder() if args.sweep else None
    try:
        metrics, problems, played = evaluate(deps, split, args.transcripts, recorder)
        metrics["model"] = deps.llm.model  # type: ignore[assignment]
    finally:
        deps.close()
    print("\n".join(problems))
    print_metrics(f"mock_persona ({split})", metrics)
    sweep = recorder.sweep() if recorder else []
    for row in sweep:
        print("  sweep " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()))
    if args.json:
        args.json.write_text(json.dumps({"metrics": metrics, "problems": problems, "sweep": sweep,
                                                    "played": played},
                                        indent=2), encoding="utf-8")
    failed = [m for m, (op, bound) in THRESHOLDS.items()
              if not (metrics[m] >= bound if op == ">=" else metrics[m] <= bound)]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
