"""The public entry points: `grade_file` (one shot) and `GraderPool` (a warm spare worker).

`GraderPool` keeps one worker started ahead of time, torch imported and warmed up (on CUDA: the
context initialised and a kernel run), so a verdict costs only the submission's own work. Each
submission uses the spare and kills it afterwards; a fresh spare starts in the background.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from drillcli.bank.challenges import Challenge
from drillcli.errors import UsageError
from drillcli.grader import report as R

DEVICES = ("auto", "cpu", "cuda", "mps")


def resolve_device(requested: str) -> str:
    """auto: CUDA when available (MPS on a Mac), else the CPU. Raises `UsageError` for the impossible."""
    import torch

    requested = requested.lower().strip()
    if requested not in DEVICES:
        raise UsageError(f"unknown device {requested!r} (choose auto, cpu or cuda)")
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


class _TestsCache:
    """Each challenge's tests module and cases, built once per device."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, str], list[Any]] = {}

    def get(self, challenge: Challenge, device: str) -> list[Any]:
        key = (str(challenge.folder.resolve()), device)
        if key not in self.cases:
            self.cases[key] = list(_load_tests(challenge).cases(device))
        return self.cases[key]


def _load_tests(challenge: Challenge) -> ModuleType:
    name = f"drill_hidden_tests_{challenge.id.replace('-', '_').replace('.', '_')}"
    spec = importlib.util.spec_from_file_location(name, challenge.tests_path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(challenge.tests_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class GraderPool:
    """A warm worker kept ready for one device. Use as a context manager or call `close()`.

    On the CPU (Linux) a fork server holds torch imported and forks each fresh worker; elsewhere
    (CUDA, whose context does not survive a fork) the spare is a whole new process started ahead.
    Not thread-safe: grade one submission at a time.
    """

    def __init__(self, device: str = "auto") -> None:
        self.device = resolve_device(device)
        self._spare: Any = None
        self._zygote: Any = None
        self._starting: threading.Thread | None = None
        self._lock = threading.Lock()
        self._tests = _TestsCache()
        self._closed = False
        self._expect: tuple[str, ...] = ()  # the forbidden set the next spare installs ahead
        self._retired: list[Any] = []  # workers stopped, whose escaped descendants are still hunted

    def start(self) -> GraderPool:
        """Start the spare worker now (returns at once; it warms up in the background)."""
        if self._closed:
            return self
        if self.device == "cpu" and sys.platform.startswith("linux"):
            self._start_zygote()
            self._replenish()
            return self
        with self._lock:
            if self._spare is None:
                from drillcli.grader.procs import spawn_worker

                self._spare = spawn_worker(self.device)
        return self

    def wait_ready(self, timeout: float = 180.0) -> bool:
        """Block until a spare is warm (torch imported); True when it is."""
        import select

        if self._spare is None:
            self._join_starter()
        if self._spare is None:
            self.start()
            self._join_starter()
        spare = self._spare
        if spare is None:
            return False
        readable = select.select([spare.results_fd], [], [], timeout)[0]
        return bool(readable) and spare.popen.poll() is None

    def grade(self, path: Path, challenge: Challenge, *, measure_runtime: bool = True) -> R.GradeReport:
        return grade_file(path, challenge, self.device, pool=self, measure_runtime=measure_runtime)

    def close(self) -> None:
        self._closed = True
        self._join_starter()
        self._sweep_retired()
        from drillcli.grader.procs import kill_tree

        with self._lock:
            spare, self._spare = self._spare, None
            zygote, self._zygote = self._zygote, None
        if spare is not None:
            kill_tree(spare)
        if zygote is not None:
            zygote.close()

    def __enter__(self) -> GraderPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.close()

    # ---- used by grade_file ----

    def _start_zygote(self) -> None:
        from drillcli.grader.procs import Zygote

        with self._lock:
            if self._zygote is None or self._zygote.popen.poll() is not None:
                self._zygote = Zygote(self.device)

    def prepare(self, challenge: Challenge, timeout: float = 180.0) -> bool:
        """Everything ahead of the first submission: a spare set up for `challenge`, and torch and the
        hidden tests loaded on the trusted side. Blocks; True once the spare is warm."""
        self.expect(challenge)
        self._tests.get(challenge, self.device)
        return self.wait_ready(timeout)

    def expect(self, challenge: Challenge) -> None:
        """Prepare spares for `challenge` (its forbidden APIs installed ahead: a faster verdict)."""
        self._expect = tuple(challenge.meta.forbidden)

    def _fork_spare(self) -> None:
        self._sweep_retired()
        try:
            worker = self._zygote.fork_worker(self._expect)
        except (OSError, AttributeError):
            return  # the next grade starts a plain worker instead
        with self._lock:
            if self._spare is None and not self._closed:
                self._spare, worker = worker, None
        if worker is not None:
            from drillcli.grader.procs import kill_tree

            kill_tree(worker)

    def _take(self, challenge: Challenge) -> Any:
        from drillcli.grader.procs import kill_tree, spawn_worker

        self._join_starter()
        wanted = tuple(challenge.meta.forbidden)
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None and spare.forbidden and spare.forbidden != wanted:
            kill_tree(spare)  # prepared for another challenge
            spare = None
        self._expect = wanted
        if spare is None and self._zygote is not None:
            try:
                spare = self._zygote.fork_worker(wanted)
            except OSError:
                spare = None
        return spare if spare is not None else spawn_worker(self.device)

    def _retire(self, worker: Any) -> None:
        """Stop the worker's group now; the full hunt and reaping run with the next spare's fork."""
        from drillcli.grader.procs import stop_group

        stop_group(worker)
        self._retired.append(worker)

    def _sweep_retired(self) -> None:
        from drillcli.grader.procs import kill_tree

        while self._retired:
            kill_tree(self._retired.pop())

    def _replenish(self) -> None:
        if self._closed:
            return
        if self._zygote is None:
            self._sweep_retired()
            self._starting = threading.Thread(target=self.start, daemon=True)
        else:
            self._starting = threading.Thread(target=self._fork_spare, daemon=True)
        self._starting.start()

    def _join_starter(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None


def grade_file(
    path: Path,
    challenge: Challenge,
    device: str = "auto",
    pool: GraderPool | None = None,
    *,
    measure_runtime: bool = True,
) -> R.GradeReport:
    """Grade one file against `challenge`'s hidden tests, in a fresh process of its own.

    Raises `UsageError` for an unreadable file or an impossible device; everything about the
    submission itself (including a crash or a limit) is in the returned report's verdict.
    """
    started = time.monotonic()
    path = Path(path)
    source = read_submission(path)
    _quiet_judge_threads()
    resolved = pool.device if pool is not None else resolve_device(device)
    tests = pool._tests if pool is not None else _TestsCache()
    try:
        cases = tests.get(challenge, resolved)
    except Exception as exc:  # noqa: BLE001 - the bank's tests module is broken: our bug
        return _early(challenge, resolved, started, [], R.INTERNAL_ERROR,
                      f"the hidden tests of {challenge.id!r} failed to load: {type(exc).__name__}: {exc}")
    early = _precheck(challenge, resolved, started, cases, source, path)
    if early is not None:
        return early
    return _grade_in_worker(challenge, resolved, started, cases, source, path, pool, measure_runtime)


def _quiet_judge_threads() -> None:
    """The judge compares small tensors: one intra-op thread is fastest and leaves the cores free.

    (With OpenMP's default pool, each tiny comparison op cost milliseconds on a busy machine.)"""
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def _precheck(challenge: Challenge, device: str, started: float, cases: list[Any], source: bytes,
              path: Path) -> R.GradeReport | None:
    from drillcli.grader.engine import defines_entry, syntax_problem

    problem = syntax_problem(source, path)
    if problem is not None:
        return _early(challenge, device, started, cases, R.SYNTAX_ERROR, problem)
    entry = challenge.meta.entry_point
    if not defines_entry(source, entry):
        what = "class" if challenge.meta.kind == "class" else "function"
        return _early(challenge, device, started, cases, R.MISSING_ENTRY_POINT,
                      f"the file defines no {what} named `{entry}`")
    return None


def _early(challenge: Challenge, device: str, started: float, cases: list[Any], verdict: str,
           message: str) -> R.GradeReport:
    tests = [R.TestOutcome(c.name, R.SKIPPED, "not run") for c in cases]
    return R.GradeReport(challenge.id, verdict, 0, len(cases), device,
                         (time.monotonic() - started) * 1000, tests, message=message)


def _grade_in_worker(challenge: Challenge, device: str, started: float, cases: list[Any],
                     source: bytes, path: Path, pool: GraderPool | None,
                     measure_runtime: bool) -> R.GradeReport:
    from drillcli.grader.engine import WorkerFailed, grade_with_worker
    from drillcli.grader.procs import kill_tree, spawn_worker

    if pool is not None:
        acquire, retire = (lambda: pool._take(challenge)), pool._retire
    else:
        acquire, retire = (lambda: spawn_worker(device)), kill_tree
    try:
        run, channel, ratio = grade_with_worker(acquire, challenge, cases, path, source, device,
                                                measure_runtime, retire)
    except WorkerFailed as exc:
        return _early(challenge, device, started, cases, R.INTERNAL_ERROR, str(exc))
    finally:
        if pool is not None:
            pool._replenish()
    elapsed = (time.monotonic() - started) * 1000
    passed = sum(1 for t in run.outcomes if t.status == R.PASSED)
    output = bytes(channel.output).decode("utf-8", "replace") if channel is not None else ""
    excerpt = output[:EXCERPT] + ("\n... (cut)" if len(output) > EXCERPT else "")
    return R.GradeReport(
        challenge.id, run.verdict, passed, len(cases), device, elapsed, run.outcomes,
        message=run.message, runtime_ratio=ratio, output_excerpt=excerpt,
        forbidden_calls=list(dict.fromkeys(channel.violations)) if channel is not None else [],
    )


EXCERPT = 2000
