"""Judging: each worker answer against the hidden test's expected values, on the trusted side.

The expected values, `check` functions and the tests module never leave this process; the worker only
ever sent outputs. `Run` gathers what is known about one submission, verdict by precedence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from drillcli.bank.challenges import Challenge
from drillcli.grader import report as R
from drillcli.grader.api import Case, Failure, Result, close, describe
from drillcli.grader.report import Status, Verdict


def inputs_text(case: Case) -> str:
    parts = [repr(a) if isinstance(a, (int, float, str, bool)) or a is None else describe(a)
             for a in case.args]
    parts += [f"{k}={v!r}" if isinstance(v, (int, float, str, bool)) or v is None
              else f"{k}={describe(v)}" for k, v in case.kwargs.items()]
    return f"inputs ({', '.join(parts)})"


@dataclass(frozen=True)
class Judgement:
    """One hidden test's outcome: its status, the message shown, the verdict it stands for."""

    status: Status
    message: str
    verdict: Verdict


def judge_result(case: Case, reply: dict[str, Any], device: str) -> Judgement:
    """Judge one answer the worker sent for `case`."""
    if not reply.get("ok"):
        return Judgement(Status.ERROR, str(reply.get("message", "")), worker_kind(reply.get("kind")))
    result = Result(
        output=reply.get("output"),
        args_after=tuple(reply.get("args_after") or ()),
        kwargs_after=dict(reply.get("kwargs_after") or {}),
        grads=tuple(reply.get("grads") or ()),
    )
    try:
        _compare(case, result, str(reply.get("grad_error") or ""), device)
    except Failure as failure:
        return Judgement(Status.FAILED, f"{inputs_text(case)}: {failure}", Verdict.WRONG_ANSWER)
    except Exception as exc:  # noqa: BLE001 - an odd output that a check could not handle
        return Judgement(Status.FAILED, f"{inputs_text(case)}: the output ({describe(result.output)}) could "
                                        f"not be checked: {type(exc).__name__}: {exc}", Verdict.WRONG_ANSWER)
    return Judgement(Status.PASSED, "", Verdict.ACCEPTED)


# What the worker may say about itself (never a verdict on its answers).
WORKER_KINDS = frozenset({Verdict.RUNTIME_ERROR, Verdict.MEMORY_LIMIT, Verdict.OUTPUT_LIMIT,
                          Verdict.FORBIDDEN, Verdict.MISSING_ENTRY_POINT})


def worker_kind(kind: object, allowed: frozenset[Verdict] = WORKER_KINDS) -> Verdict:
    """The verdict a worker's complaint stands for; anything unexpected is a runtime_error."""
    return Verdict(kind) if isinstance(kind, str) and kind in allowed else Verdict.RUNTIME_ERROR


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


@dataclass
class Run:
    """What is known so far about one submission."""

    challenge: Challenge
    cases: list[Case]
    device: str
    verdict: Verdict = Verdict.ACCEPTED
    message: str = ""
    outcomes: list[R.TestOutcome] = field(default_factory=list)
    loaded: bool = False  # the submission's module ran and its entry point was found

    def record(self, judged: Judgement) -> None:
        self.outcomes.append(R.TestOutcome(self.cases[len(self.outcomes)].name, judged.status, judged.message))
        self.raise_to(judged.verdict, judged.message)

    def raise_to(self, verdict: Verdict, message: str) -> None:
        stronger = R.stronger(self.verdict, verdict)
        if stronger != self.verdict:
            self.verdict, self.message = stronger, summary(message)

    def skip_rest(self, reason: str = "not run") -> None:
        while len(self.outcomes) < len(self.cases):
            self.outcomes.append(R.TestOutcome(self.cases[len(self.outcomes)].name, Status.SKIPPED, reason))


def apply_violations(run: Run, violations: list[str], sites: list[tuple[int, str]]) -> None:
    """Forbidden wins; a test that passed while (or after an import that) called one fails."""
    if not violations:
        return
    names = ", ".join(dict.fromkeys(violations))
    run.raise_to(Verdict.FORBIDDEN, f"called a forbidden API: {names}")
    for site, name in sites:
        hit = run.outcomes if site < 0 else run.outcomes[site: site + 1]
        for outcome in hit:
            if outcome.status == Status.PASSED:
                outcome.status = Status.FAILED
                when = "importing the file" if site < 0 else "this test"
                outcome.message = f"{name} (forbidden in this challenge) was called during {when}"
