"""Leakage: no eval item may be a near-copy of anything the system is built from.

An eval measures what the system does on text it was not built from. This check compares every
text item of every file under `evals/datasets/` with every piece of text under `knowledge/`
(exemplar banks, question banks, role briefs, guidance, rule files' reasons and rewrites) and
under `prompts/` (instructions and few-shot examples), and fails on any near-copy.

- Items: in JSONL records the fields `question`, `text`, `sentence`, `sentences`, `query`, `line`,
  `input`, `rewrite`, `turns` (the scripted mock-session lines are included: the mock feedback
  screens them with the same exemplar-trained classifiers), `bio` and `objective` (the persona
  eval's invented contacts and goals); in `.txt`/`.md` files every sentence.
  Not items: the system's own outputs kept for grading (`generated` in `questions_labels.jsonl`),
  which are filled-in bank questions by design and are what is graded, not what is asked.
- Sources: every string of every JSONL record and JSON file under `knowledge/` (regular
  expressions left out), every sentence of every `.md`/`.txt` file under `knowledge/` and
  `prompts/`. Template slots such as `{field}` are dropped, so a filled-in copy still matches.
- Folding: lower case, words are runs of `[a-z0-9']`. Only items and sources of at least
  `MIN_WORDS` words are compared.
- Near-copy: identical after folding, or word-set Jaccard ≥ `JACCARD` (which can only happen when
  the two word sets have comparable sizes; candidates are found by prefix filtering).

    .venv/bin/python -m evals.leakage          (prints every offending pair)
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "evals" / "datasets"
SOURCE_DIRS = (ROOT / "knowledge", ROOT / "prompts")
ITEM_FIELDS = ("question", "text", "sentence", "sentences", "query", "line", "input", "rewrite", "turns",
               "bio", "objective")
MIN_WORDS = 4
JACCARD = 0.7
THRESHOLDS = {"near_copies": ("<=", 0)}

WORD = re.compile(r"[a-z0-9']+")
SLOT = re.compile(r"\{[a-z_]+\}")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
LINE_MARKUP = re.compile(r"^\s*(?:#+|[-*•>]+|\d{1,2}[.)]|\|)\s*")
REGEX_LOOKING = re.compile(r"\\[bdswBDSW]|\(\?|\[\^|\|\w+\)")


@dataclass(frozen=True)
class Text:
    where: str  # "file:line" or "file#record"
    text: str


@dataclass(frozen=True)
class Pair:
    item: Text
    source: Text
    jaccard: float


def fold(text: str) -> list[str]:
    """Lower-cased words; curly apostrophes count as straight ones."""
    return WORD.findall(text.lower().replace("’", "'").replace("‘", "'"))


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(line number, sentence) for every sentence of a plain-text or Markdown file."""
    for number, raw in enumerate(text.splitlines(), 1):
        line = LINE_MARKUP.sub("", raw).strip()
        for part in SENTENCE_END.split(line):
            if part.strip():
                yield number, part.strip()


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)


def dataset_items(folder: Path = DATASETS) -> list[Text]:
    found: list[Text] = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".jsonl":
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                record = json.loads(line)
                for key in ITEM_FIELDS:
                    found += [Text(f"{name}:{number} {key}", s) for s in strings(record.get(key))]
        elif path.suffix in (".txt", ".md"):
            found += [Text(f"{name}:{n}", s) for n, s in sentences(path.read_text(encoding="utf-8"))]
    return found


def source_texts(folders: Iterable[Path] = SOURCE_DIRS) -> list[Text]:
    found: list[Text] = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder.parent).as_posix()
            if path.suffix == ".jsonl":
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if line.strip():
                        found += [Text(f"{name}:{number}", s) for s in strings(json.loads(line))
                                  if not REGEX_LOOKING.search(s)]
            elif path.suffix == ".json":
                found += [Text(name, s) for s in strings(json.loads(path.read_text(encoding="utf-8")))
                          if not REGEX_LOOKING.search(s)]
            elif path.suffix in (".txt", ".md"):
                found += [Text(f"{name}:{n}", s) for n, s in sentences(path.read_text(encoding="utf-8"))]
    return found


def _words(text: str) -> list[str]:
    return fold(SLOT.sub(" ", text))


def near_copies(items: list[Text], sources: list[Text], threshold: float = JACCARD,
                min_words: int = MIN_WORDS) -> list[Pair]:
    """Every (item, source) pair that is identical after folding or has Jaccard ≥ threshold."""
    item_words = [(t, _words(t.text)) for t in items]
    source_words = [(t, _words(t.text)) for t in sources]
    item_words = [(t, w) for t, w in item_words if len(w) >= min_words]
    source_words = [(t, w) for t, w in source_words if len(w) >= min_words]
    frequency = Counter(w for _, ws in (*item_words, *source_words) for w in set(ws))

    def ordered(ws: list[str]) -> list[str]:  # rarest first, ties by spelling: one global order
        return sorted(set(ws), key=lambda w: (frequency[w], w))

    def prefix(tokens: list[str]) -> list[str]:
        # Two sets with Jaccard >= t share a token among each one's first |x| - ceil(t|x|) + 1.
        return tokens[:len(tokens) - math.ceil(threshold * len(tokens)) + 1]

    index: dict[str, list[int]] = defaultdict(list)
    prepared = []
    for i, (text, ws) in enumerate(source_words):
        tokens = ordered(ws)
        prepared.append((text, " ".join(ws), frozenset(tokens)))
        for token in prefix(tokens):
            index[token].append(i)
    found: list[Pair] = []
    for text, ws in item_words:
        tokens = ordered(ws)
        mine, joined = frozenset(tokens), " ".join(ws)
        seen: set[int] = set()
        for token in prefix(tokens):
            seen.update(index.get(token, ()))
        for i in sorted(seen):
            source, source_joined, theirs = prepared[i]
            jaccard = len(mine & theirs) / len(mine | theirs)
            if joined == source_joined or jaccard >= threshold:
                found.append(Pair(text, source, jaccard))
    return found


def dataset_of(item: Text) -> str:
    """'screening.jsonl', 'notes/', …: the dataset an item belongs to, for the per-dataset counts."""
    name = item.where.split(":")[0]
    return name.split("/")[0] + "/" if "/" in name else name


def check() -> tuple[list[Text], list[Text], list[Pair]]:
    items, sources = dataset_items(), source_texts()
    return items, sources, near_copies(items, sources)


def run(deps: Any = None) -> dict[str, float]:
    """Scorecard entry: counts of near-copies (items with at least one), overall and per dataset."""
    items, sources, pairs = check()
    copied = {p.item for p in pairs}
    metrics: dict[str, float] = {"near_copies": float(len(copied)), "pairs": float(len(pairs)),
                                 "items_checked": float(len(items)), "source_texts": float(len(sources))}
    for name, count in sorted(Counter(dataset_of(t) for t in copied).items()):
        metrics[f"near_copies_{name}"] = float(count)
    return metrics


def main() -> int:
    items, sources, pairs = check()
    for pair in pairs:
        print(f"{pair.jaccard:.2f}  {pair.item.where}: {pair.item.text!r}\n"
              f"      {pair.source.where}: {pair.source.text!r}")
    copied = {p.item for p in pairs}
    per = Counter(dataset_of(t) for t in copied)
    print(f"\n{len(copied)} near-copied items ({len(pairs)} pairs) among {len(items)} items checked "
          f"against {len(sources)} source texts" + (f": {dict(sorted(per.items()))}" if per else ""))
    return 1 if copied else 0


if __name__ == "__main__":
    sys.exit(main())
