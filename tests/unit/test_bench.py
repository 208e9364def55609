"""`coach bench`: the statistics, ratio maths, timing proxy, report rendering and JSON shape, with
fake timings only (no assertion is ever about how fast something ran)."""

from __future__ import annotations

import json
import time

import pytest

from agent.bench import concurrency, engine, mock_scaling, report, ttft
from agent.bench.timing import TimingChatModel, common_prefix
from tests.fakes import FakeChatModel
from tests.unit.conftest import invoke


def test_summarise_gives_median_and_spread() -> None:
    stat = report.summarise([3.0, 1.0, 2.0, 10.0])
    assert stat["median"] == 2.5
    assert stat["spread"] == 9.0
    assert stat["rel_spread"] == pytest.approx(9.0 / 2.5)
    assert stat["n"] == 4


def test_summarise_of_nothing_is_explicitly_empty() -> None:
    assert report.summarise([]) == {"median": None, "spread": None, "rel_spread": None, "n": 0, "samples": []}


def test_percentile_is_nearest_rank_of_observed_values() -> None:
    samples = [float(i) for i in range(1, 201)]
    assert report.percentile(samples, 50) == 100.0
    assert report.percentile(samples, 95) == 190.0
    assert report.percentile([4.0], 95) == 4.0
    assert report.percentile([], 95) is None


def test_ratio_refuses_missing_or_zero_denominators() -> None:
    assert report.ratio(3.0, 4.0) == 0.75
    assert report.ratio(None, 4.0) is None
    assert report.ratio(3.0, 0.0) is None


def test_paired_ratios_pair_runs_in_order() -> None:
    stat = report.paired_ratios([90.0, 100.0, 50.0], [100.0, 100.0, 100.0])
    assert stat["samples"] == [0.9, 1.0, 0.5]
    assert stat["median"] == 0.9


def test_engine_rates_use_ttft_for_prompt_and_the_rest_for_decode() -> None:
    r = engine.rates(prompt_tokens=300, ttft=1.5, last=3.5, completion=33)
    assert r["prompt_tps"] == pytest.approx(200.0)
    assert r["decode_tps"] == pytest.approx(16.0)
    assert engine.rates(300, None, 2.0, 1) == {"prompt_tps": None, "decode_tps": None}


def test_timed_stream_separates_the_last_token_from_the_end_of_the_stream() -> None:
    def deltas():  # type: ignore[no-untyped-def]
        yield "a"
        time.sleep(0.02)
        yield "b"
        time.sleep(0.05)  # bookkeeping after the last token

    first, last, end, count = engine.timed_stream(deltas())
    assert count == 2 and first is not None and last is not None
    assert first < last < end and end - last >= 0.04


def test_engine_figures_ratio_is_app_over_direct() -> None:
    app = [{"prompt_tps": 190.0, "decode_tps": 95.0, "ttft": 1.0, "total": 2.0, "completion_tokens": 32}]
    direct = [{"prompt_tps": 200.0, "decode_tps": 100.0, "ttft": 0.9, "total": 1.9, "completion_tokens": 32}]
    figures = engine.engine_figures(app, direct, 300)
    assert figures["decode_ratio"]["median"] == pytest.approx(0.95)
    assert figures["prompt_ratio"]["median"] == pytest.approx(0.95)
    assert figures["app"]["ttft"]["median"] == 1.0


