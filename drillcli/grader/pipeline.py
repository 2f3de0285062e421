"""The one grading path: source checks -> a run in a worker -> judging -> the report.

    report = grade(path, challenge, "cpu", OneShot("cpu"))      # drill check: a fresh worker
    report = grade(path, challenge, pool.device, pool)          # drill code: the warm pool

`Workers` is the small interface both worker providers implement (drillcli.grader.pool.GraderPool
and `OneShot` here): hand out a started worker for a challenge, and take it back when done.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from drillcli.bank.challenges import Challenge
from drillcli.errors import UsageError
from drillcli.grader import report as R
from drillcli.grader.report import Status, Verdict

if TYPE_CHECKING:
    from drillcli.grader.judge import Run
    from drillcli.grader.procs import WorkerProcess
    from drillcli.grader.run import Submission

DEVICES = ("auto", "cpu", "cuda", "mps")
EXCERPT = 2000


class GradeCancelled(Exception):
    """The grade in flight was cancelled (`GraderPool.cancel()` or `close()`); there is no verdict."""


class Workers(Protocol):
    """Where a submission's worker comes from, and where it goes after the verdict."""

    @property
    def device(self) -> str: ...

    def acquire(self, challenge: Challenge) -> WorkerProcess:
        """A started worker (possibly still warming up: the caller waits for its "ready")."""

    def release(self, worker: WorkerProcess) -> None:
        """The verdict is in: end the worker and everything it started."""


class OneShot:
    """A fresh fork server and one worker per grade (`drill check`), ended with the verdict."""

    def __init__(self, device: str, *, isolation: str | None = None) -> None:
        self._device = device
        self._isolation = isolation  # the strongest sandbox level to try (default: DRILL_SANDBOX)
        self._zygote: Any = None

    @property
    def device(self) -> str:
        return self._device

    def acquire(self, challenge: Challenge) -> WorkerProcess:
        from drillcli.grader.procs import Zygote, spawn_worker

        if not sys.platform.startswith("linux"):
            return spawn_worker(self._device)
        self._zygote = Zygote(self._device, self._isolation)
        return self._zygote.fork_worker(tuple(challenge.meta.forbidden))  # type: ignore[no-any-return]

    def release(self, worker: WorkerProcess) -> None:
        from drillcli.grader.procs import kill_tree

        try:
            kill_tree(worker)
        finally:
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None


# ---- the pipeline -------------------------------------------------------------------------------

def grade(submission: Path | Submission, challenge: Challenge, device: str, workers: Workers, *,
          measure_runtime: bool = True, display_name: str | None = None) -> R.GradeReport:
    """Grade one submission against `challenge`'s hidden tests in a worker from `workers`.

    Raises `UsageError` for an unreadable file and `DrillError` for a bundled challenge whose files
    were changed after installation; everything about the submission itself is the report's verdict.
    """
    from drillcli.bank.manifest import verify_bundled
    from drillcli.grader.run import Run, Submission, WorkerFailed

    started = time.monotonic()
    if not isinstance(submission, Submission):
        submission = Submission(read_submission(submission), display_name or str(Path(submission).resolve()))
    verify_bundled(challenge.folder)
    _quiet_judge_threads()
    try:
        cases = hidden_cases(challenge, device)
    except Exception as exc:  # noqa: BLE001 - the bank's tests module is broken: our bug
        return _early(challenge, device, started, [], Verdict.INTERNAL_ERROR,
                      f"the hidden tests of {challenge.id!r} failed to load: {type(exc).__name__}: {exc}")
    early = _source_checks(challenge, device, started, cases, submission)
    if early is not None:
        return early
    try:
        return _run(Run(challenge, cases, device), submission, workers, started, measure_runtime)
    except (WorkerFailed, OSError) as exc:
        return _early(challenge, device, started, cases, Verdict.INTERNAL_ERROR,
                      f"the grader's worker did not start: {exc}")


