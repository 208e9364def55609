"""Structure-aware chunking keeps headings with their text and lists with their lead-in."""

from __future__ import annotations

from agent.ingest.chunking import (
    OVERLAP_SENTENCES,
    SENTENCE_END,
    WINDOW_MAX_WORDS,
    WINDOW_MIN_WORDS,
    chunk_document,
    naive_paragraph_chunks,
)

DOC = """---
title: Asking well
topic: outreach
capability: outreach
---
## Ask for a short time

Name the length of the call:

- fifteen minutes is easy to grant
- twenty is common

## Subject lines

Make it descriptive.
"""


def test_heading_and_list_stay_together() -> None:
    chunks = chunk_document(DOC, "guidance/x.md")
    first = chunks[0]
    assert first.text.startswith("Asking well — Ask for a short time")
    assert "Name the length of the call:" in first.text and "twenty is common" in first.text
    assert first.metadata["capability"] == "outreach"
    assert first.metadata["section"] == "Ask for a short time"


def test_naive_split_separates_lead_in_from_list() -> None:
    naive = naive_paragraph_chunks(DOC, "guidance/x.md")
    assert not any("Name the length" in c.text and "twenty" in c.text for c in naive)


def test_ids_are_deterministic_and_content_based() -> None:
    a = [c.id for c in chunk_document(DOC, "guidance/x.md")]
    b = [c.id for c in chunk_document(DOC, "guidance/x.md")]
    c = [c.id for c in chunk_document(DOC.replace("easy", "simple"), "guidance/x.md")]
    assert a == b
    assert a[0] != c[0] and a[1] == c[1]


def test_long_list_is_split_with_its_lead_in_repeated() -> None:
    items = "\n".join(f"- point number {i} about asking for a short call politely" for i in range(40))
    doc = f"## Many points\n\nThese matter:\n{items}\n"
    chunks = chunk_document(doc, "x.md", max_chars=400)
    assert len(chunks) > 1
    assert all("These matter:" in c.text for c in chunks)
    assert all(len(c.text) <= 400 + 80 for c in chunks)


def test_plain_text_headings_are_detected() -> None:
    text = ("Preparing questions\n\nResearch the company first. Then list questions.\n\n"
            "After the call\n\nSend thanks.")
    chunks = chunk_document(text, "notes.txt", plain_text=True)
    assert [c.metadata["section"] for c in chunks] == ["Preparing questions", "After the call"]


# Plain text: sentence windows with overlap -------------------------------------------------------

def _prose(paragraphs: int, sentences: int = 6) -> str:
    """Heading-less text: numbered sentences of 10 words each, in blank-line paragraphs."""
    out = []
    for p in range(paragraphs):
        out.append(" ".join(f"Paragraph {p} sentence {s} says something plain about careers here."
                            for s in range(sentences)))
    return "\n\n".join(out)


def _words(chunk_text: str) -> int:
    return len(chunk_text.split())


def test_heading_less_text_is_cut_into_bounded_sentence_windows() -> None:
    text = _prose(paragraphs=1, sentences=60)          # one 600-word paragraph, no heading
    chunks = chunk_document(text, "article.txt", plain_text=True)
    assert len(chunks) >= 5
    assert all(_words(c.text) <= WINDOW_MAX_WORDS for c in chunks)
    assert all(_words(c.text) >= WINDOW_MIN_WORDS // 2 for c in chunks)
    assert all(c.text.endswith(".") and c.text[0].isupper() for c in chunks)   # whole sentences


def test_windows_overlap_by_one_or_two_sentences() -> None:
    chunks = chunk_document(_prose(paragraphs=1, sentences=60), "article.txt", plain_text=True)
    for before, after in zip(chunks, chunks[1:], strict=False):
        tail = SENTENCE_END.split(before.text)
        head = SENTENCE_END.split(after.text)
        carried = next(n for n in range(OVERLAP_SENTENCES, 0, -1) if head[:n] == tail[-n:])
        assert 1 <= carried <= OVERLAP_SENTENCES
    joined = " ".join(c.text for c in chunks)
    assert all(f"sentence {s} says" in joined for s in range(60))


def test_windows_end_at_paragraph_ends_and_keep_short_paragraphs_whole() -> None:
    chunks = chunk_document(_prose(paragraphs=4, sentences=7), "article.txt", plain_text=True)
    assert len(chunks) == 4
    assert chunks[0].text.count("Paragraph 0") == 7 and "Paragraph 1" not in chunks[0].text
    for i, chunk in enumerate(chunks[1:], start=1):
        assert chunk.text.count(f"Paragraph {i} ") == 7                     # the whole paragraph
        assert chunk.text.count(f"Paragraph {i - 1} ") == OVERLAP_SENTENCES  # plus the overlap
        assert "\n\n" in chunk.text


def test_sentence_windows_are_deterministic_and_local_to_an_edit() -> None:
    text = _prose(paragraphs=1, sentences=60)
    a = [c.id for c in chunk_document(text, "a.txt", plain_text=True)]
    assert a == [c.id for c in chunk_document(text, "a.txt", plain_text=True)]
    edited = text.replace("Paragraph 0 sentence 59 says", "Paragraph 0 sentence 59 claims")
    b = [c.id for c in chunk_document(edited, "a.txt", plain_text=True)]
    assert a[:-1] == b[:-1] and a[-1] != b[-1]


def test_tiny_tail_is_folded_into_the_last_window() -> None:
    text = _prose(paragraphs=1, sentences=13)            # 130 words: one window plus a 10-word tail
    chunks = chunk_document(text, "a.txt", plain_text=True)
    assert len(chunks) == 1 and "sentence 12 says" in chunks[0].text


def test_list_lines_stay_lines_and_wrapped_lines_are_rejoined() -> None:
    wrapped = ("Hiring agencies often receive dozens or even hundreds of resumes for\n"
               "certain positions. Look at your resume and ask:\n\n"
               "Can a manager see my main credentials within 10 to 15 seconds?\n"
               "Does critical information jump off the page?\n")
    (chunk,) = chunk_document(wrapped, "a.txt", plain_text=True)
    assert "resumes for certain positions." in chunk.text
    assert "ask:\n\nCan a manager" in chunk.text and "seconds?\nDoes critical" in chunk.text
    assert chunk.metadata["section"] == ""             # a list line is not taken for a heading


def test_overlong_sentence_is_cut_to_the_window_size() -> None:
    text = " ".join(["word"] * 400) + "."
    chunks = chunk_document(text, "a.txt", plain_text=True)
    assert len(chunks) >= 3 and all(_words(c.text) <= WINDOW_MAX_WORDS for c in chunks)


def test_markdown_keeps_structure_aware_packing() -> None:
    long_section = "## One\n\n" + _prose(paragraphs=3, sentences=7)
    md = chunk_document(long_section, "x.md")
    txt = chunk_document(long_section, "x.txt", plain_text=True)
    assert md == chunk_document(long_section, "x.md")
    assert [c.text for c in md] != [c.text for c in txt]
    assert all(c.metadata["section"] == "One" for c in md + txt)
