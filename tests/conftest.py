"""Every test gets its own DRILL_HOME, a fixed-width terminal and no colour."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_BANK = FIXTURES / "bank"


@pytest.fixture(autouse=True)
def drill_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "drill-home"
    monkeypatch.setenv("DRILL_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("DRILL_BANK", raising=False)
    return home


@pytest.fixture
def fixture_only(drill_home: Path) -> Path:
    """DRILL_HOME whose config uses only the fixture bank (no bundled cards)."""
    drill_home.mkdir(parents=True, exist_ok=True)
    (drill_home / "config.toml").write_text(
        f'include_bundled = false\nbanks = ["{FIXTURE_BANK}"]\nnew_per_day = 20\n', encoding="utf-8"
    )
    return drill_home


def run_drill(*args: str, input: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real CLI in a real process."""
    return subprocess.run(
        [sys.executable, "-m", "drillcli", *args],
        input=input, capture_output=True, text=True, timeout=timeout, env=os.environ.copy(),
    )


@dataclass
class Ran:
    code: int
    out: str
    err: str


Drill = Callable[..., Ran]


@pytest.fixture
def drill(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Drill:
    """`drill(*args, keys="")`: the console script's entry point (`main()`, errors and JSON errors included)
    run in this process, with `keys` as stdin. Much faster than `run_drill`, for what needs no real process."""
    from drillcli.cli.app import main

    def run(*args: str, keys: str = "") -> Ran:
        monkeypatch.setattr(sys, "argv", ["drill", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(keys))
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main()
        captured = capsys.readouterr()
        code = exited.value.code
        return Ran(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run
