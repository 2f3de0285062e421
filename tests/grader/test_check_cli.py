"""`drill check` end to end, in a real process."""

from __future__ import annotations

import json

from drillcli.paths import bundled_challenges_dir
from tests.conftest import run_drill
from tests.grader.conftest import SUBMISSIONS

SOFTMAX = bundled_challenges_dir() / "softmax"


def test_accepted_exits_0_with_only_json_on_stdout() -> None:
    result = run_drill("check", str(SOFTMAX / "reference.py"), "--challenge", "softmax",
                       "--device", "cpu", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verdict"] == "accepted" and data["device"] == "cpu"
    assert data["passed"] == data["total"] == len(data["tests"])


def test_other_verdict_exits_1_and_prints_are_not_echoed() -> None:
    result = run_drill("check", str(SUBMISSIONS / "prints_a_little.py"), "--challenge", "softmax",
                       "--json")
    # The bundled softmax has more tests; this file is correct, so: accepted (0) and pure JSON.
    data = json.loads(result.stdout)
    assert "hello from the submission" in data["output_excerpt"]
    assert result.stdout.count("\n") == 1  # one JSON object, nothing the submission printed
    wrong = run_drill("check", str(SOFTMAX / "mutants" / "naive_exp.py"), "-c", "softmax", "--json")
    assert wrong.returncode == 1
    assert json.loads(wrong.stdout)["verdict"] == "wrong_answer"


def test_misuse_exits_2() -> None:
    unknown = run_drill("check", str(SOFTMAX / "reference.py"), "--challenge", "no_such_thing")
    assert unknown.returncode == 2
    assert "unknown challenge" in unknown.stderr + unknown.stdout
    missing = run_drill("check", "does-not-exist.py", "--challenge", "softmax", "--json")
    assert missing.returncode == 2
    assert "no such file" in json.loads(missing.stdout)["error"]  # CONTRACT: errors as JSON too
    device = run_drill("check", str(SOFTMAX / "reference.py"), "-c", "softmax", "--device", "tpu")
    assert device.returncode == 2


def test_terminal_view_shows_verdict_and_table() -> None:
    result = run_drill("check", str(SUBMISSIONS / "syntax_error.py"), "-c", "softmax")
    assert result.returncode == 1
    assert "syntax_error" in result.stdout
    assert "line 4, column" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
