"""The leakage check on small synthetic inputs (copies are caught, different sentences pass), and on
the real datasets: no eval item is a near-copy of an exemplar, bank entry or brief."""

from __future__ import annotations

import json
from pathlib import Path

from evals.leakage import Text, dataset_items, fold, near_copies, source_texts


def pairs(items: list[str], sources: list[str]) -> list[tuple[str, str]]:
    found = near_copies([Text(f"i{n}", t) for n, t in enumerate(items)],
                        [Text(f"s{n}", t) for n, t in enumerate(sources)])
    return [(p.item.text, p.source.text) for p in found]


def test_folding_ignores_case_spacing_and_punctuation() -> None:
    assert fold("  Where's the   LIBRARY, please?! ") == ["where's", "the", "library", "please"]
    assert fold("Don’t") == ["don't"]


def test_a_verbatim_copy_is_caught_whatever_its_case_and_spacing() -> None:
    assert pairs(["WHICH  canoe club   do you paddle with?"], ["Which canoe club do you paddle with?"]) == [
        ("WHICH  canoe club   do you paddle with?", "Which canoe club do you paddle with?")]


def test_a_near_copy_is_caught_and_a_different_sentence_passes() -> None:
    source = "Which hiking trails near the coast would you take a beginner on?"
    near = "Which hiking trails near the coast would you take a total beginner on?"
    other = "How did the harbour museum choose its volunteers last spring?"
    assert pairs([near, other], [source]) == [(near, source)]


def test_same_words_in_another_order_count_as_a_copy() -> None:
    assert len(pairs(["the bakery opens at six daily"], ["daily the bakery opens at six"])) == 1


def test_short_items_and_sentences_of_very_different_length_are_not_compared() -> None:
    assert pairs(["Any pets?"], ["Any pets?"]) == []
    long = "what did the orchestra play at the winter concert in the old town hall last year"
    assert pairs(["what did the orchestra play"], [long]) == []


def test_template_slots_are_dropped_so_a_filled_copy_still_matches() -> None:
    found = pairs(["What first pulled you toward marine biology?"], ["What first pulled you toward {field}?"])
    assert len(found) == 1


def test_items_and_sources_are_read_from_records_and_sentences(tmp_path: Path) -> None:
    data = tmp_path / "datasets"
    (data / "notes").mkdir(parents=True)
    (data / "set.jsonl").write_text(
        json.dumps({"question": "Where do the ferries dock in winter?", "label": "ok",
                    "turns": ["Hello there, thanks for the time today.", "Bye now"]}) + "\n",
        encoding="utf-8")
    (data / "notes" / "a.txt").write_text("Heading:\n- First point about tides. Second one here too.\n",
                                          encoding="utf-8")
    items = [t.text for t in dataset_items(data)]
    assert items == ["Heading:", "First point about tides.", "Second one here too.",
                     "Where do the ferries dock in winter?", "Hello there, thanks for the time today.",
                     "Bye now"]
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "bank.jsonl").write_text(
        json.dumps({"text": "Where do ferries dock during the winter?", "cue": "\\bferr(y|ies)\\b"}) + "\n",
        encoding="utf-8")
    (knowledge / "guide.md").write_text("# Title\n\nOne sentence here. Another sentence there.\n",
                                        encoding="utf-8")
    sources = [t.text for t in source_texts([knowledge])]
    assert sources == ["Where do ferries dock during the winter?", "Title", "One sentence here.",
                       "Another sentence there."]
    found = near_copies(dataset_items(data), source_texts([knowledge]))
    assert [(p.item.where, p.source.where) for p in found] == [
        ("set.jsonl:1 question", "knowledge/bank.jsonl:1")]


def test_no_eval_item_is_a_near_copy_of_what_the_system_is_built_from() -> None:
    from evals.leakage import check

    items, sources, copied = check()
    assert items and sources
    assert copied == []
