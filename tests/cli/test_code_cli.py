"""`drill code` and the offer at the end of `drill`, through the real CLI with the bundled challenges."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from drillcli.paths import bundled_challenges_dir
from tests.conftest import run_drill


def attempts(home: Path) -> list[tuple[str, str, int]]:
    db = sqlite3.connect(home / "drill.db")
    try:
        return list(db.execute("SELECT challenge_id, verdict, timed FROM attempt ORDER BY id"))
    finally:
        db.close()


def test_timed_challenge_grades_the_workspace_file_and_records_the_attempt(drill_home: Path) -> None:
    workspace = drill_home / "workspace"
    workspace.mkdir(parents=True)
    shutil.copyfile(bundled_challenges_dir() / "softmax" / "reference.py", workspace / "softmax.py")
    result = run_drill("code", "softmax", "--minutes", "2", "--device", "cpu", input="\n", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "your earlier work is kept" in result.stdout
    assert "accepted" in result.stdout and "Solved softmax" in result.stdout
    assert attempts(drill_home) == [("softmax", "accepted", 1)]
    kept = list((drill_home / "attempts" / "softmax").glob("*.py"))
    assert len(kept) == 1 and "def softmax" in kept[0].read_text()


def test_a_wrong_file_is_graded_and_the_user_gives_up(drill_home: Path) -> None:
    result = run_drill("code", "softmax", "--minutes", "2", "--device", "cpu", input="\nq", timeout=120)
    assert result.returncode == 0, result.stderr
    assert (drill_home / "workspace" / "softmax.py").read_text() == (
        bundled_challenges_dir() / "softmax" / "starter.py").read_text()
    assert "runtime_error" in result.stdout and "NotImplementedError" in result.stdout
    assert "Not solved this time" in result.stdout
    assert attempts(drill_home) == [("softmax", "runtime_error", 1)]


def test_code_without_id_picks_one_and_unknown_id_is_misuse(drill_home: Path) -> None:
    result = run_drill("code", "--device", "cpu", input="q", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "No submission graded" in result.stdout
    bad = run_drill("code", "nope")
    assert bad.returncode == 2 and "unknown challenge" in bad.stderr


def test_today_offers_a_challenge_after_the_cards(drill_home: Path) -> None:
    result = run_drill(input="qn")
    assert result.returncode == 0, result.stderr
    assert "Session done" in result.stdout and "Timed challenge:" in result.stdout and "[y/N]" in result.stdout
    assert attempts(drill_home) == []
