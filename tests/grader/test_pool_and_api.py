"""The warm pool, the one-shot API and the JSON shape."""

from __future__ import annotations

import os
import subprocess
import sys

from drillcli.grader import GradeReport, GraderPool, grade_file
from drillcli.grader.report import VERDICTS
from tests.grader.conftest import SUBMISSIONS, fixture_challenge, live_processes_under


def test_importing_the_grader_does_not_import_torch() -> None:
    code = "import drillcli.grader, drillcli.cli.check, sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_pool_reuses_a_warm_spare_and_leaves_nothing() -> None:
    challenge = fixture_challenge("fx_softmax")
    before = live_processes_under(os.getpid())  # another pool of this test process may be running
    with GraderPool("cpu") as pool:
        assert pool.wait_ready()
        first_spare = pool._spare.pid
        report = pool.grade(SUBMISSIONS / "good.py", challenge, measure_runtime=False)
        assert report.verdict == "accepted"
        assert pool.wait_ready()
        assert pool._spare.pid != first_spare  # a fresh process for the next submission
        assert pool.grade(SUBMISSIONS / "nan.py", challenge).verdict == "wrong_answer"
    assert pool._spare is None
    assert not live_processes_under(os.getpid()) - before


def test_one_shot_grade_file_and_json_shape() -> None:
    report = grade_file(SUBMISSIONS / "good.py", fixture_challenge("fx_softmax"), "cpu")
    assert isinstance(report, GradeReport)
    data = report.to_json()
    assert {"challenge", "verdict", "passed", "total", "device", "elapsed_ms", "tests"} <= set(data)
    assert data["verdict"] in VERDICTS and data["device"] == "cpu"
    assert data["passed"] == data["total"] == 3
    assert all(set(t) == {"name", "status", "message"} for t in data["tests"])
    assert data["runtime_ratio"] is None or data["runtime_ratio"] > 0
