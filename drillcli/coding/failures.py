"""Failures said once: tests that fail the same way are one group, shown with its first test's details."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drillcli.grader.report import GradeReport, TestOutcome

_INPUTS = re.compile(r"^inputs \(.*?\): ")  # "inputs (float32[3, 8], -1): output: ..." names the case
_NUMBER = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?")
NOT_A_FAILURE = ("passed", "skipped")


@dataclass(frozen=True)
class FailureGroup:
    """Tests failing the same way: `summary` says how once; `first` is the first of them, in full."""

    summary: str
    first: TestOutcome
    names: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.names)


def summary_line(message: str) -> str:
    """What a test's message says, without the case it was about: its last line, less the inputs."""
    lines = [line for line in message.strip().splitlines() if line.strip()]
    return _INPUTS.sub("", lines[-1].strip()) if lines else ""


def _key(outcome: TestOutcome) -> tuple[str, str]:
    return outcome.status, _NUMBER.sub("#", summary_line(outcome.message))


def group_failures(tests: list[TestOutcome]) -> list[FailureGroup]:
    """The failing tests grouped by what they say, in the order the first of each failed."""
    groups: dict[tuple[str, str], list[TestOutcome]] = {}
    for test in tests:
        if test.status not in NOT_A_FAILURE:
            groups.setdefault(_key(test), []).append(test)
    return [FailureGroup(summary_line(members[0].message) or members[0].status, members[0],
                         tuple(t.name for t in members)) for members in groups.values()]


def report_message_is_news(report: GradeReport, groups: list[FailureGroup]) -> bool:
    """Whether the report's one-line message says more than the groups already do."""
    message = report.message.strip()
    if not message:
        return False
    return not any(message in (g.summary, g.first.message.strip()) or message in g.first.message
                   for g in groups)
