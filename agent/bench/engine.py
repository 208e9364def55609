"""Engine overhead: the app's path (ChatModel → openai client → HTTP → llama.cpp server) against
llama-cpp-python called in-process on the same prompt, model, threads and context size.

Runs alternate between the two paths so both see the same drift in machine load, and each run starts
with a different run number so neither the server's prompt cache nor the in-process context can
reuse the previous run's prefix.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import prompts
from agent.bench.context import BenchContext
from agent.bench.report import paired_ratios, summarise
from agent.llm import OpenAIChatModel, make_client
from agent.model_server import EmbeddedModelServer, model_file

MAX_TOKENS = 32


def engine_messages(run: int) -> list[dict[str, str]]:
    return prompts.load("bench_engine").messages(run=str(run))


def chatml(messages: list[dict[str, str]]) -> str:
    """The ChatML layout as text, to count prompt tokens with the model's own tokenizer.

    Both local models use ChatML (SmolLM2 and Qwen2.5 alike); Qwen's template adds a default
    system turn only to a request without one, and every prompt of the app has a system part."""
    body = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return body + "<|im_start|>assistant\n"


def timed_stream(deltas: Iterator[Any]) -> tuple[float | None, float | None, float, int]:
    """(seconds to first delta, to last delta, to the end of the stream, number of deltas)."""
    start = time.perf_counter()
    first: float | None = None
    last: float | None = None
    count = 0
    for _ in deltas:
        last = time.perf_counter() - start
        if first is None:
            first = last
        count += 1
    return first, last, time.perf_counter() - start, count


def rates(prompt_tokens: int, ttft: float | None, last: float | None,
          completion: int) -> dict[str, float | None]:
    """Prompt tok/s from the time to first token; decode tok/s from the tokens after the first,
    over the time between the first and the last token (what happens after the last token, such
    as closing the stream, is not decoding and is in `total`)."""
    prompt_rate = prompt_tokens / ttft if ttft else None
    decode_time = (last or 0.0) - (ttft or 0.0)
    decode_rate = (completion - 1) / decode_time if completion > 1 and decode_time > 0 else None
    return {"prompt_tps": prompt_rate, "decode_tps": decode_rate}


def _direct_deltas(llm: Any, messages: list[dict[str, str]]) -> Iterator[str]:
    for chunk in llm.create_chat_completion(messages=messages, max_tokens=MAX_TOKENS, temperature=0.0,
                                            stream=True):
        delta = chunk["choices"][0].get("delta", {})
        if delta.get("content"):
            yield delta["content"]


def run(ctx: BenchContext) -> dict[str, Any]:
    import llama_cpp

    s = ctx.settings
    model_path = model_file(s)
    direct = llama_cpp.Llama(model_path=str(model_path), n_threads=s.threads, n_threads_batch=s.threads,
                             n_ctx=s.n_ctx, verbose=False)
    prompt_tokens = len(direct.tokenize(chatml(engine_messages(0)).encode(), add_bos=False, special=True))
    started = time.perf_counter()
    server = EmbeddedModelServer(model_path, alias=s.model, threads=s.threads, n_ctx=s.n_ctx).start()
    server_ready = time.perf_counter() - started
    app_runs: list[dict[str, Any]] = []
    direct_runs: list[dict[str, Any]] = []
    try:
        app = OpenAIChatModel(make_client(s, server.base_url), s.model, json_mode="llamacpp")
        for run_no in range(ctx.repeats + 1):
            messages = engine_messages(1000 + run_no)
            a = timed_stream(app.stream(messages, max_tokens=MAX_TOKENS, temperature=0.0))
            d = timed_stream(_direct_deltas(direct, engine_messages(2000 + run_no)))
            if run_no == 0:
                continue
            app_runs.append({"ttft": a[0], "total": a[2], "completion_tokens": a[3],
                             **rates(prompt_tokens, a[0], a[1], a[3])})
            direct_runs.append({"ttft": d[0], "total": d[2], "completion_tokens": d[3],
                                **rates(prompt_tokens, d[0], d[1], d[3])})
        ctx.memory.record("model_server", server.pid, "engine")
    finally:
        server.stop()
        del direct
    ctx.memory.record_self("engine (in-process llama.cpp)")
    return {**engine_figures(app_runs, direct_runs, prompt_tokens), "server_ready_s": server_ready}


def engine_figures(app_runs: list[dict[str, Any]], direct_runs: list[dict[str, Any]],
                   prompt_tokens: int) -> dict[str, Any]:
    """Medians per path and the paired app/direct ratios (the figures with a target)."""

    def col(runs: list[dict[str, Any]], key: str) -> list[float]:
        return [r[key] for r in runs if r.get(key) is not None]

    return {
        "prompt_tokens": prompt_tokens,
        "max_tokens": MAX_TOKENS,
        "app": {k: summarise(col(app_runs, k)) for k in ("prompt_tps", "decode_tps", "ttft", "total")},
        "direct": {k: summarise(col(direct_runs, k)) for k in ("prompt_tps", "decode_tps", "ttft", "total")},
        "completion_tokens": {"app": col(app_runs, "completion_tokens"),
                              "direct": col(direct_runs, "completion_tokens")},
        "decode_ratio": paired_ratios(col(app_runs, "decode_tps"), col(direct_runs, "decode_tps")),
        "prompt_ratio": paired_ratios(col(app_runs, "prompt_tps"), col(direct_runs, "prompt_tps")),
    }
