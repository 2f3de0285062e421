"""`drill code` and the offer at the end of `drill`, through the real CLI with the bundled challenges."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def test_a_wrong_file_is_graded_and_the_user_gives_up(drill_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the traceback's long temporary path on one line
    result = run_drill("code", "softmax", "--minutes", "2", "--device", "cpu", input="\nq", timeout=120)
    assert result.returncode == 0, result.stderr
    assert (drill_home / "workspace" / "softmax.py").read_text() == (
        bundled_challenges_dir() / "softmax" / "starter.py").read_text()
    assert "runtime_error" in result.stdout and "NotImplementedError" in result.stdout
    assert "Given up after 1 graded save" in result.stdout and "reference: softmax" in result.stdout
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines.count("NotImplementedError") == 1, result.stdout  # once, under the first test's traceback
    assert "13 tests: NotImplementedError" in result.stdout
    assert f'File "{drill_home / "workspace" / "softmax.py"}"' in result.stdout  # not the attempt's copy
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


def _wait_for(path: Path, text: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"no {text!r} in {path.read_text(errors='replace') if path.exists() else 'nothing'}")


def test_a_workspace_file_gone_missing_is_a_note_not_a_crash(drill_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "out.txt"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "drillcli", "code", "softmax", "--minutes", "2",
                                 "--device", "cpu"], stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                                text=True, env=os.environ.copy())
        assert proc.stdin is not None
        try:
            _wait_for(log, "Every save is graded", proc)
            (drill_home / "workspace" / "softmax.py").unlink()  # as an editor that saves by renaming
            time.sleep(0.5)  # a few polls of the file
            proc.stdin.write("\n")  # grade now
            proc.stdin.flush()
            _wait_for(log, "save it again", proc)
            proc.stdin.write("q")
            proc.stdin.close()
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    text = log.read_text()
    assert proc.returncode == 0 and "Traceback" not in text, text
    assert "No submission graded" in text
    assert not (drill_home / "drill.db").exists() or attempts(drill_home) == []


def test_the_countdown_starts_when_the_prompt_is_shown_and_an_untouched_starter_is_not_graded(
        drill_home: Path, tmp_path: Path) -> None:
    # Loading torch takes seconds; that time must not come off the user's clock.
    log = tmp_path / "out.txt"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "drillcli", "code", "softmax", "--minutes", "0.1",
                                 "--device", "cpu"], stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                                text=True, env=os.environ.copy())
        try:
            _wait_for(log, "Every save is graded", proc)
            shown = time.monotonic()
            _wait_for(log, "Time is up", proc)
            countdown = time.monotonic() - shown
        finally:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=60)
    assert countdown >= 5.7, f"a 6 s countdown ended {countdown:.1f} s after the prompt appeared"
    # time up on the untouched starter: nothing graded, no attempt recorded
    assert "No submission graded" in log.read_text()
    assert not (drill_home / "drill.db").exists() or attempts(drill_home) == []


def test_ctrl_c_in_todays_drill_ends_it_without_the_challenge_offer(drill_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "out.txt"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "drillcli"], stdin=subprocess.PIPE, stdout=out,
                                stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
        try:
            _wait_for(log, "Space/Enter", proc)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)  # stdin stays open: an offer would wait for its key
        finally:
            if proc.poll() is None:
                proc.kill()
            assert proc.stdin is not None
            proc.stdin.close()
    text = log.read_text()
    assert proc.returncode == 0 and "Traceback" not in text, text
    assert "Every grade given so far is saved" in text and "Timed challenge" not in text


def test_check_shows_what_the_program_printed_verbatim(tmp_path: Path) -> None:
    sub = tmp_path / "sub.py"
    sub.write_text('import torch\n\n\ndef softmax(x, dim=-1):\n    print("[bold]hi[/]")\n    return x * 0\n')
    result = run_drill("check", str(sub), "--challenge", "softmax", "--device", "cpu", timeout=120)
    assert result.returncode == 1 and "wrong_answer" in result.stdout
    assert "[bold]hi[/]" in result.stdout and "\\[bold]" not in result.stdout


def test_check_lists_no_tests_when_none_ran(tmp_path: Path) -> None:
    sub = tmp_path / "sub.py"
    sub.write_text("def softmax(x, dim=-1):\n    return (\n")
    result = run_drill("check", str(sub), "--challenge", "softmax", "--device", "cpu", timeout=120)
    assert result.returncode == 1 and "syntax_error" in result.stdout and "was never closed" in result.stdout
    assert "not run" not in result.stdout  # thirteen rows of "skipped" would only hide the message


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None, reason="this machine may have CUDA")
def test_a_device_that_is_not_there_ends_the_attempt_without_waiting_for_a_save(
        drill_home: Path, tmp_path: Path) -> None:
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "drillcli", "code", "softmax", "--device", "cuda"],
                                stdin=subprocess.PIPE, stdout=stdout, stderr=stderr, env=os.environ.copy())
        try:
            proc.wait(timeout=120)  # stdin stays open: no key, no save
        finally:
            if proc.poll() is None:
                proc.kill()
            assert proc.stdin is not None
            proc.stdin.close()
    printed, said = out.read_text(), err.read_text()
    assert proc.returncode == 2, printed + said
    assert "Numerically stable softmax" in printed  # the prompt came first
    assert said.count("no CUDA device is available") == 1 and "no CUDA" not in printed
