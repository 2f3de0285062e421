"""Flashcard sessions through the real CLI: keys in, grades in the store out."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import run_drill


def reviews(home: Path) -> list[tuple[str, int]]:
    db = sqlite3.connect(home / "drill.db")
    try:
        return [(r[0], r[1]) for r in db.execute("SELECT card_id, rating FROM review ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is still being created
        return []
    finally:
        db.close()


def test_a_session_grades_each_card_type(fixture_only: Path) -> None:
    keys = (" ab\n\n"   # explain: reveal, tick both musts, finish, accept the proposed Good
            " 4"        # recall: reveal, Easy
            " 2"        # cloze: reveal, Hard
            "55\n3"     # numeric: typed answer, Good
            "q")
    result = run_drill("cards", input=keys)
    assert result.returncode == 0, result.stderr
    assert reviews(fixture_only) == [("fx-explain", 3), ("fx-recall", 4), ("fx-cloze", 2), ("fx-numeric", 3)]
    out = result.stdout
    assert "Model answer" in out and "must" in out
    assert "✓ Correct: 55" in out
    assert "Reviewed 4 cards · Again 0" in out


def test_wrong_typed_answer_proposes_again(fixture_only: Path) -> None:
    result = run_drill("cards", "--topic", "optimizers", input="sgd\n\nq")
    assert reviews(fixture_only) == [("fx-short", 1)]
    assert "The answer is Adam" in result.stdout


def test_undo_takes_back_the_last_grade(fixture_only: Path) -> None:
    keys = " \n\n"  # explain with nothing ticked: the proposal is Again, accepted
    keys += "u"      # on the next card: undo -> the explain card comes back
    keys += " \n4q"  # reveal, finish checklist, Easy, quit
    result = run_drill("cards", input=keys)
    assert result.returncode == 0, result.stderr
    assert reviews(fixture_only) == [("fx-explain", 4)]
    assert "Undone" in result.stdout


def test_end_of_input_ends_the_session_cleanly(fixture_only: Path) -> None:
    result = run_drill("cards", "--most-asked", input=" ")
    assert result.returncode == 0
    assert "Session done" in result.stdout and reviews(fixture_only) == []


def _wait_for_reviews(home: Path, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if (home / "drill.db").exists() and len(reviews(home)) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"expected {count} reviews, have {reviews(home)}")


def _start_session(home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "drillcli", "cards"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ.copy())


def test_kill_9_mid_session_keeps_every_earlier_grade(fixture_only: Path) -> None:
    proc = _start_session(fixture_only)
    assert proc.stdin is not None
    proc.stdin.write(" ab\n\n 4 ")  # two grades, then reveal the third card and stop there
    proc.stdin.flush()
    _wait_for_reviews(fixture_only, 2, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert reviews(fixture_only) == [("fx-explain", 3), ("fx-recall", 4)]
    again = run_drill("list", "--json")
    states = {row["id"]: row["state"] for row in __import__("json").loads(again.stdout)}
    assert states["fx-recall"] == "review" and states["fx-cloze"] == "new"


def test_ctrl_c_ends_with_a_summary_and_keeps_grades(fixture_only: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "drillcli", "cards"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert proc.stdin is not None
    proc.stdin.write(" ab\n\n")
    proc.stdin.flush()
    _wait_for_reviews(fixture_only, 1, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    assert "Traceback" not in err
    assert "Every grade given so far is saved" in out
    assert reviews(fixture_only) == [("fx-explain", 3)]


def test_a_locked_database_is_one_clear_line_and_keeps_earlier_grades(fixture_only: Path) -> None:
    assert run_drill("cards", input=" ab\n\nq").returncode == 0
    holder = sqlite3.connect(fixture_only / "drill.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_drill("cards", input=" 4q", timeout=60)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and ("busy" in result.stderr or "locked" in result.stderr)
    assert reviews(fixture_only) == [("fx-explain", 3)]
