"""Runs a submission in a sandboxed process against hidden tests and judges it. The only package that
imports torch (lazily, when grading starts).

Public names, imported lazily so that `import drillcli.grader` stays free of torch::

    from drillcli.grader import grade, OneShot, GraderPool, GradeReport, Verdict, grade_file
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drillcli.grader.pipeline import GradeCancelled, OneShot, Workers, grade
    from drillcli.grader.pool import GraderPool, grade_file
    from drillcli.grader.report import GradeReport, Status, TestOutcome, Verdict

__all__ = ["GradeCancelled", "GradeReport", "GraderPool", "OneShot", "Status", "TestOutcome", "Verdict",
           "Workers", "grade", "grade_file"]

_WHERE = {
    "GradeReport": "drillcli.grader.report",
    "TestOutcome": "drillcli.grader.report",
    "Verdict": "drillcli.grader.report",
    "Status": "drillcli.grader.report",
    "GraderPool": "drillcli.grader.pool",
    "grade_file": "drillcli.grader.pool",
    "grade": "drillcli.grader.pipeline",
    "GradeCancelled": "drillcli.grader.pipeline",
    "OneShot": "drillcli.grader.pipeline",
    "Workers": "drillcli.grader.pipeline",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'drillcli.grader' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)
