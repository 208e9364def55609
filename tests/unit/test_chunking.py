"""Structure-aware chunking keeps headings with their text and lists with their lead-in."""

from __future__ import annotations

from agent.ingest.chunking import chunk_document, naive_paragraph_chunks

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
