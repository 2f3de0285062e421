"""Runs a submission in its own process against hidden tests and judges it. The only package that
imports torch (lazily, when grading starts).

Public names, imported lazily so that `import drillcli.grader` stays free of torch::

    from drillcli.grader import grade_file, GraderPool, GradeReport
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drillcli.grader.pool import GraderPool, grade_file
    from drillcli.grader.report import GradeReport, TestOutcome

__all__ = ["GradeReport", "GraderPool", "TestOutcome", "grade_file"]

_WHERE = {
    "GradeReport": "drillcli.grader.report",
    "TestOutcome": "drillcli.grader.report",
    "GraderPool": "drillcli.grader.pool",
    "grade_file": "drillcli.grader.pool",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'drillcli.grader' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)
