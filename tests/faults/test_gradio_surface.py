"""Abuse 7: every endpoint of the running app (public or private, by function index) called with
malformed payloads; the file routes with path-traversal names; uploads over the cap and of the
wrong type; odd queue bodies. No 5xx, no traceback or server path in any reply, no file served
from outside the upload folder, and nothing saved that the UI itself would refuse."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from evals.faults import invariants
from evals.faults.app import Proc, set_mode
from evals.faults.surface import probe
from tests.faults.conftest import cli, one_json
from ui.app import PUBLIC_API


def test_malformed_payloads_on_every_endpoint(data_dir: Path, fake_model: Proc, apps) -> None:  # type: ignore[no-untyped-def]
    ids = [one_json(cli(data_dir, "contacts", "add", "--name", name, "--json"))["contact"]["id"]
           for name in ("Dana Ruiz", "Marcus Hale")]
    set_mode(fake_model, "ok")
    app = apps(data_dir, model_url=fake_model.url + "/v1")
    info = httpx.get(f"{app.url}/gradio_api/info", timeout=30).json()
    assert sorted(info["named_endpoints"]) == sorted(f"/{name}" for name in PUBLIC_API)
    report = probe(app.url, data_dir, ids, full=False)
    summary = report.summary()
    assert report.endpoints > 200 and summary["calls"] > 300
    assert report.bad == [], json.dumps(summary["bad"], indent=1)
    app.stop()
    assert invariants.check(data_dir) == []
    log = app.log.read_text(encoding="utf-8", errors="replace")
    ours = [line for line in log.splitlines() if '/agent/' in line or '/ui/tabs/' in line]
    assert not ours, "a handler of ours raised on a malformed payload:\n" + "\n".join(ours[:10])