def test_chatml_ends_with_the_assistant_turn() -> None:
    text = engine.chatml([{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    assert text == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"


def test_engine_prompt_is_a_file_with_the_run_number_first() -> None:
    a, b = engine.engine_messages(1), engine.engine_messages(2)
    assert a[0]["content"] != b[0]["content"]
    assert a[1:] == b[1:]


def char_tokens(text: str) -> list[int]:
    return [ord(c) for c in text]


def test_timing_proxy_records_prompt_cache_and_first_delta() -> None:
    fake = FakeChatModel(outcomes=["hello there, friend", "again"])
    timer = TimingChatModel(fake, char_tokens, max_tokens_cap=8)
    first = [{"role": "system", "content": "stable"}, {"role": "user", "content": "one"}]
    second = [{"role": "system", "content": "stable"}, {"role": "user", "content": "two"}]
    assert "".join(timer.stream(first, max_tokens=80)) == "hello there, friend"
    assert timer.complete(second, max_tokens=4) == "again"
    a, b = timer.calls
    assert a.cached_tokens == 0
    assert a.prompt_tokens == len(engine.chatml(first))
    assert b.cached_tokens == len(engine.chatml(first)) - len("one<|im_end|>\n<|im_start|>assistant\n")
    assert a.ttft is not None and a.total is not None and a.ttft <= a.total
    assert b.ttft is None
    assert [c.kwargs["max_tokens"] for c in fake.calls] == [8, 4]


def test_common_prefix() -> None:
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([], [1]) == 0


def test_capability_summary_weights_cache_share_by_tokens() -> None:
    runs = [{"ttft": 0.5, "total": 2.0, "model_calls": 1, "prompt_tokens": 100, "first_prompt_tokens": 100,
             "cached_prefix_tokens": 80},
            {"ttft": None, "total": 1.0, "model_calls": 0, "prompt_tokens": 0, "first_prompt_tokens": 0,
             "cached_prefix_tokens": 0}]
    summary = ttft.summarise_runs(runs)
    assert summary["cached_share"] == 0.8
    assert summary["ttft"]["n"] == 1
    assert summary["total"]["median"] == 1.5


def test_every_capability_is_runnable_or_says_why_not() -> None:
    found = ttft.capabilities()
    assert set(found) == {"outreach", "questions", "screening", "thank_you", "swot"}
    assert all(callable(v) or v.startswith("not available") for v in found.values())


def fake_session(ttfts: list[float | None]) -> list[dict[str, object]]:
    return [{"turn": i + 1, "ttft": t, "prompt_tokens": 100 + 10 * i} for i, t in enumerate(ttfts)]


def test_mock_scaling_pairs_turn10_with_turn1_per_session() -> None:
    sessions = [fake_session([1.0] * 9 + [1.1] + [1.0] * 10), fake_session([2.0] * 9 + [4.0] + [1.0] * 10)]
    out = mock_scaling.scaling(sessions)
    assert out["turn10_over_turn1"]["samples"] == [1.1, 2.0]
    assert out["turn20_over_turn1"]["samples"] == [1.0, 0.5]
    assert out["at"]["turn20"]["prompt_tokens"]["median"] == 290


def test_mock_scaling_skips_turns_the_model_did_not_answer() -> None:
    out = mock_scaling.scaling([fake_session([None] + [1.0] * 19)])
    assert out["turn10_over_turn1"]["n"] == 0
    assert out["at"]["turn1"]["ttft"]["median"] is None


def test_mock_script_is_twenty_distinct_open_questions() -> None:
    lines = mock_scaling.script()
    assert len(lines) == 20 and len(set(lines)) == 20
    assert all(q.endswith("?") and "{" not in q for q in lines)


def test_cross_talk_finds_other_sessions_names_only() -> None:
    own_first, own_last = concurrency.contact(2)
    other_first, _ = concurrency.contact(5)
    assert concurrency.cross_talk(f"Dear {own_first} {own_last}, hello", 2, 8) == []
    assert concurrency.cross_talk(f"Dear {other_first}", 2, 8) == [" ".join(concurrency.contact(5))]
    assert concurrency.names_own(f"Hi {own_last}", 2)
    assert not concurrency.names_own(f"Hi {other_first}", 2)


def test_contacts_are_distinct_for_sixteen_sessions() -> None:
    parts = [p for i in range(16) for p in concurrency.contact(i)]
    assert len(set(parts)) == 32


def sample_result() -> dict[str, object]:
    result = {
        "machine": {"cores": 2, "cpu_model": "Test CPU", "load_average": [1.0, 1.0, 1.0]},
        "load_average_end": [2.0, 2.0, 2.0],
        "groups": {
            "engine": {"decode_ratio": report.summarise([0.9, 1.0, 0.97]), "prompt_tokens": 329},
            "retrieval": {"n10000": {"p50_ms": 3.0, "p95_ms": 12.5}},
            "concurrency": {"n4": {"errors": 0, "cross_talk": 1}},
            "mock": {"error": "ModelError: boom"},
        },
    }
    result["targets"] = report.targets(result)
    return result


def test_targets_read_nested_figures_and_judge_them() -> None:
    by_name = {t["figure"]: t for t in sample_result()["targets"]}  # type: ignore[union-attr]
    assert by_name["engine.decode_ratio"]["value"] == 0.97 and by_name["engine.decode_ratio"]["met"]
    assert by_name["retrieval.n10000.p95_ms"]["met"] is False
    assert by_name["concurrency.n4.cross_talk"]["met"] is False
    assert by_name["mock.turn10_over_turn1"]["met"] is None


def test_render_shows_figures_errors_missed_targets_and_load() -> None:
    text = report.render(sample_result())
    assert "decode_ratio" in text and "0.970 ±0.050" in text
    assert "ModelError: boom" in text
    assert "retrieval.n10000.p95_ms <= 10.0ms: 12.50ms (MISSED)" in text
    assert "load average [1.0, 1.0, 1.0] at start, [2.0, 2.0, 2.0] at end" in text


def test_machine_and_versions_describe_this_host() -> None:
    m = report.machine()
    assert m["cores"] and m["cpu_model"]
    v = report.versions()
    assert v["python"] and "llama_cpp_python" in v


def test_unknown_group_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = invoke(capsys, "bench", "--only", "engine,warp", "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "warp" in err


def test_bad_repeats_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = invoke(capsys, "bench", "--repeats", "0", "--json")
    assert code == 2 and "--repeats" in err


def test_json_is_one_object_with_machine_model_and_versions(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: object) -> None:
    code, out, err = invoke(capsys, "--data-dir", str(tmp_path), "bench", "--only", "memory", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert {"machine", "versions", "model", "groups", "targets", "load_average_end"} <= set(payload)
    assert payload["model"]["file"].endswith(".gguf")
    assert list(payload["groups"]) == ["memory"]
    assert payload["groups"]["memory"]["peak_rss_mb"]["app"] > 0


def test_the_benchmarks_naive_layout_rebuilds_the_system_prompt_each_turn(deps, fake_llm) -> None:  # type: ignore[no-untyped-def]
    from agent.bench.naive_layout import NaiveLayout
    from agent.mock.graph import send_turn, start_session
    from tests.unit.mock_helpers import FactWords
    from tests.unit.test_mock_graph import OPENING, make_graph, request

    graph = make_graph(deps, layout=NaiveLayout())
    fake_llm.default = FactWords()
    thread = start_session(deps, request(), graph=graph)
    for line in (OPENING, "What do you like least about the work?"):
        list(send_turn(deps, thread, line, graph=graph))
    first, second = (c.messages for c in fake_llm.calls)
    assert first[0] != second[0] and "<clock>" in second[0]["content"]


def test_soak_runs_only_when_asked_and_measures_growth_after_minute_5() -> None:
    from agent.bench.soak import growth, summarise
    from agent.cli.bench_cmd import chosen_groups

    assert "soak" not in chosen_groups("") and chosen_groups("soak") == ["soak"]
    samples = [{"minute": m, "app_rss_mb": rss, "model_server_rss_mb": 400.0, "app_fds": 40,
                "model_server_fds": 12, "model_server_pid": 7, "coach_sqlite_mb": 0.1 * m,
                "checkpoints_sqlite_mb": 0.2 * m, "chroma_mb": 9.0}
               for m, rss in [(0, 200.0), (1, 260.0), (5, 300.0), (6, 310.0), (10, 305.0)]]
    assert growth(samples, "app_rss_mb") == round(10 / 300, 4)  # start-up growth is not counted
    assert growth(samples, "model_server_fds") == 0.0

    class User:
        ops = {"drafts": 9, "question_lists": 9, "rehearsal_turns": 27, "rehearsals": 9}
        errors: list[str] = []

    summary = summarise(samples, User(), 10)  # type: ignore[arg-type]
    assert summary["target_met"] is True and summary["model_server_restarts"] == 0
    assert summary["checkpoint_kb_per_rehearsal"] == round(1000 * 2.0 / 9, 1)


def test_the_local_model_is_chosen_on_the_command_line_and_recorded(capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: object) -> None:
    code, out, err = invoke(capsys, "--data-dir", str(tmp_path), "bench", "--local-model", "smollm2",
                            "--only", "memory", "--json")
    assert code == 0, err
    model = json.loads(out)["model"]
    assert (model["local_model"], model["alias"]) == ("smollm2", "smollm2-135m-instruct")
    assert model["file"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    code, out, err = invoke(capsys, "bench", "--local-model", "gpt-9", "--json")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--local-model" in err


def test_multiuser_runs_only_when_asked_and_refuses_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    from agent.cli.bench_cmd import chosen_configs, chosen_groups

    assert "multiuser" not in chosen_groups("") and chosen_groups("multiuser") == ["multiuser"]
    assert chosen_configs("server, sqlite") == ("sqlite", "server")
    for argv in (("--students", "0"), ("--students", "501"), ("--configs", "mysql"), ("--configs", ","),
                 ("--arrive-over", "-1"), ("--arrive-over", "3601")):
        code, out, err = invoke(capsys, "bench", "--only", "multiuser", *argv, "--json")
        assert code == 2 and out == "" and err.count("\n") == 1, (argv, err)


def test_multiuser_targets_are_errors_leaks_and_non_model_p95() -> None:
    from agent.bench.report import targets

    found = {t["figure"]: t for t in targets({"groups": {"multiuser": {
        "sqlite": {"errors": 0, "leaks": 1, "non_model_p95_ms": 120.0}, "server": {"error": "no pg"}}}})}
    assert found["multiuser.sqlite.errors"]["met"] is True
    assert found["multiuser.sqlite.leaks"]["met"] is False
    assert found["multiuser.sqlite.non_model_p95_ms"]["met"] is True
    assert not any(f.startswith("multiuser.server") for f in found)


def test_multiuser_non_model_p95_leaves_out_model_calls_and_sign_in_separately() -> None:
    from agent.bench.multiuser import Tally

    tally = Tally()
    for kind, seconds in (("login", 0.9), ("save_contact", 0.05), ("tab_select", 0.02),
                          ("mock_send", 3.0), ("draft_outreach", 5.0)):
        tally.timed(kind, seconds)
    tally.error(1, "visit", "RuntimeError: boom")
    summary = tally.summary(seconds=2.0, students=1)
    assert summary["non_model_p95_ms"] == 900.0 and summary["non_model_p95_ms_after_sign_in"] == 50.0
    assert summary["requests"]["mock_send"] == {"count": 1, "p50_ms": 3000.0, "p95_ms": 3000.0,
                                                "max_ms": 3000.0}
    assert summary["throughput_rps"] == 2.5 and summary["errors"] == 1
    assert summary["target"]["met"] is False
