"""The pure pieces of a timed challenge: failure groups, the lesson, the diff rows, the editor plan."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

from drillcli.bank.challenges import find_challenge
from drillcli.coding.editor import EditWay, open_editor, plan_edit
from drillcli.coding.failures import group_failures, report_message_is_news, summary_line
from drillcli.coding.grading import shown_as
from drillcli.coding.teach import Side, known_mistakes, lesson_for, side_by_side
from drillcli.grader import report as R
from drillcli.paths import bundled_bank_dir

TRACE = 'Traceback (your code, most recent call last):\n  File "{f}", line 6, in softmax\n    raise ' \
        'NotImplementedError\nNotImplementedError'


def report(tests: list[R.TestOutcome], message: str = "") -> R.GradeReport:
    return R.GradeReport("softmax", "runtime_error", 0, len(tests), "cpu", 4.0, tests, message=message)


def test_the_same_error_in_every_test_is_one_group_with_the_first_test_in_full() -> None:
    tests = [R.TestOutcome(f"t{i}", "error", TRACE.format(f="a.py")) for i in range(13)]
    groups = group_failures(tests)
    assert len(groups) == 1 and groups[0].count == 13
    assert groups[0].summary == "NotImplementedError" and groups[0].first.name == "t0"
    assert not report_message_is_news(report(tests, "NotImplementedError"), groups)  # said once, not twice


def test_failures_differing_only_in_numbers_and_inputs_are_one_group() -> None:
    tests = [
        R.TestOutcome("a", "passed"),
        R.TestOutcome("big", "failed", "inputs (float32[3, 8], -1): output: 10 NaN value(s), first at [0, 0]"),
        R.TestOutcome("neg", "failed", "inputs (float32[4, 6], 0): output: 24 NaN value(s), first at [0, 0]"),
        R.TestOutcome("shape", "failed", "inputs (float32[2]): shape (3,) where (2,) was expected"),
        R.TestOutcome("skip", "skipped", "not run"),
    ]
    groups = group_failures(tests)
    assert [(g.count, g.first.name) for g in groups] == [(2, "big"), (1, "shape")]
    assert groups[0].summary == "output: 10 NaN value(s), first at [0, 0]"
    assert summary_line("") == ""


def test_a_whole_submission_message_that_says_something_new_is_kept() -> None:
    tests = [R.TestOutcome("t", "error", "killed")]
    assert report_message_is_news(report(tests, "time limit of 2 s exceeded"), group_failures(tests))


def test_tracebacks_name_the_workspace_file_not_the_graded_copy(tmp_path: Path) -> None:
    copy, workspace = tmp_path / "attempts" / "20260101T000000.py", tmp_path / "workspace" / "softmax.py"
    graded = report([R.TestOutcome("t", "error", TRACE.format(f=copy.name))], message=f"{copy}:3: bad")
    shown = shown_as(graded, copy, workspace)
    assert f'File "{workspace}", line 6' in shown.tests[0].message and copy.name not in shown.tests[0].message
    assert shown.message == f"{workspace}:3: bad"


def test_the_lesson_is_the_explanation_or_else_the_mutants_mistakes() -> None:
    challenge = find_challenge([bundled_bank_dir()], "softmax")
    mistakes = known_mistakes(challenge)
    assert "exp overflows for scores around 1e4: inf / inf gives NaN" in mistakes
    assert not any("library" in m for m in mistakes)  # calling a forbidden API is a rule, not a mistake
    bare = dataclasses.replace(challenge, meta=challenge.meta.model_copy(update={"explanation": ""}))
    assert lesson_for(bare).from_mutants and "Classic mistakes" in lesson_for(bare).explanation
    written = dataclasses.replace(challenge, meta=challenge.meta.model_copy(update={"explanation": "**Idea** x"}))
    lesson = lesson_for(written)
    assert lesson.explanation == "**Idea** x" and not lesson.from_mutants and "def softmax" in lesson.reference


def test_side_by_side_aligns_equal_lines_and_marks_the_rest() -> None:
    rows = side_by_side("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(r.left, r.right, r.side) for r in rows] == [
        ("a", "a", Side.SAME), ("b", "B", Side.CHANGED), ("c", "c", Side.SAME), (None, "d", Side.ONLY_RIGHT)]


def test_the_editor_opens_beside_the_countdown_only_where_it_can(tmp_path: Path) -> None:
    path = tmp_path / "softmax.py"
    gui = plan_edit(path, {"VISUAL": "code --wait", "EDITOR": "vim"})
    assert gui.way is EditWay.GUI and gui.argv == ["code", "--wait", str(path)]
    tmux = plan_edit(path, {"EDITOR": "nvim", "TMUX": "/tmp/tmux-0/default,1,0"})
    assert tmux.way is EditWay.TMUX and tmux.argv[:3] == ["tmux", "split-window", "-h"]
    assert tmux.argv[3] == f"nvim {path}"
    plain = plan_edit(path, {"EDITOR": "vim"})
    assert plain.way is EditWay.NONE and plain.how == f"vim {path}"
    assert plan_edit(path, {"EDITOR": "emacsclient -c"}).way is EditWay.GUI
    assert plan_edit(path, {}).how == f"vi {path}"


def test_a_gui_editor_is_started_apart_and_the_call_returns_at_once(tmp_path: Path) -> None:
    marker, go = tmp_path / "opened.txt", tmp_path / "go"
    editor = tmp_path / "bin" / "code"  # named like a GUI editor; it runs until the test lets it go
    editor.parent.mkdir()
    editor.write_text(f'#!/bin/sh\nwhile [ ! -e "{go}" ]; do sleep 0.02; done\necho "$@" > "{marker}"\n')
    editor.chmod(0o755)
    path = tmp_path / "softmax.py"
    plan = plan_edit(path, {"VISUAL": str(editor)})
    assert plan.way is EditWay.GUI and open_editor(plan) is None  # returned while the editor still runs
    go.touch()
    for _ in range(200):
        if marker.exists() and marker.read_text().strip():
            break
        time.sleep(0.05)
    assert marker.read_text().strip() == str(path)
    assert open_editor(plan_edit(path, {"VISUAL": str(tmp_path / "missing" / "code")})) is not None


def test_nothing_below_the_prompt_imports_torch() -> None:
    code = ("import sys, drillcli.cli.code, drillcli.cli.code_screen, drillcli.coding.grading;"
            "from drillcli.bank.challenges import find_challenge; from drillcli.paths import bundled_bank_dir;"
            "drillcli.coding.grading.PoolGrader(find_challenge([bundled_bank_dir()], 'softmax'), 'cpu');"
            "print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
