"""Every test gets its own DRILL_HOME, a fixed-width terminal and no colour."""

from __future__ import annotations

import os
import subprocess
import sys
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
