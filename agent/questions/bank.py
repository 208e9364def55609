"""The indexed question banks (bank.jsonl and web_searchable.jsonl), read once per process.

Ranking, the web-search check and the screen's training set all need the same vectors; reading
the collection once saves a second or more on every command.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agent.deps import Deps


def question_items(deps: Deps) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
    """(texts, vectors, metadata) of every indexed question, memoised on `deps`."""
    return deps.cached("question_items", lambda: deps.vectors.all_items("questions"))
