"""What grading returns: plain data, no torch. `GradeReport.to_json()` is the `drill check --json` shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    """What grading concludes (docs/cli.md, "Verdicts"); equal to its plain string."""

    ACCEPTED = "accepted"
    WRONG_ANSWER = "wrong_answer"
    RUNTIME_ERROR = "runtime_error"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    SYNTAX_ERROR = "syntax_error"
    MISSING_ENTRY_POINT = "missing_entry_point"
    FORBIDDEN = "forbidden"
    INTERNAL_ERROR = "internal_error"


class Status(StrEnum):
    """What happened to one hidden test."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


# The plain names, kept for callers that import them.
ACCEPTED, WRONG_ANSWER, RUNTIME_ERROR = Verdict.ACCEPTED, Verdict.WRONG_ANSWER, Verdict.RUNTIME_ERROR
TIME_LIMIT, MEMORY_LIMIT, OUTPUT_LIMIT = Verdict.TIME_LIMIT, Verdict.MEMORY_LIMIT, Verdict.OUTPUT_LIMIT
SYNTAX_ERROR, MISSING_ENTRY_POINT = Verdict.SYNTAX_ERROR, Verdict.MISSING_ENTRY_POINT
FORBIDDEN, INTERNAL_ERROR = Verdict.FORBIDDEN, Verdict.INTERNAL_ERROR
VERDICTS: tuple[str, ...] = tuple(Verdict)
PASSED, FAILED, ERROR, SKIPPED = Status.PASSED, Status.FAILED, Status.ERROR, Status.SKIPPED

# docs/challenges.md, "Which verdict wins"; the limits and runtime_error share a rank (the first one seen wins).
_RANK = {
    Verdict.INTERNAL_ERROR: 0,
    Verdict.SYNTAX_ERROR: 1,
    Verdict.MISSING_ENTRY_POINT: 2,
    Verdict.FORBIDDEN: 3,
    Verdict.TIME_LIMIT: 4,
    Verdict.MEMORY_LIMIT: 4,
    Verdict.OUTPUT_LIMIT: 4,
    Verdict.RUNTIME_ERROR: 4,
    Verdict.WRONG_ANSWER: 5,
    Verdict.ACCEPTED: 6,
}


def stronger(current: Verdict, candidate: Verdict) -> Verdict:
    """The verdict that wins by precedence; on a tie the one already there stays."""
    return candidate if _RANK[candidate] < _RANK[current] else current


@dataclass
class TestOutcome:
    name: str
    status: Status
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": str(self.status), "message": self.message}


@dataclass
class GradeReport:
    challenge: str
    verdict: Verdict
    passed: int
    total: int
    device: str
    elapsed_ms: float
    tests: list[TestOutcome] = field(default_factory=list)
    # One line for the whole submission (the syntax error, the limit hit, the forbidden API...).
    message: str = ""
    # Submission time / reference time on the same inputs, measured only when accepted.
    runtime_ratio: float | None = None
    # The start of what the submission printed (never echoed under --json).
    output_excerpt: str = ""
    forbidden_calls: list[str] = field(default_factory=list)
    # The sandbox level the submission ran under (namespaces | landlock | process) and, below the
    # strongest, why.
    isolation: str = ""
    isolation_reason: str = ""
    # Of elapsed_ms, the time spent waiting for a worker to start (0 with a warm one).
    startup_ms: float = 0.0

    @property
    def grading_ms(self) -> float:
        return max(0.0, self.elapsed_ms - self.startup_ms)

    @property
    def accepted(self) -> bool:
        return self.verdict == ACCEPTED

    def to_json(self) -> dict[str, Any]:
        return {
            "challenge": self.challenge,
            "verdict": str(self.verdict),
            "passed": self.passed,
            "total": self.total,
            "device": self.device,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "isolation": self.isolation,
            "isolation_reason": self.isolation_reason,
            "startup_ms": round(self.startup_ms, 1),
            "tests": [t.to_json() for t in self.tests],
            "message": self.message,
            "runtime_ratio": None if self.runtime_ratio is None else round(self.runtime_ratio, 3),
            "output_excerpt": self.output_excerpt,
            "forbidden_calls": list(self.forbidden_calls),
        }
