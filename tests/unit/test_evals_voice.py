"""The voice eval's arithmetic on known inputs: normalisation, word error rate, filler tallies."""

from __future__ import annotations

from evals.voice import edit_distance, filler_figures, normalise, wer


def test_normalisation_forgives_form_not_words() -> None:
    assert normalise("Um, I'm practising—no: I'd PRACTISE it, uh, well-known?") == \
        ["i", "am", "practising", "no", "i", "would", "practice", "it", "well", "known"]


def test_word_error_rate_counts_substitutions_insertions_and_deletions() -> None:
    assert edit_distance("a b c d".split(), "a x c d e".split()) == 2
    assert wer([("What does a week look like?", "what does the week look like"),
                ("Thanks so much.", "Thanks so much")]) == round(1 / 9, 4)
    assert wer([]) is None


def test_fillers_kept_are_capped_by_what_was_said_and_extras_counted() -> None:
    rows = [{"item": {"fillers": {"um": 1, "like": 1}}, "fillers_prompt": {"um": 2}},
            {"item": {"fillers": {"you know": 1}}, "fillers_prompt": {"you know": 1, "uh": 1}}]
    figures = filler_figures(rows, "prompt")
    assert figures["kept"] == round(2 / 3, 3) and figures["extra"] == 2
    assert (figures["um"], figures["like"], figures["you_know"]) == ("1/1", "0/1", "1/1")
