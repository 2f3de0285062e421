"""The warm pool, the one-shot API and the JSON shape."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from drillcli.grader import GradeCancelled, GradeReport, GraderPool, grade_file
from drillcli.grader.report import VERDICTS
from tests.grader.attack_runner import processes_with
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
        first_spare = pool.standing_processes()["spare"]
        report = pool.grade(SUBMISSIONS / "good.py", challenge, measure_runtime=False)
        assert report.verdict == "accepted"
        assert pool.wait_ready()
        assert pool.standing_processes()["spare"] != first_spare  # a fresh process for the next submission
        assert pool.grade(SUBMISSIONS / "nan.py", challenge).verdict == "wrong_answer"
    assert pool.standing_processes() == {}
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


def test_start_returns_at_once_and_ready_says_when_warm() -> None:
    pool = GraderPool("cpu").start(fixture_challenge("fx_softmax"))
    try:
        assert not pool.ready()  # the fork server is still importing torch
        assert pool.wait_ready() and pool.ready() and pool.startup_error is None
        assert str(pool.isolation.level) in ("namespaces", "landlock", "process")
    finally:
        pool.close()


def test_cancel_from_another_thread_ends_the_grade_and_its_processes(pool) -> None:
    outcome: list[object] = []

    def grade() -> None:
        try:
            outcome.append(pool.grade(SUBMISSIONS / "attack_long_run.py", fixture_challenge("fx_roomy")))
        except GradeCancelled as exc:
            outcome.append(exc)

    marker = "drill-attack-long-run"
    worker = threading.Thread(target=grade)
    worker.start()
    for _ in range(600):
        if len(processes_with(marker)) >= 2 or not worker.is_alive():
            break
        time.sleep(0.05)
    assert processes_with(marker), "the submission never started"
    pool.cancel()
    worker.join(30)
    assert not worker.is_alive() and isinstance(outcome[0], GradeCancelled)
    for _ in range(200):
        if not processes_with(marker):
            break
        time.sleep(0.05)
    assert processes_with(marker) == []
    assert pool.grade(SUBMISSIONS / "good.py", fixture_challenge("fx_softmax"),
                      measure_runtime=False).verdict == "accepted"  # the pool goes on
