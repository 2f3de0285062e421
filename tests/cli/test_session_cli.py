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


# --- on a real terminal (a pty): the screen is cleared before each card ----------------------------------

def _pty_session(args: list[str], script: list[tuple[str, str]], rows: int = 40) -> str:
    """Run the CLI on a pseudo-terminal; for each (expected, keys), wait until `expected` is on screen, then
    type `keys`. Returns everything the terminal received."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "drillcli", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen = b""

    def read_until(text: str) -> None:
        nonlocal seen
        start = len(seen)
        deadline = time.monotonic() + 30
        while text.encode() not in seen[start:]:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"waited for {text!r}; the terminal shows {seen[-1500:].decode(errors='replace')}")
            try:
                seen += os.read(master, 65536)
            except OSError:  # the program ended
                raise AssertionError(f"ended before {text!r}: {seen[-1500:].decode(errors='replace')}") from None

    try:
        for expected, keys in script:
            read_until(expected)
            os.write(master, keys.encode())
        proc.wait(timeout=30)
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return seen.decode(errors="replace")


def _screens(output: str) -> list[str]:
    return output.split("\x1b[2J")


def test_on_a_terminal_the_undo_notice_stays_on_screen(fixture_only: Path) -> None:
    out = _pty_session(["cards"], [
        ("1/", " "), ("Tick the points", "ab\n"), ("Enter:", "3"),  # explain graded Good
        ("2/", "u"),                                                   # the next card: undo
        ("Undone", "q"),
    ])
    last = _screens(out)[-1]
    assert "Undone:" in last and "fx-explain" in last and "Explain what a neuron computes" in last
    assert reviews(fixture_only) == []


def test_on_a_terminal_the_session_header_is_shown_with_the_first_card(fixture_only: Path) -> None:
    out = _pty_session(["cards"], [("1/", "q")])
    first = _screens(out)[1]
    assert "0 due" in first and "new" in first and "Explain what a neuron computes" in first


def test_a_second_space_does_not_grade_the_revealed_card(fixture_only: Path) -> None:
    keys = " ab\n\n"  # explain: Good
    keys += "  4"     # recall: Space reveals, a second Space (a double tap) does nothing, then Easy
    result = run_drill("cards", input=keys + "q")
    assert result.returncode == 0, result.stderr
    assert reviews(fixture_only) == [("fx-explain", 3), ("fx-recall", 4)]


def test_on_a_terminal_a_typed_answer_keeps_its_non_ascii_characters(fixture_only: Path) -> None:
    out = _pty_session(["cards", "--topic", "basics", "--new", "4"], [
        ("1/", " "), ("Tick the points", "ab\n"), ("Enter:", "4"),  # explain
        ("2/", " "), ("Enter:", "4"),                               # recall
        ("3/", " "), ("Enter:", "4"),                               # cloze
        ("answer›", "55 ½\n"), ("Enter:", "q"),                     # numeric
    ])
    assert "55 ½ is not a number" in out


def test_on_a_short_terminal_the_whole_checklist_stays_visible(fixture_only: Path) -> None:
    # Three points and the count do not fit in three rows: nothing may hide behind '...'.
    out = _pty_session(["cards"], [("1/", " "), ("Tick the points", "a"), ("1/2 must", "\n"), ("Enter:", "q")],
                       rows=3)
    assert "[x] a" in out and "1/2 must points made" in out


def test_a_key_point_with_brackets_is_shown_as_written(fixture_only: Path, tmp_path: Path) -> None:
    bank = tmp_path / "bank" / "cards"
    bank.mkdir(parents=True)
    (bank / "b.yaml").write_text(
        "format: 1\ntopic: init\ncards:\n  - id: kp-brackets\n    type: explain\n    prompt: Why?\n"
        "    answer: Because.\n    key_points:\n      must: ['Var(y) = n_in·Var(w)·E[x²]', 'x[bold]y']\n")
    (fixture_only / "config.toml").write_text(f'include_bundled = false\nbanks = ["{bank.parent}"]\n')
    result = run_drill("cards", input=" \nq")
    assert result.returncode == 0, result.stderr
    assert "Var(y) = n_in·Var(w)·E[x²]" in result.stdout and "x[bold]y" in result.stdout


def test_an_empty_line_is_not_taken_as_a_typed_answer(fixture_only: Path) -> None:
    keys = " ab\n\n 4 2"  # explain, recall, cloze
    keys += "\n55\n3"     # numeric: a stray Enter first, then the answer, then Good
    result = run_drill("cards", input=keys + "q")
    assert result.returncode == 0, result.stderr
    assert reviews(fixture_only)[-1] == ("fx-numeric", 3)
    assert "✓ Correct: 55" in result.stdout and "not a number" not in result.stdout
