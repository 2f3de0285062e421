"""Running one submission in a worker: the job, one answer per hidden test, the timing, the limits.

`run_in_worker` drives a worker from any `Workers` implementation through the `Channel`, judging each
answer as it comes (drillcli.grader.judge); a limit or a crash (`Stop`) ends the run with its verdict.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import torch

from drillcli.bank.challenges import Challenge
from drillcli.grader.api import Case
from drillcli.grader.channel import Channel, Stop
from drillcli.grader.judge import WORKER_KINDS, Judgement, Run, apply_violations, judge_result, worker_kind
from drillcli.grader.procs import worker_threads
from drillcli.grader.report import Status, Verdict
from drillcli.grader.wire import WireError

READY_TIMEOUT_S = 180.0
TIMING_TIMEOUT_S = 5.0
TIMING_REPEATS = 5


@dataclass(frozen=True)
class Submission:
    """The file as read once by the judge; `name` is what tracebacks and messages call it."""

    source: bytes
    name: str


def job_message(challenge: Challenge, submission: Submission, device: str,
                cases: list[Case]) -> dict[str, Any]:
    """The job: the submission's source, its limits, the driver's source and each test's inputs.
    Every file is read here, on the trusted side: the worker opens none of the bank's files."""
    meta = challenge.meta
    driver = challenge.driver_path
    cpu_limit = math.ceil(meta.time_limit_s * worker_threads()) + 10
    return {
        "type": "job", "path": submission.name, "source": submission.source.decode("utf-8", "replace"),
        "entry": meta.entry_point, "kind": meta.kind, "forbidden": list(meta.forbidden),
        "driver_path": str(driver) if driver else None,
        "driver_source": driver.read_text(encoding="utf-8") if driver else None, "device": device,
        "memory_limit_mb": meta.memory_limit_mb, "cpu_limit_s": cpu_limit,
        "cases": [case_message(i, c) for i, c in enumerate(cases)],
    }


def case_message(i: int, case: Case) -> dict[str, Any]:
    return {"type": "case", "i": i, "driver": case.driver, "args": tuple(case.args),
            "kwargs": dict(case.kwargs), "wrt": tuple(case.wrt), "grad_out": case.grad_out}


def run_submission(channel: Channel, run: Run, submission: Submission) -> None:
    """Drive the worker through the job; fills `run`. `Stop` ends it early with a verdict."""
    started = time.monotonic()
    deadline = started + run.challenge.meta.time_limit_s
    channel.discard_startup_output()
    channel.send(job_message(run.challenge, submission, run.device, run.cases), deadline)
    loaded = channel.receive(deadline, "time limit exceeded while importing the file")
    if not loaded.get("ok"):
        kind = worker_kind(loaded.get("kind"), WORKER_KINDS | {Verdict.INTERNAL_ERROR})
        run.raise_to(kind, str(loaded.get("message", "")))
        run.message = str(loaded.get("message", ""))
        return
    run.loaded = True
    for i, case in enumerate(run.cases):
        case_deadline = deadline if case.timeout_s is None else min(deadline,
                                                                    time.monotonic() + case.timeout_s)
        channel.current_case = i
        reply = channel.receive(case_deadline, f"time limit exceeded in test {case.name!r}")
        if reply.get("type") != "result" or reply.get("i") != i:
            raise Stop(Verdict.RUNTIME_ERROR, "the submission's process answered out of turn")
        run.record(judge_result(case, reply, run.device))


def measure_ratio(channel: Channel, run: Run) -> float | None:
    """Submission time / reference time on the largest plain-call cases (after an accepted verdict)."""
    reference = run.challenge.reference_path
    calls = [c for c in run.cases if c.driver == "call"]
    if not reference.is_file() or not calls:
        return None
    calls.sort(key=lambda c: -sum(a.numel() for a in c.args if isinstance(a, torch.Tensor)))
    request = {"type": "time", "reference_path": str(reference),
               "reference_source": reference.read_text(encoding="utf-8"),
               "entry": run.challenge.meta.entry_point, "repeats": TIMING_REPEATS,
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


@dataclass
class Outcome:
    """What a run in a worker left: the judged run, the submission's output, the timing ratio."""

    run: Run
    output: bytes = b""
    forbidden_calls: list[str] = field(default_factory=list)
    ratio: float | None = None


def run_in_worker(channel: Channel, run: Run, submission: Submission, measure: bool) -> Outcome:
    """Run the submission's job through `channel` (its worker ready) and judge each answer."""
    ratio = None
    try:
        run_submission(channel, run, submission)
    except Stop as stop:
        _stop_current(run, stop)
    except WireError as exc:
        _stop_current(run, Stop(Verdict.RUNTIME_ERROR, f"the submission's process sent garbage ({exc})"))
    apply_violations(run, channel.violations, channel.violation_sites)
    if run.verdict == Verdict.ACCEPTED and measure:
        ratio = measure_ratio(channel, run)
        apply_violations(run, channel.violations, channel.violation_sites)
    run.skip_rest()
    return Outcome(run, bytes(channel.output), list(dict.fromkeys(channel.violations)), ratio)


def wait_ready(channel: Channel, timeout: float = READY_TIMEOUT_S) -> None:
    try:
        ready = channel.receive(time.monotonic() + timeout)
    except Stop as stop:
        raise WorkerFailed(f"the grader's worker did not start: {stop.message}") from None
    if ready.get("type") != "ready":
        raise WorkerFailed("the grader's worker did not start properly")
    if ready.get("ok") is False:
        raise WorkerFailed(str(ready.get("message", "the grader's worker did not start")))


class WorkerFailed(Exception):
    """Our own worker could not start (before the submission ran): an internal error."""


def _stop_current(run: Run, stop: Stop) -> None:
    """A limit or a crash: the test that was running gets the error, the rest are skipped."""
    if run.loaded and len(run.outcomes) < len(run.cases):
        run.record(Judgement(Status.ERROR, stop.message, stop.verdict))
    else:
        run.raise_to(stop.verdict, stop.message)
    if run.verdict == stop.verdict:
        run.message = stop.message
