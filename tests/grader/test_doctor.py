"""`drill doctor`: the sandbox level and why, the device, torch, the paths; in process."""

from __future__ import annotations

import json
import sys
from io import StringIO

import pytest
from rich.console import Console
from typer.testing import CliRunner

from drillcli.cli.app import app
from drillcli.cli.doctor import render_doctor
from drillcli.doctor import Doctor


@pytest.mark.skipif(sys.platform != "linux", reason="the levels are Linux's")
def test_json_names_the_level_forced_and_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRILL_SANDBOX", "process")
    out = CliRunner().invoke(app, ["doctor", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["isolation"], data["isolation_reason"]) == ("process", "DRILL_SANDBOX=process")
    assert data["torch"] and data["default_device"] in ("cpu", "cuda")
    assert data["drill_home"] and data["database"].endswith("drill.db")


def test_the_view_says_the_level_and_the_reason_in_one_line() -> None:
    found = Doctor("landlock", "user namespaces refused: EPERM (Operation not permitted)", 6, "6.8", "3.11",
                   "2.5", "", "cpu", "/h", "/h/drill.db", "/h/config.toml", "/q", "ok")
    out = StringIO()
    render_doctor(found, Console(file=out, width=120, color_system=None))
    text = out.getvalue()
    assert "landlock (user namespaces refused: EPERM (Operation not permitted))" in text
    assert "ABI 6" in text and "unchanged since install" in text
