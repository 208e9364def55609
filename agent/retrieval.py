"""Hybrid retrieval: MiniLM similarity from Chroma, re-ranked with a BM25 lexical score.

Embeddings alone miss exact terms people type ("3B7", "LinkedIn", "thank-you"); BM25 alone misses
paraphrases. Candidates come from the vector index; the lexical score (with document frequencies
from the whole collection) nudges the order. Weight chosen on the retrieval eval; see README.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from agent.deps import Deps
from agent.store.vectors import OWNED, Hit

SEARCH_KINDS = ("guidance", "roles", "user_docs")
LEXICAL_WEIGHT = 0.2
CANDIDATES = 20
TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return [t for t in TOKEN.findall(text.lower()) if len(t) > 2]


@dataclass
class LexicalStats:
    """Document frequencies and average length for BM25 over one collection."""

    df: Counter[str]
    docs: int
    avg_len: float

    def score(self, query: list[str], text: str, k1: float = 1.2, b: float = 0.75) -> float:
        terms = tokens(text)
        tf = Counter(terms)
        total = 0.0
        for word in set(query):
            if word in tf:
                idf = math.log(1 + (self.docs - self.df[word] + 0.5) / (self.df[word] + 0.5))
                norm = tf[word] + k1 * (1 - b + b * len(terms) / max(self.avg_len, 1.0))
                total += idf * tf[word] * (k1 + 1) / norm
        return total


def lexical_stats(deps: Deps, kind: str) -> LexicalStats:
    count = deps.vectors.count(kind)
    owner = deps.current_user if kind == OWNED else None

    def build() -> LexicalStats:
        documents = deps.vectors.documents(kind, owner)
        df: Counter[str] = Counter()
        lengths = 0
        for doc in documents:
            words = tokens(doc)
            lengths += len(words)
            df.update(set(words))
        return LexicalStats(df=df, docs=max(len(documents), 1), avg_len=lengths / max(len(documents), 1))

    return deps.cached(f"lexical:{kind}:{owner}:{count}", build)  # type: ignore[no-any-return]


def hybrid_query(deps: Deps, kind: str, query: str, k: int = 5, vector=None) -> list[Hit]:  # type: ignore[no-untyped-def]
    """Top-k of `kind` by cosine + LEXICAL_WEIGHT × normalised BM25 over the vector candidates."""
    if vector is None:
        vector = deps.encoder.encode([query])[0]
    owner = deps.current_user if kind == OWNED else None
    candidates = deps.vectors.query_vector(kind, vector, k=max(k, CANDIDATES), owner=owner)
    if not candidates:
        return []
    stats = lexical_stats(deps, kind)
    q = tokens(query)
    lexical = [stats.score(q, h.text) for h in candidates]
    top = max(lexical) or 1.0
    for hit, lex in zip(candidates, lexical, strict=True):
        hit.score = round(hit.score + LEXICAL_WEIGHT * lex / top, 4)
    candidates.sort(key=lambda h: h.score, reverse=True)
    return candidates[:k]


def search(deps: Deps, query: str, k: int = 5, kinds: tuple[str, ...] = SEARCH_KINDS) -> list[Hit]:
    vector = deps.encoder.encode([query])[0]
    hits: list[Hit] = []
    for kind in kinds:
        hits += hybrid_query(deps, kind, query, k=k, vector=vector)
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[:k]
