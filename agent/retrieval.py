"""Search across the guidance, role briefs and the user's own documents, best first."""

from __future__ import annotations

from agent.deps import Deps
from agent.store.vectors import Hit

SEARCH_KINDS = ("guidance", "roles", "user_docs")


def search(deps: Deps, query: str, k: int = 5, kinds: tuple[str, ...] = SEARCH_KINDS) -> list[Hit]:
    vector = deps.encoder.encode([query])[0]
    hits: list[Hit] = []
    for kind in kinds:
        hits += deps.vectors.query_vector(kind, vector, k=k)
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[:k]
