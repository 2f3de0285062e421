"""`drill check FILE --challenge ID`: grade a file against the hidden tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from drillcli.grader.report import Status, Verdict

if TYPE_CHECKING:
    from rich.console import Console

    from drillcli.grader.report import GradeReport

VERDICT_STYLE = {
    Verdict.ACCEPTED: "bold green",
    Verdict.WRONG_ANSWER: "bold red",
    Verdict.FORBIDDEN: "bold magenta",
    Verdict.SYNTAX_ERROR: "bold yellow",
    Verdict.MISSING_ENTRY_POINT: "bold yellow",
    Verdict.INTERNAL_ERROR: "bold white on red",
}
STATUS_STYLE = {Status.PASSED: "green", Status.FAILED: "red", Status.ERROR: "red", Status.SKIPPED: "dim"}


def check_command(ctx: typer.Context, *, file: Path, challenge: str, device: str, as_json: bool) -> None:
    """Grade FILE against the hidden tests of a challenge (no timer, no prompt)."""
    report = run_check(file, challenge, device, list(ctx.obj or []))
    if as_json:
        typer.echo(json.dumps(report.to_json()))
    else:
        render_report(report)
    raise typer.Exit(code=0 if report.accepted else 1)


def run_check(file: Path, challenge_id: str, device: str, extra_banks: list[Path]) -> GradeReport:
    """Find the challenge and grade the file. Raises `UsageError` (exit 2) for misuse."""
    from drillcli.bank.challenges import find_challenge
    from drillcli.config import bank_dirs, load_config
    from drillcli.errors import UsageError
    from drillcli.grader import grade_file

    challenge = find_challenge(bank_dirs(load_config(), extra_banks), challenge_id)
    if not file.is_file():
        raise UsageError(f"{file}: no such file" if not file.exists() else f"{file}: not a file")
    return grade_file(file, challenge, device)


def verdict_line(report: GradeReport) -> str:
    """`accepted  13/13 tests  cpu  62 ms grading + 1.9 s start-up  (1.1× the reference's time)`."""
    style = VERDICT_STYLE.get(report.verdict, "bold red")
    parts = [f"[{style}]{report.verdict}[/]", f"{report.passed}/{report.total} tests",
             report.device, timing_text(report)]
    if report.runtime_ratio is not None:
        parts.append(f"({report.runtime_ratio:.1f}× the reference's time)")
    return "  ".join(parts)


def timing_text(report: GradeReport) -> str:
    """Grading time, and the worker's start-up apart from it (none with a warm worker)."""
    grading = f"{report.grading_ms:.0f} ms grading"
    if report.startup_ms < 50:
        return grading
    return f"{grading} + {_duration(report.startup_ms)} start-up"


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def isolation_text(report: GradeReport) -> str:
    """`sandbox: landlock (user namespaces refused: EPERM)`; empty when nothing ran."""
    if not report.isolation:
        return ""
    reason = f" ({report.isolation_reason})" if report.isolation_reason else ""
    return f"sandbox: {report.isolation}{reason}"


def render_report(report: GradeReport, console: Console | None = None, *, failures_only: bool = False) -> None:
    from rich.markup import escape
    from rich.table import Table

    from drillcli.cli.render import console as default_console

    console = console or default_console()
    console.print(f"[bold]{escape(report.challenge)}[/]: " + verdict_line(report))
    if report.message and report.verdict != Verdict.ACCEPTED:
        console.print(escape(report.message))
    if isolation_text(report) and not failures_only:
        console.print(f"[dim]{escape(isolation_text(report))}[/]")
    table = Table(show_header=True, header_style="bold", expand=False)
    table.add_column("test")
    table.add_column("status")
    table.add_column("message", overflow="fold")
    shown = [t for t in report.tests if t.status != Status.PASSED] if failures_only else report.tests
    if not shown:
        return
    if any(t.status != Status.SKIPPED for t in shown):  # all skipped: the message above already says why
        for test in shown:
            style = STATUS_STYLE.get(test.status, "")
            table.add_row(escape(test.name), f"[{style}]{test.status}[/]", escape(test.message))
        console.print(table)
    if report.output_excerpt:
        console.print("[dim]your program printed:[/]")
        console.print(report.output_excerpt, markup=False, highlight=False)  # as printed: no markup, no escapes
