"""The judge: checks the file, sends hidden-test inputs to the submission's process, compares.

Runs in the caller's process (the trusted side). The expected values, the tests module and every
comparison stay here; the worker only ever receives a driver name and inputs.
"""

from __future__ import annotations

import ast
import math
import os
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from drillcli.bank.challenges import Challenge
from drillcli.grader import report as R
from drillcli.grader.api import Case, Failure, Result, close, describe
from drillcli.grader.procs import WorkerProcess, kill_tree, worker_threads
from drillcli.grader.wire import FrameReader, WireError, decode, encode, validated, write_frame

OUTPUT_LIMIT = 1024 * 1024
EXCERPT_CHARS = 2000
READY_TIMEOUT_S = 180.0
TIMING_TIMEOUT_S = 5.0
TIMING_REPEATS = 5


class Stop(Exception):
    """The worker can go no further: a limit, a crash. Carries the verdict and the message."""

    def __init__(self, verdict: str, message: str) -> None:
        super().__init__(message)
        self.verdict = verdict
        self.message = message


@dataclass
class Channel:
    """The judge's end of one worker: frames in, capped output drained alongside."""

    worker: WorkerProcess
    reader: FrameReader = field(init=False)
    output: bytearray = field(default_factory=bytearray)
    output_bytes: int = 0
    violations: list[str] = field(default_factory=list)
    # (case index or -1 for the import, API name) for each forbidden call reported
    violation_sites: list[tuple[int, str]] = field(default_factory=list)
    current_case: int = -1
    counting: bool = False

    def __post_init__(self) -> None:
        self.reader = FrameReader(self.worker.results_fd)

    def send(self, message: dict[str, Any], deadline: float) -> None:
        try:
            write_frame(self.worker.jobs_fd, encode(message), deadline)
        except TimeoutError:
            raise Stop(R.TIME_LIMIT, "time limit exceeded") from None
        except WireError:
            self.receive(deadline)  # the worker is gone: find out why
            raise Stop(R.RUNTIME_ERROR, "the submission's process stopped reading its inputs") from None

    def receive(self, deadline: float, what: str = "time limit exceeded") -> dict[str, Any]:
        """The next message other than a violation notice; raises `Stop` on a limit or a death."""
        while True:
            payload = self.reader.next_payload()
            if payload is not None:
                message = validated(decode(payload))
                if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                    raise Stop(R.RUNTIME_ERROR, "the submission's process sent a malformed message")
                if message["type"] == "violation":
                    self.violations.append(str(message.get("name")))
                    self.violation_sites.append((self.current_case, str(message.get("name"))))
                    continue
                return message
            if self.reader.closed:
                raise self.death()
            self.wait_readable(deadline, what)

    def wait_readable(self, deadline: float, what: str) -> None:
        timeout = deadline - time.monotonic()
        if timeout <= 0:
            raise Stop(R.TIME_LIMIT, what)
        fds = [self.worker.results_fd, self.worker.output_fd]
        readable, _, _ = select.select(fds, [], [], timeout)
        if self.worker.output_fd in readable:
            self.drain_output()
        if self.worker.results_fd in readable:
            self.reader.feed()

    def drain_output(self) -> None:
        try:
            chunk = os.read(self.worker.output_fd, 1 << 16)
        except (BlockingIOError, OSError):
            return
        if not self.counting:
            return  # before the job: the interpreter's own start-up noise
        self.output_bytes += len(chunk)
        if len(self.output) < 64 * 1024:
            self.output += chunk[: 64 * 1024 - len(self.output)]
        if self.output_bytes > OUTPUT_LIMIT:
            raise Stop(R.OUTPUT_LIMIT, f"the submission printed more than {OUTPUT_LIMIT // 1024} KiB")

    def discard_startup_output(self) -> None:
        while select.select([self.worker.output_fd], [], [], 0)[0]:
            try:
                if not os.read(self.worker.output_fd, 1 << 16):
                    break
            except (BlockingIOError, OSError):
                break
        self.counting = True

    def death(self) -> Stop:
        """Why the worker closed its pipe: its exit status, read within a moment."""
        for _ in range(3):  # output written just before the end still counts
            if select.select([self.worker.output_fd], [], [], 0)[0]:
                self.drain_output()
        try:
            code = self.worker.popen.wait(timeout=1.0)
        except Exception:  # noqa: BLE001 - still running with its pipe closed
            return Stop(R.RUNTIME_ERROR, "the submission's process closed the grader's pipe")
        return Stop(*_exit_verdict(code, bytes(self.output)))


