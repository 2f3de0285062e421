"""What grading returns: plain data, no torch. `GradeReport.to_json()` is the `drill check --json` shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

VERDICTS: tuple[str, ...] = (
    ACCEPTED, WRONG_ANSWER, RUNTIME_ERROR, TIME_LIMIT, MEMORY_LIMIT, OUTPUT_LIMIT,
    SYNTAX_ERROR, MISSING_ENTRY_POINT, FORBIDDEN, INTERNAL_ERROR,
)

# CHALLENGES.md "Verdict precedence"; the limits and runtime_error share a rank (the first one seen wins).
_RANK = {
    INTERNAL_ERROR: 0,
    SYNTAX_ERROR: 1,
    MISSING_ENTRY_POINT: 2,
    FORBIDDEN: 3,
    TIME_LIMIT: 4,
    MEMORY_LIMIT: 4,
    OUTPUT_LIMIT: 4,
    RUNTIME_ERROR: 4,
    WRONG_ANSWER: 5,
    ACCEPTED: 6,
}

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"


def stronger(current: str, candidate: str) -> str:
    """The verdict that wins by precedence; on a tie the one already there stays."""
    return candidate if _RANK[candidate] < _RANK[current] else current


@dataclass
class TestOutcome:
    name: str
    status: str  # passed | failed | error | skipped
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "message": self.message}


@dataclass
class GradeReport:
    challenge: str
    verdict: str
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

    @property
    def accepted(self) -> bool:
        return self.verdict == ACCEPTED

    def to_json(self) -> dict[str, Any]:
        return {
            "challenge": self.challenge,
            "verdict": self.verdict,
            "passed": self.passed,
            "total": self.total,
            "device": self.device,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "tests": [t.to_json() for t in self.tests],
            "message": self.message,
            "runtime_ratio": None if self.runtime_ratio is None else round(self.runtime_ratio, 3),
            "output_excerpt": self.output_excerpt,
            "forbidden_calls": list(self.forbidden_calls),
        }
