"""Abuse 8: property-based fuzzing (hypothesis) of the text layer and the parsers: any Unicode in,
no exception out; folding is idempotent; sentences are verbatim; exports reopen to the same rows;
a partly streamed JSON string only ever grows towards its final value."""

from __future__ import annotations

import csv
import io
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from agent.classify.screen_decide import LABELS, decide
from agent.classify.screen_rules import CATEGORIES
from agent.contacts.export import COLUMNS, rows_for_export, safe_cell, to_csv, to_markdown
from agent.errors import InputError, ModelError
from agent.ingest.chunking import chunk_document
from agent.llm import parse_structured
from agent.text.injection import instruction_reason, sanitise_document
from agent.text.notes import parse_note
from agent.text.partial_json import partial_string_field
from agent.text.words import fold, normalise, sentences, words

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)  # every code point but surrogates
ANY = st.text(max_size=400)  # surrogates too: what a broken decoder or a hostile client can send
# `make test` runs the short counts; `evals.robustness --only fuzz` sets COACH_FUZZ_SCALE for the
# full run (e.g. 20: 6,000 examples per text property).
SCALE = max(1, int(os.environ.get("COACH_FUZZ_SCALE", "1") or 1))
FAST = settings(max_examples=300 * SCALE, deadline=None)


@FAST
@given(ANY)
def test_folding_never_fails_and_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert normalise(normalise(text)) == normalise(text)
    words(text)
    instruction_reason(text)


@FAST
@given(TEXT)
def test_sentences_are_verbatim_pieces_of_the_notes(text: str) -> None:
    for sentence in parse_note(text):
        assert sentence.text and sentence.text in text
    for piece in sentences(text):
        assert piece.strip() == piece and piece


@FAST
@given(TEXT)
def test_sanitising_a_document_keeps_only_its_own_text(text: str) -> None:
    clean, dropped = sanitise_document(text)
    assert all(instruction_reason(line) is None or not line.strip() for line in clean.splitlines()
               if "<!--" not in line)
    assert len(clean) <= len(text) + text.count("\n") + 1


@settings(max_examples=150 * SCALE, deadline=None)
@given(TEXT, st.booleans())
def test_chunking_any_text(text: str, plain: bool) -> None:
    chunks = chunk_document(text, "fuzz.md", plain_text=plain)
    for chunk in chunks:
        assert chunk.text.strip() and len(chunk.id) == 32
    assert len({c.id for c in chunks}) == len(chunks) or len(chunks) > len({c.text for c in chunks}) - 1


@FAST
@given(st.lists(st.floats(0, 1), min_size=len(LABELS), max_size=len(LABELS)),
       st.lists(st.floats(0, 1), min_size=len(LABELS), max_size=len(LABELS)),
       st.floats(-1, 1), st.lists(st.sampled_from(CATEGORIES), max_size=2), st.booleans(),
       st.sets(st.sampled_from(CATEGORIES), max_size=2), st.sets(st.sampled_from(CATEGORIES), max_size=2))
def test_the_screening_decision_is_always_a_valid_verdict(probs, votes, nearest, cues, allowed,  # type: ignore[no-untyped-def]
                                                          vetoed, softened) -> None:
    p = np.asarray(probs, dtype=np.float64)
    v = np.asarray(votes, dtype=np.float64)
    assume(p.sum() > 0 and v.sum() > 0)
    decision = decide(p / p.sum(), v / v.sum(), nearest, list(cues), allowed,
                      frozenset(vetoed), softened=frozenset(softened))
    assert decision.verdict in ("ok", "flag", "review")
    assert (decision.category is None) == (decision.verdict == "ok")
    assert 0.0 <= decision.confidence <= 1.0 + 1e-9
    if cues:
        assert decision.verdict == "flag"


@pytest.fixture(scope="module")
def screen_deps(built_index, encoder):  # type: ignore[no-untyped-def]
    from agent.deps import Deps
    from tests.conftest import make_settings

    return Deps(make_settings(built_index), encoder_override=encoder)


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEXT, min_size=1, max_size=3))
def test_the_screen_on_any_unicode(screen_deps, questions: list[str]) -> None:  # type: ignore[no-untyped-def]
    from agent.classify.screen import screen_without_model

    try:
        results = screen_without_model(screen_deps, questions)
    except InputError:
        return  # empty or over-long: refused with one line, as designed
    assert len(results) == len(questions)
    for result in results:
        assert result.verdict in ("ok", "flag", "review")
        assert result.verdict == "ok" or result.reason


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60)


@FAST
@given(st.lists(st.fixed_dictionaries({key: CELL for key, _ in COLUMNS if key not in ("next_date",
                                                                                      "next_action")}),
                max_size=5))
def test_the_csv_export_reopens_to_the_same_rows(contacts: list[dict[str, str]]) -> None:
    text = to_csv(contacts)
    reopened = list(csv.reader(io.StringIO(text, newline="")))
    assert reopened[0] == [title for _, title in COLUMNS]
    expected = [[safe_cell(row[key]) for key, _ in COLUMNS] for row in rows_for_export(contacts)]
    assert reopened[1:] == expected
    for row in reopened[1:]:  # nothing a spreadsheet would run as a formula
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    markdown = to_markdown(contacts, "2025-05-12")
    assert markdown.count("\n") == (len(contacts) + 4 if contacts else 3)


class Sentence(BaseModel):
    sentence: str


@FAST
@given(TEXT)
def test_a_streamed_json_string_only_grows_towards_its_value(value: str) -> None:
    for ensure_ascii in (True, False):
        full = json.dumps({"sentence": value}, ensure_ascii=ensure_ascii)
        assert partial_string_field(full, "sentence") == value
        for cut in range(len(full) + 1):
            assert value.startswith(partial_string_field(full[:cut], "sentence"))
        assert parse_structured(full, Sentence).sentence == value


@FAST
@given(ANY, ANY)
def test_partial_json_and_parsing_never_fail_on_garbage(buffer: str, key: str) -> None:
    assert isinstance(partial_string_field(buffer, key), str)
    try:
        parse_structured(buffer, Sentence)
    except ModelError:
        pass
