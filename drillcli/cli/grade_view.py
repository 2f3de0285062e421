"""A grading report on the terminal: the verdict line, then each test that did not pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from drillcli.grader import GradeReport

VERDICT_STYLE = {"accepted": "bold green", "wrong_answer": "bold red", "forbidden": "bold magenta"}


def render_grade(report: GradeReport, console: Console) -> None:
    style = VERDICT_STYLE.get(report.verdict, "bold yellow")
    ratio = f" · {report.runtime_ratio:.1f}× the reference's time" if report.runtime_ratio else ""
    console.print(f"[{style}]{report.verdict}[/] · {report.passed}/{report.total} tests · {report.device} · "
                  f"{report.elapsed_ms:.0f} ms{ratio}")
    if report.message:
        console.print(report.message, markup=False, highlight=False)
    failing = [t for t in report.tests if t.status != "passed"]
    if not failing:
        return
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("test", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("what happened", ratio=1)
    for t in failing:
        table.add_row(t.name, t.status, t.message)
    console.print(table)
