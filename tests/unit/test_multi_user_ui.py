"""The UI side of accounts: whose data a handler reaches, and when `coach ui` refuses to start."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest

from agent.accounts.store import add_user
from agent.cli.ui_cmd import check_exposure
from agent.deps import Deps, acting_as
from agent.errors import InputError
from ui.app import create_app, request_user
from ui.tabs import contacts as tab
from ui.tabs import mock as mock_tab


def test_handlers_reach_only_the_acting_users_rows(deps: Deps) -> None:
    ann, bo = add_user(deps.db, "ann", "pw"), add_user(deps.db, "bo", "pw")
    with acting_as(ann):
        _, cid = tab.save_contact(deps, None, "Annika Secretname", "UX researcher", "Fernwood", "",
                                  "to_contact", "ANN-SECRET", "", "")
        assert "Annika" in tab.page_markdown(deps, cid)
    with acting_as(bo):
        assert tab.contact_choices(deps) == [] and "Annika" not in str(tab.table_rows(deps))
        message, same = tab.save_contact(deps, cid, "Taken", "", "", "", "done", "", "", "")
        assert f"no contact with id {cid}" in message and same == cid
        assert "Annika" not in tab.page_markdown(deps, cid)
        assert tab.form_values(deps, cid)[0] == ""
        assert f"no contact with id {cid}" in tab.record_marker(deps, cid, "follow_up_sent")
        assert "Annika" not in str(mock_tab.prefill(deps, str(cid)))
        _, _, _, status, _ = mock_tab.start_handler(deps, str(cid), "", "UX researcher", "", 20)
        assert f"no contact with id {cid}" in status
    assert deps.mine.list_contacts() == []  # the local user has none of it
    assert deps.db.for_user(ann).get_contact(cid)["name"] == "Annika Secretname"  # type: ignore[index]


def test_the_request_names_the_user(deps: Deps) -> None:
    ann = add_user(deps.db, "ann", "pw")
    assert request_user(deps, SimpleNamespace(username=None)) == 0  # type: ignore[arg-type]
    assert request_user(deps, SimpleNamespace(username="ann")) == ann  # type: ignore[arg-type]
    with pytest.raises(gr.Error, match="no longer exists"):
        request_user(deps, SimpleNamespace(username="gone"))  # type: ignore[arg-type]
    deps.multi_user = True
    with pytest.raises(gr.Error, match="Log in first"):
        request_user(deps, SimpleNamespace(username=None))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="log in first"):
        deps.mine.list_contacts()  # outside a request, multi-user mode has no local user to fall back on


def test_a_multi_user_page_is_built_with_nobodys_data(deps: Deps) -> None:
    deps.mine.save_contact(None, {"name": "Local Secret"})
    deps.mine.save_profile("Local Me", "", "")
    deps.multi_user = True
    app = create_app(deps)
    assert "Local Secret" not in str(app.config) and "Local Me" not in str(app.config)


@pytest.mark.parametrize(("host", "multi", "public", "refused"), [
    ("127.0.0.1", False, False, False), ("localhost", False, False, False), ("::1", False, False, False),
    ("0.0.0.0", False, False, True), ("192.168.1.5", False, False, True),
    ("coach.example", False, False, True),
    ("0.0.0.0", True, False, False), ("0.0.0.0", False, True, False),
])
def test_a_public_host_needs_a_login_or_a_clear_yes(host: str, multi: bool, public: bool,
                                                    refused: bool) -> None:
    if refused:
        with pytest.raises(InputError, match="--multi-user"):
            check_exposure(host, multi, public)
    else:
        check_exposure(host, multi, public)


def test_coach_ui_refuses_before_serving(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.conftest import invoke

    code, out, err = invoke(capsys, "--data-dir", str(tmp_path), "ui", "--host", "0.0.0.0")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--i-know-this-is-public" in err
    code, out, err = invoke(capsys, "--data-dir", str(tmp_path), "ui", "--multi-user")
    assert code == 2 and "needs at least one account: coach users add NAME" in err


def test_a_page_session_belongs_to_the_login_that_first_used_it() -> None:
    from ui.accounts import SessionOwner, login_token

    owner = SessionOwner(app=None, keep=2)  # type: ignore[arg-type]
    assert owner.allowed("s1", "ann-token") and owner.allowed("s1", "ann-token")
    assert not owner.allowed("s1", "bo-token")
    assert owner.allowed("s2", "bo-token") and not owner.allowed("s2", "ann-token")
    assert owner.allowed("s1", "ann-token")  # still remembered: it was used last
    owner.allowed("s3", "carl-token")  # over the bound: the longest-idle session (s2) is forgotten
    assert set(owner.owners) == {"s1", "s3"}
    scope = {"headers": [(b"cookie", b"other=1; access-token-unsecure-abc=tok123")]}
    assert login_token(scope) == "tok123" and login_token({"headers": []}) is None
