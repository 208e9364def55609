"""Read a string field out of JSON that is still streaming, so the UI can show it as it grows."""

from __future__ import annotations

import json
import re

HIGH_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")
LOW_SURROGATE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
LOW_SURROGATE_START = "\\u"


def partial_string_field(buffer: str, key: str) -> str:
    """The (possibly unfinished) value of `"key": "..."` in a partial JSON buffer."""
    match = re.search(rf'"{re.escape(key)}"\s*:\s*"', buffer)
    if not match:
        return ""
    raw = buffer[match.end():]
    out = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            break
        if ch == "\\":
            if i + 1 >= len(raw):
                break
            seq = raw[i:i + 2]
            if seq == "\\u":
                if i + 6 > len(raw):
                    break
                seq = raw[i:i + 6]
                if HIGH_SURROGATE.fullmatch(seq):  # a character beyond the BMP comes as a pair
                    pair = raw[i:i + 12]
                    if len(pair) < 12 and LOW_SURROGATE_START.startswith(pair[6:8]):
                        break  # its second half has not arrived yet
                    if LOW_SURROGATE.fullmatch(pair[6:]):
                        seq = pair
            try:
                out.append(json.loads(f'"{seq}"'))
            except json.JSONDecodeError:
                pass
            i += len(seq)
            continue
        out.append(ch)
        i += 1
    return "".join(out)
