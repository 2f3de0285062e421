"""`drill code`'s screens rendered in-process."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from drillcli.bank.challenges import Challenge, find_challenge
from drillcli.cli import code_view as view
from drillcli.coding.loop import Outcome, Phase, Status, Tally
from drillcli.coding.teach import lesson_for
from drillcli.grader import report as R
from drillcli.paths import bundled_bank_dir

TRACE = 'Traceback (your code, most recent call last):\n  File "/w/softmax.py", line 6, in softmax\n    raise ' \
        'NotImplementedError\nNotImplementedError'


def screen() -> tuple[Console, StringIO]:
    out = StringIO()
    return Console(file=out, width=100, color_system=None, highlight=False), out


@pytest.fixture
def challenge() -> Challenge:
    return find_challenge([bundled_bank_dir()], "softmax")


def test_a_verdict_says_each_way_of_failing_once() -> None:
    con, out = screen()
    tests = [R.TestOutcome(f"test_{i}", "error", TRACE) for i in range(13)]
    view.render_report(con, R.GradeReport("softmax", "runtime_error", 0, 13, "cpu", 31, tests,
                                          message="NotImplementedError"))
    text = out.getvalue()
    assert text.splitlines()[0] == "✗ runtime_error  0/13 tests  31 ms"
    assert "13 tests: NotImplementedError" in text and "first: test_0" in text and "test_1" not in text
    assert [line.strip() for line in text.splitlines()].count("NotImplementedError") == 1
    assert 'File "/w/softmax.py", line 6' in text


def test_the_status_line_shows_grading_time_and_the_countdown() -> None:
    last = R.GradeReport("softmax", "wrong_answer", 11, 13, "cpu", 40)
    grading = view.status_text(Status(125.4, Phase.GRADING, 1.23, last, False)).plain
    assert grading == "⏱ 02:05  ·  grading… 1.2 s"
    idle = view.status_text(Status(59, Phase.IDLE, 0, last, False)).plain
    assert idle == "⏱ 00:59  ·  last: wrong_answer 11/13"
    waiting = view.status_text(Status(600, Phase.WAITING, 2.0, None, False), confirming=True).plain
    assert "save received · grader warming up… 2.0 s" in waiting and "Give up and see the reference?" in waiting
    assert "time is up · grading…" in view.status_text(Status(0, Phase.GRADING, 3, None, True)).plain


def test_hints_render_as_markdown(challenge: Challenge) -> None:
    con, out = screen()
    view.render_hint(con, 2, 3, challenge.meta.hints[1])
    text = out.getvalue()
    assert text.startswith("Hint 2/3: Subtract the maximum along dim") and "`" not in text and "**" not in text


def test_the_accepted_screen_shows_time_attempts_hints_and_speed(challenge: Challenge) -> None:
    con, out = screen()
    last = R.GradeReport("softmax", "accepted", 13, 13, "cpu", 40, runtime_ratio=1.14)
    view.render_accepted(con, challenge, Tally(attempts=3, hints_used=1, solved_after_s=125, last=last), 10)
    assert out.getvalue().strip() == (
        "Solved softmax  ·  2m05s of 10 min  ·  3 attempts  ·  1/3 hints  ·  1.1× the reference's time")


def test_stopping_says_where_the_file_is_and_how_to_resume(challenge: Challenge) -> None:
    con, out = screen()
    view.render_end(con, Outcome.STOPPED, challenge, Tally(), Path("/w/softmax.py"))
    assert out.getvalue().strip() == "Stopped. Your file stays at /w/softmax.py; `drill code softmax` resumes it."


def test_the_lesson_shows_the_reference_and_the_explanation(challenge: Challenge) -> None:
    con, out = screen()
    view.render_lesson(con, challenge, lesson_for(challenge))
    text = out.getvalue()
    assert "reference: softmax" in text and "x.amax(dim=dim, keepdim=True)" in text
    assert "exp overflows" in text or challenge.explanation.split()[0].strip("*#") in text


def test_the_diff_puts_your_file_beside_the_reference() -> None:
    con, out = screen()
    view.render_diff(con, "import torch\nreturn x.exp()\n", "import torch\nreturn shifted.exp()\n")
    lines = out.getvalue().splitlines()
    assert "your file" in lines[0] and "reference" in lines[0]
    changed = next(line for line in lines if "x.exp()" in line)
    assert "|" in changed and "shifted.exp()" in changed


def test_hints_are_shown_as_written_brackets_included() -> None:
    con, out = screen()
    hints = find_challenge([bundled_bank_dir()], "bce_with_logits").meta.hints
    view.render_hint(con, 3, 3, hints[2])
    assert "[eps, 1 − eps]" in out.getvalue() and "torch.log1p" in out.getvalue()  # not taken as markup