def _run(run: Run, submission: Submission, workers: Workers, started: float, measure: bool
         ) -> R.GradeReport:
    from drillcli.grader.channel import Channel
    from drillcli.grader.run import run_in_worker, wait_ready

    waiting = time.monotonic()
    worker = workers.acquire(run.challenge)
    try:
        channel = Channel(worker)
        wait_ready(channel)
        startup_ms = (time.monotonic() - waiting) * 1000
        outcome = run_in_worker(channel, run, submission, measure)
    finally:
        workers.release(worker)
    output = outcome.output.decode("utf-8", "replace")
    excerpt = output[:EXCERPT] + ("\n... (cut)" if len(output) > EXCERPT else "")
    passed = sum(1 for t in run.outcomes if t.status == Status.PASSED)
    return R.GradeReport(
        run.challenge.id, run.verdict, passed, len(run.cases), run.device,
        (time.monotonic() - started) * 1000, run.outcomes, message=run.message,
        runtime_ratio=outcome.ratio, output_excerpt=excerpt, forbidden_calls=outcome.forbidden_calls,
        isolation=str(worker.level.level), isolation_reason=worker.level.reason, startup_ms=startup_ms,
    )


def _source_checks(challenge: Challenge, device: str, started: float, cases: list[Any],
                   submission: Submission) -> R.GradeReport | None:
    from drillcli.grader.source import defines_entry, syntax_problem

    problem = syntax_problem(submission.source, Path(submission.name))
    if problem is not None:
        return _early(challenge, device, started, cases, Verdict.SYNTAX_ERROR, problem)
    entry = challenge.meta.entry_point
    if not defines_entry(submission.source, entry):
        what = "class" if challenge.meta.kind == "class" else "function"
        return _early(challenge, device, started, cases, Verdict.MISSING_ENTRY_POINT,
                      f"the file defines no {what} named `{entry}`")
    return None


def _early(challenge: Challenge, device: str, started: float, cases: list[Any], verdict: Verdict,
           message: str) -> R.GradeReport:
    tests = [R.TestOutcome(c.name, Status.SKIPPED, "not run") for c in cases]
    return R.GradeReport(challenge.id, verdict, 0, len(cases), device,
                         (time.monotonic() - started) * 1000, tests, message=message)


def _quiet_judge_threads() -> None:
    """The judge compares small tensors: one intra-op thread is fastest and leaves the cores free.

    (With OpenMP's default pool, each tiny comparison op cost milliseconds on a busy machine.)"""
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


# ---- inputs: the device, the file, the hidden tests -----------------------------------------------

def check_device_name(requested: str) -> str:
    requested = requested.lower().strip()
    if requested not in DEVICES:
        raise UsageError(f"unknown device {requested!r} (choose auto, cpu or cuda)")
    return requested


def resolve_device(requested: str) -> str:
    """auto: CUDA when available (MPS on a Mac), else the CPU. Raises `UsageError` for the impossible."""
    import torch

    requested = check_device_name(requested)
    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        return "mps" if mps is not None and mps.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise UsageError("--device cuda: no CUDA device is available here (try --device cpu)")
    if requested == "mps" and not torch.backends.mps.is_available():
        raise UsageError("--device mps: MPS is not available here")
    return requested


def read_submission(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a Python file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


_cases: dict[tuple[str, str, int, int], list[Any]] = {}
_cases_lock = threading.Lock()


def hidden_cases(challenge: Challenge, device: str) -> list[Any]:
    """The challenge's hidden test cases, built once per device (again if tests.py changes)."""
    stat = challenge.tests_path.stat()
    key = (str(challenge.folder.resolve()), device, stat.st_mtime_ns, stat.st_size)
    with _cases_lock:
        if key not in _cases:
            _cases[key] = list(_load_tests(challenge).cases(device))
        return _cases[key]


def _load_tests(challenge: Challenge) -> ModuleType:
    name = f"drill_hidden_tests_{challenge.id.replace('-', '_').replace('.', '_')}"
    spec = importlib.util.spec_from_file_location(name, challenge.tests_path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(challenge.tests_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