def _exit_verdict(code: int, output: bytes) -> tuple[str, str]:
    if code >= 0:
        return (R.RUNTIME_ERROR, f"the submission's process exited (status {code}) before the tests "
                                 "finished; do not call sys.exit or os._exit")
    number = -code
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if number == signal.SIGXCPU:
        return R.TIME_LIMIT, "CPU time limit exceeded"
    if number == signal.SIGXFSZ:
        return R.OUTPUT_LIMIT, "the submission wrote a file larger than 64 MiB"
    if number == signal.SIGABRT and b"bad_alloc" in output:
        return R.MEMORY_LIMIT, "out of memory (std::bad_alloc)"
    what = _SIGNAL_NOTES.get(number, "")
    return R.RUNTIME_ERROR, f"the submission's process crashed with {name}{what}"


_SIGNAL_NOTES = {
    signal.SIGSEGV.value: " (segmentation fault)",
    signal.SIGBUS.value: " (bus error)",
    signal.SIGKILL.value: " (killed; out of memory?)",
    signal.SIGABRT.value: " (aborted)",
}


# ---- before any process: syntax and entry point -------------------------------------------------

def syntax_problem(source: bytes, path: Path) -> str | None:
    try:
        compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        line = (exc.text or "").rstrip("\n")
        where = f"line {exc.lineno}, column {exc.offset}" if exc.lineno else "unknown line"
        shown = f"\n    {line.strip()}" if line.strip() else ""
        return f"{where}: {exc.msg}{shown}"
    except ValueError as exc:  # null bytes
        return f"line 1, column 1: {exc}"
    return None


