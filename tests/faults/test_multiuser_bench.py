"""The machinery of `coach bench --only multiuser`, for real but small: two students against one
`coach ui --multi-user` (fake model), logged in through /login. They must finish without an
error and see none of each other's contacts; and the leak detector must catch a planted leak,
or a zero would prove nothing. Behaviour only: no timing is asserted."""

from __future__ import annotations

from pathlib import Path

from agent.bench.multiuser import Tally, add_accounts, contact_name, leaks_in, run_students
from evals.faults.app import Proc, base_env, set_mode


def test_two_students_finish_without_errors_or_leaks(data_dir: Path, fake_model: Proc, apps) -> None:  # type: ignore[no-untyped-def]
    set_mode(fake_model, "ok")
    add_accounts(data_dir, 2, base_env(data_dir))
    app = apps(data_dir, model_url=fake_model.url + "/v1", args=("--multi-user",))

    result = run_students(app.url, 2, jitter=0.2)

    assert result["errors"] == 0, result["error_samples"]
    assert result["leaks"] == 0, result["leak_samples"]
    counts = {kind: figures["count"] for kind, figures in result["requests"].items()}
    assert counts["login"] == 2 and counts["save_contact"] == 4
    assert counts["mock_start"] == 2 and counts["mock_send"] == 10 and counts["mock_end"] == 2
    assert counts["draft_outreach"] == 2 and counts["tab_select"] >= 4


def test_the_leak_detector_catches_another_students_contact() -> None:
    tally = Tally()
    tally.check(3, "save_contact", f'{{"data": ["Added {contact_name(3, 0)}", "{contact_name(3, 1)}"]}}')
    assert tally.leaks == []
    tally.check(3, "tab_select", f'[["{contact_name(31, 0)} — Data analyst", "7"], '
                                 f'["{contact_name(1, 1)}", "8"], ["{contact_name(3, 1)}", "9"]]')
    assert tally.leaks == [f"student 3 tab_select: saw {contact_name(1, 1)}",
                           f"student 3 tab_select: saw {contact_name(31, 0)}"]
    assert leaks_in(f"{contact_name(13, 0)} {contact_name(1, 3)}", own=1) == [contact_name(13, 0)]
