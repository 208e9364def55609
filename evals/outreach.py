"""Outreach rubric over 30 scenarios on the real embedded model, scored by an independent rubric.

The rubric here is deliberately separate code from agent/outreach/rules.py (which the graph
repairs against), so a bug in a validator cannot grade its own homework. Also reports how often
the model's sentence survived validation, and time to first token / total per draft.
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

from agent.deps import Deps
from agent.outreach.graph import stream_outreach
from agent.outreach.state import OutreachRequest
from evals.common import eval_deps, load_jsonl, print_metrics

THRESHOLDS = {"rubric_pass_rate": (">=", 0.95), "job_word_leaks": ("<=", 0.0)}
BANNED = re.compile(r"\b(job|jobs|position|positions|opening|openings|hiring|hire|resume|résumé|cv|"
                    r"referral|vacancy|apply|application)\b", re.IGNORECASE)


def rubric(case: dict[str, Any], subject: str, body: str) -> dict[str, bool]:
    first_sentences = " ".join(re.split(r"(?<=[.!?])\s+", body)[:2]).lower()
    words = len(re.findall(r"\S+", body))
    name_tokens = case["contact_name"].split()
    greeting = name_tokens[-1] if name_tokens[0].rstrip(".").lower() in {"dr", "prof", "mr", "ms", "mrs"} \
        else name_tokens[0]
    # The connection's proper nouns (not its first word, which may be a capitalised verb).
    connection_words = [w for w in re.findall(r"[A-Za-zÀ-ÿ'-]+", case.get("connection") or "")[1:]
                        if w[0].isupper()]
    result = {
        "short": words < 100 if case["channel"] == "email" else len(body) <= 300,
        "no_job_words": not BANNED.search(subject + " " + body),
        "time_ask": bool(re.search(r"\b(1[0-9]|2[0-9]|30)\s*(-|–)?\s*minutes?\b", body)),
        "names_contact": greeting.lower() in body.lower(),
        "connection_early": all(w.lower() in first_sentences for w in connection_words[:3]),
        "subject": bool(subject.strip()) if case["channel"] == "email" else True,
        "no_attachment": "attach" not in body.lower(),
    }
    return result


def run(deps: Deps) -> dict[str, float]:
    cases = load_jsonl("outreach_scenarios.jsonl")
    passed = leaks = model_used = 0
    per_rule: dict[str, int] = {}
    ttft: list[float] = []
    totals: list[float] = []
    for case in cases:
        request = OutreachRequest(
            contact_name=case["contact_name"], contact_role=case["contact_role"],
            company=case.get("company"), connection=case.get("connection"),
            about_me=case.get("about_me"), goal=case.get("goal"), channel=case["channel"],
        )
        start = time.perf_counter()
        first = None
        draft = None
        for event in stream_outreach(deps, request):
            if "draft" in event:
                draft = event["draft"]
            elif first is None:
                first = time.perf_counter() - start
        totals.append(time.perf_counter() - start)
        ttft.append(first if first is not None else totals[-1])
        assert draft is not None
        scores = rubric(case, draft.subject, draft.body)
        for rule, ok in scores.items():
            per_rule[rule] = per_rule.get(rule, 0) + ok
        passed += all(scores.values())
        leaks += not scores["no_job_words"]
        model_used += draft.phrasing.get("interest") == "model" or draft.phrasing.get("body") == "model"
    n = len(cases)
    metrics: dict[str, float] = {
        "rubric_pass_rate": passed / n,
        "job_word_leaks": float(leaks),
        "model_text_accepted_rate": model_used / n,
        "ttft_median_s": statistics.median(ttft),
        "total_median_s": statistics.median(totals),
        "total_max_s": max(totals),
    }
    metrics.update({f"rule_{k}": v / n for k, v in per_rule.items()})
    return metrics


if __name__ == "__main__":
    deps = eval_deps()
    try:
        print_metrics("outreach", run(deps))
    finally:
        deps.close()