def defines_entry(source: bytes, entry: str) -> bool:
    """Whether the module binds `entry` at top level (or might, through `import *` or `globals()`)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return True
        if isinstance(node, ast.Name) and node.id in ("globals", "exec", "setattr", "vars"):
            return True
    return any(_binds(node, entry) for node in tree.body)


def _binds(node: ast.stmt, name: str) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    if isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
        inner = [*getattr(node, "body", []), *getattr(node, "orelse", []),
                 *getattr(node, "finalbody", []), *[s for h in getattr(node, "handlers", [])
                                                     for s in h.body]]
        return any(_binds(child, name) for child in inner)
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               for n in ast.walk(node))


# ---- judging one case ----------------------------------------------------------------------------

def inputs_text(case: Case) -> str:
    parts = [repr(a) if isinstance(a, (int, float, str, bool)) or a is None else describe(a)
             for a in case.args]
    parts += [f"{k}={v!r}" if isinstance(v, (int, float, str, bool)) or v is None
              else f"{k}={describe(v)}" for k, v in case.kwargs.items()]
    return f"inputs ({', '.join(parts)})"


def judge_result(case: Case, reply: dict[str, Any], device: str) -> tuple[str, str, str]:
    """(test status, message, verdict) for one reply the worker sent."""
    if not reply.get("ok"):
        kind = reply.get("kind") if reply.get("kind") in _WORKER_KINDS else R.RUNTIME_ERROR
        return R.ERROR, str(reply.get("message", "")), str(kind)
    result = Result(
        output=reply.get("output"),
        args_after=tuple(reply.get("args_after") or ()),
        kwargs_after=dict(reply.get("kwargs_after") or {}),
        grads=tuple(reply.get("grads") or ()),
    )
    try:
        _compare(case, result, str(reply.get("grad_error") or ""), device)
    except Failure as failure:
        return R.FAILED, f"{inputs_text(case)}: {failure}", R.WRONG_ANSWER
    except Exception as exc:  # noqa: BLE001 - an odd output that a check could not handle
        return (R.FAILED, f"{inputs_text(case)}: the output ({describe(result.output)}) could not "
                          f"be checked: {type(exc).__name__}: {exc}", R.WRONG_ANSWER)
    return R.PASSED, "", R.ACCEPTED


_WORKER_KINDS = {R.RUNTIME_ERROR, R.MEMORY_LIMIT, R.OUTPUT_LIMIT, R.FORBIDDEN, R.MISSING_ENTRY_POINT}


def _tolerances(case: Case, device: str) -> tuple[float | None, float | None]:
    if device != "cpu" and case.cuda_tol is not None:
        return max(case.atol or 0.0, case.cuda_tol), max(case.rtol or 0.0, case.cuda_tol)
    return case.atol, case.rtol


def _compare(case: Case, result: Result, grad_error: str, device: str) -> None:
    if not case.mutates:
        _check_unchanged(case, result)
    atol, rtol = _tolerances(case, device)
    if case.expected is not None:
        close(result.output, case.expected, atol=atol, rtol=rtol)
    if case.expected_grads is not None:
        if grad_error:
            raise Failure(f"gradient: {grad_error}")
        close(result.grads, tuple(case.expected_grads), what="gradient", atol=atol, rtol=rtol)
    if case.check is not None:
        case.check(result)


def _check_unchanged(case: Case, result: Result) -> None:
    pairs = [(f"argument {i + 1}", a, result.args_after[i] if i < len(result.args_after) else None)
             for i, a in enumerate(case.args)]
    pairs += [(f"argument {k!r}", v, result.kwargs_after.get(k)) for k, v in case.kwargs.items()]
    for label, before, after in pairs:
        if isinstance(before, torch.Tensor) and not _same_tensor(before, after):
            raise Failure(f"input {label} ({describe(before)}) was modified in place; "
                          "compute into a new tensor instead")


def _same_tensor(before: torch.Tensor, after: Any) -> bool:
    if type(after) is not torch.Tensor or after.shape != before.shape or after.dtype != before.dtype:
        return False
    if before.is_floating_point() or before.is_complex():
        return bool(((before == after) | (before.isnan() & after.isnan())).all())
    return torch.equal(before, after)


def summary(message: str) -> str:
    """One line for a whole-submission message: a traceback's last line, else the first line."""
    lines = [line for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[-1].strip() if lines[0].startswith("Traceback") else lines[0]


# ---- the whole submission ------------------------------------------------------------------------

@dataclass
class Run:
    """What is known so far about one submission."""

    challenge: Challenge
    cases: list[Case]
    device: str
    verdict: str = R.ACCEPTED
    message: str = ""
    outcomes: list[R.TestOutcome] = field(default_factory=list)
    loaded: bool = False  # the submission's module ran and its entry point was found

    def record(self, status: str, message: str, verdict: str) -> None:
        self.outcomes.append(R.TestOutcome(self.cases[len(self.outcomes)].name, status, message))
        self.raise_to(verdict, message)

    def raise_to(self, verdict: str, message: str) -> None:
        stronger = R.stronger(self.verdict, verdict)
        if stronger != self.verdict:
            self.verdict, self.message = stronger, summary(message)

    def skip_rest(self, reason: str = "not run") -> None:
        while len(self.outcomes) < len(self.cases):
            self.outcomes.append(R.TestOutcome(self.cases[len(self.outcomes)].name, R.SKIPPED, reason))


def job_message(challenge: Challenge, path: Path, source: bytes, device: str,
                cases: list[Case]) -> dict[str, Any]:
    meta = challenge.meta
    driver = challenge.driver_path
    cpu_limit = math.ceil(meta.time_limit_s * worker_threads()) + 10
    return {
        "type": "job", "path": str(path.resolve()), "source": source.decode("utf-8", "replace"),
        "entry": meta.entry_point, "kind": meta.kind, "forbidden": list(meta.forbidden),
        "driver_path": str(driver.resolve()) if driver else None, "device": device,
        "memory_limit_mb": meta.memory_limit_mb, "cpu_limit_s": cpu_limit,
        "cases": [case_message(i, c) for i, c in enumerate(cases)],
    }


def case_message(i: int, case: Case) -> dict[str, Any]:
    return {"type": "case", "i": i, "driver": case.driver, "args": tuple(case.args),
            "kwargs": dict(case.kwargs), "wrt": tuple(case.wrt), "grad_out": case.grad_out}


def run_submission(channel: Channel, run: Run, path: Path, source: bytes) -> None:
    """Drive the worker through the job; fills `run`. `Stop` ends it early with a verdict."""
    started = time.monotonic()
    deadline = started + run.challenge.meta.time_limit_s
    channel.discard_startup_output()
    channel.send(job_message(run.challenge, path, source, run.device, run.cases), deadline)
    loaded = channel.receive(deadline, "time limit exceeded while importing the file")
    if not loaded.get("ok"):
        kind = loaded.get("kind")
        kind = kind if kind in _WORKER_KINDS | {R.INTERNAL_ERROR} else R.RUNTIME_ERROR
        run.raise_to(str(kind), str(loaded.get("message", "")))
        run.message = str(loaded.get("message", ""))
        return
    run.loaded = True
    for i, case in enumerate(run.cases):
        case_deadline = deadline if case.timeout_s is None else min(deadline,
                                                                    time.monotonic() + case.timeout_s)
        channel.current_case = i
        reply = channel.receive(case_deadline, f"time limit exceeded in test {case.name!r}")
        if reply.get("type") != "result" or reply.get("i") != i:
            raise Stop(R.RUNTIME_ERROR, "the submission's process answered out of turn")
        run.record(*judge_result(case, reply, run.device))


def measure_ratio(channel: Channel, run: Run) -> float | None:
    """Submission time / reference time on the largest plain-call cases (after an accepted verdict)."""
    reference = run.challenge.reference_path
    calls = [c for c in run.cases if c.driver == "call"]
    if not reference.is_file() or not calls:
        return None
    calls.sort(key=lambda c: -sum(a.numel() for a in c.args if isinstance(a, torch.Tensor)))
    request = {"type": "time", "reference_path": str(reference.resolve()), "entry": run.challenge.meta.entry_point,
               "repeats": TIMING_REPEATS,
               "cases": [{"args": tuple(c.args), "kwargs": dict(c.kwargs)} for c in calls[:3]]}
    deadline = time.monotonic() + TIMING_TIMEOUT_S
    try:
        channel.send(request, deadline)
        reply = channel.receive(deadline)
    except Stop:
        return None
    timings = reply.get("timings") if reply.get("ok") else None
    if not isinstance(timings, (list, tuple)) or not timings:
        return None
    sub = sum(float(t[0]) for t in timings)
    ref = sum(float(t[1]) for t in timings)
    return sub / ref if ref > 0 else None


def grade_with_worker(
    acquire: Callable[[], WorkerProcess],
    challenge: Challenge,
    cases: list[Case],
    path: Path,
    source: bytes,
    device: str,
    measure: bool = True,
    retire: Callable[[WorkerProcess], None] = kill_tree,
) -> tuple[Run, Channel | None, float | None]:
    """Run the submission in a worker from `acquire`; `retire` (by default: at once) kills its tree."""
    run = Run(challenge, cases, device)
    worker = acquire()
    channel = Channel(worker)
    ratio = None
    try:
        _wait_ready(channel)
        try:
            run_submission(channel, run, path, source)
        except Stop as stop:
            _stop_current(run, stop)
        except WireError as exc:
            _stop_current(run, Stop(R.RUNTIME_ERROR, f"the submission's process sent garbage ({exc})"))
        _apply_violations(run, channel)
        if run.verdict == R.ACCEPTED and measure:
            ratio = measure_ratio(channel, run)
            _apply_violations(run, channel)
    finally:
        retire(worker)
    run.skip_rest()
    return run, channel, ratio


def _wait_ready(channel: Channel) -> None:
    try:
        ready = channel.receive(time.monotonic() + READY_TIMEOUT_S)
    except Stop as stop:
        raise WorkerFailed(f"the grader's worker did not start: {stop.message}") from None
    if ready.get("type") != "ready":
        raise WorkerFailed("the grader's worker did not start properly")


class WorkerFailed(Exception):
    """Our own worker could not start (before the submission ran): an internal error."""


def _stop_current(run: Run, stop: Stop) -> None:
    """A limit or a crash: the test that was running gets the error, the rest are skipped."""
    if run.loaded and len(run.outcomes) < len(run.cases):
        run.record(R.ERROR, stop.message, stop.verdict)
    else:
        run.raise_to(stop.verdict, stop.message)
    if run.verdict == stop.verdict:
        run.message = stop.message


def _apply_violations(run: Run, channel: Channel) -> None:
    """Forbidden wins; a test that passed while (or after an import that) called one fails."""
    if not channel.violations:
        return
    names = ", ".join(dict.fromkeys(channel.violations))
    run.raise_to(R.FORBIDDEN, f"called a forbidden API: {names}")
    for site, name in channel.violation_sites:
        hit = run.outcomes if site < 0 else run.outcomes[site: site + 1]
        for outcome in hit:
            if outcome.status == R.PASSED:
                outcome.status = R.FAILED
                when = "importing the file" if site < 0 else "this test"
                outcome.message = f"{name} (forbidden in this challenge) was called during {when}"
