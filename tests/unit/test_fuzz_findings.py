"""Two bugs the property tests (tests/faults/test_properties.py) found, pinned as unit tests."""

from __future__ import annotations

import csv
import io
import json

from agent.contacts.export import to_csv
from agent.text.partial_json import partial_string_field


def test_a_carriage_return_in_a_note_does_not_split_the_csv_row() -> None:
    contacts = [{"id": 1, "name": "Dana", "notes": "first line\rsecond line"},
                {"id": 2, "name": "Marcus", "notes": "plain"}]
    rows = list(csv.reader(io.StringIO(to_csv(contacts), newline="")))
    assert len(rows) == 3 and rows[1][-1] == "first line\rsecond line" and rows[2][1] == "Marcus"


def test_a_character_beyond_the_bmp_streams_whole() -> None:
    full = json.dumps({"sentence": "Thanks 🙂 again"})  # the emoji arrives as \\ud83d\\ude42
    assert partial_string_field(full, "sentence") == "Thanks 🙂 again"
    half = full[:full.index("\\ude42")]
    assert partial_string_field(half, "sentence") == "Thanks "  # waits for the second half
    for cut in range(len(full)):
        assert "Thanks 🙂 again".startswith(partial_string_field(full[:cut], "sentence"))
