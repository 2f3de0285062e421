"""What `drill code` draws. Every renderer takes a `Console`, so screens are tested in-process."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from drillcli.coding.editor import EditPlan, EditWay
from drillcli.coding.failures import group_failures, report_message_is_news
from drillcli.coding.loop import Outcome, Phase, Status, Tally
from drillcli.coding.teach import Lesson, Row, Side, side_by_side

if TYPE_CHECKING:
    from drillcli.bank.challenges import Challenge
    from drillcli.grader.report import GradeReport

VERDICT_STYLE = {
    "accepted": "bold green",
    "wrong_answer": "bold red",
    "forbidden": "bold magenta",
    "syntax_error": "bold yellow",
    "missing_entry_point": "bold yellow",
    "internal_error": "bold white on red",
}
CONFIRM = "Give up and see the reference? y give up · s stop here, resume later · any other key: keep going"


def clock(seconds: float) -> str:
    minutes, secs = divmod(max(0, int(seconds)), 60)
    return f"{minutes:02d}:{secs:02d}"


def duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def render_edit_plan(con: Console, plan: EditPlan, opened: bool, problem: str | None = None) -> None:
    """Where the editor opened, or how to open one without taking this terminal."""
    if problem:
        con.print(Text(problem, style="yellow"))
    if not opened:
        con.print(Text(f"Open it in another terminal: {plan.how}", style="dim"))
    elif plan.way is EditWay.TMUX:
        con.print(Text(f"Opened in a tmux pane beside this one: {plan.how}", style="dim"))
    else:
        con.print(Text(f"Opened in {plan.command[0]}.", style="dim"))


def render_edit_tip(con: Console, plan: EditPlan) -> None:
    con.print(Text(f"e.g. {plan.how} in another terminal (or drill code --edit)", style="dim"))


def render_prompt_again(con: Console, challenge: Challenge) -> None:
    con.print(Panel(Markdown(challenge.meta.prompt), title="prompt", title_align="left", border_style="blue"))


def status_text(status: Status, confirming: bool = False) -> Text:
    """The line under the output: the countdown, what the grader is doing, the last verdict."""
    left = status.remaining_s
    style = "bold red" if left < 60 else "bold"
    parts: list[str | tuple[str, str]] = [("⏱ ", ""), (clock(left), style)]
    doing = _doing(status)
    if doing:
        parts += ["  ·  ", doing]
    if status.last is not None and status.phase is not Phase.GRADING:
        parts += ["  ·  last: ", (status.last.verdict, VERDICT_STYLE.get(status.last.verdict, "bold red")),
                  f" {status.last.passed}/{status.last.total}"]
    if confirming:
        parts += ["\n", (CONFIRM, "bold yellow")]
    return Text.assemble(*parts)


def _doing(status: Status) -> str | tuple[str, str]:
    prefix = "time is up · " if status.time_up else ""
    if status.phase is Phase.GRADING:
        return (f"{prefix}grading… {status.busy_s:.1f} s", "cyan")
    if status.phase is Phase.WAITING:
        return (f"{prefix}save received · grader warming up… {status.busy_s:.1f} s", "yellow")
    if status.phase is Phase.WARMING:
        return ("grader warming up", "dim")
    return "grader ready" if status.last is None else ""


def render_report(con: Console, report: GradeReport) -> None:
    """A verdict: one line, then each way of failing once, with the first failing test in full."""
    con.print(verdict_line(report))
    groups = group_failures(report.tests)
    if report_message_is_news(report, groups):
        con.print(Text(report.message.strip()))
    for group in groups:
        count = f"{group.count} tests" if group.count > 1 else "1 test"
        con.print(Text.assemble((f"{count}: ", "bold"), group.summary))
        details = group.first.message.strip()
        if details and details != group.summary:
            con.print(Text(f"  first: {group.first.name}", style="dim"))
            con.print(Text(_indent(details, "    ")))
        else:
            con.print(Text(f"  {', '.join(group.names[:6])}{' …' if group.count > 6 else ''}", style="dim"))
    if report.output_excerpt:
        con.print("[dim]your program printed:[/]")
        con.print(report.output_excerpt, markup=False, highlight=False)


def verdict_line(report: GradeReport) -> Text:
    style = VERDICT_STYLE.get(report.verdict, "bold red")
    mark = "✓" if report.accepted else "✗"
    parts: list[str | tuple[str, str]] = [(f"{mark} {report.verdict}", style),
                                          f"  {report.passed}/{report.total} tests  {report.elapsed_ms:.0f} ms"]
    if report.runtime_ratio is not None:
        parts.append(f"  ({report.runtime_ratio:.1f}× the reference's time)")
    return Text.assemble(*parts)


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line for line in text.splitlines())


def render_hint(con: Console, number: int, total: int, text: str) -> None:
    con.print(Markdown(f"**Hint {number}/{total}:** {text}"))


def render_no_more_hints(con: Console) -> None:
    con.print("[dim]No more hints.[/]")


def render_note(con: Console, text: str) -> None:
    con.print(Text(text, style="yellow"))


def render_accepted(con: Console, challenge: Challenge, tally: Tally, minutes: float) -> None:
    """Time against the limit, attempts, hints used and the speed ratio."""
    took = tally.solved_after_s or 0.0
    tries = f"{tally.attempts} attempt{'s' if tally.attempts != 1 else ''}"
    hints = len(challenge.meta.hints)
    parts = [f"{duration(took)} of {minutes:g} min", tries, f"{tally.hints_used}/{hints} hints"]
    ratio = tally.last.runtime_ratio if tally.last is not None else None
    if ratio is not None:
        parts.append(f"{ratio:.1f}× the reference's time")
    con.print(Text.assemble(("Solved ", "bold green"), (challenge.id, "bold"), "  ·  " + "  ·  ".join(parts)))


def render_end(con: Console, outcome: Outcome, challenge: Challenge, tally: Tally, path: Path) -> None:
    """The last line of an attempt that did not end accepted."""
    where = f"Your file stays at {path}; `drill code {challenge.id}` resumes it."
    if outcome is Outcome.STOPPED:
        con.print(Text(f"Stopped. {where}"))
        return
    if outcome is Outcome.TIME_UP:
        con.print(Text("Time is up.", style="bold yellow"))
    last = tally.last
    if last is None:
        con.print(Text(f"No submission graded. {where}"))
    elif outcome is Outcome.GAVE_UP:
        con.print(Text(f"Given up after {tally.attempts} graded save(s) (last: {last.verdict}, "
                       f"{last.passed}/{last.total}). {where}"))
    else:
        con.print(Text(f"Not solved this time (last verdict: {last.verdict}, {last.passed}/{last.total}). {where}"))


def render_lesson(con: Console, challenge: Challenge, lesson: Lesson) -> None:
    """The reference, highlighted, then the explanation (or the classic mistakes from the mutants)."""
    from rich.syntax import Syntax

    code = Syntax(lesson.reference.rstrip("\n"), "python", theme="ansi_dark", line_numbers=False,
                  background_color="default")
    con.print(Panel(code, title=f"reference: {challenge.id}", title_align="left", border_style="green"))
    if lesson.explanation:
        con.print(Panel(Markdown(lesson.explanation), title="why it works", title_align="left",
                        border_style="green"))


def render_diff(con: Console, yours: str, reference: str) -> None:
    """Your file and the reference side by side; changed lines marked."""
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", expand=True, box=None, padding=(0, 1))
    table.add_column("your file", ratio=1, overflow="fold")
    table.add_column("", width=1)
    table.add_column("reference", ratio=1, overflow="fold")
    for row in side_by_side(yours, reference):
        table.add_row(*_diff_cells(row))
    con.print(table)


_MARK = {Side.SAME: (" ", "", ""), Side.CHANGED: ("|", "red", "green"), Side.ONLY_LEFT: ("<", "red", ""),
         Side.ONLY_RIGHT: (">", "", "green")}


def _diff_cells(row: Row) -> tuple[Text, Text, Text]:
    mark, left_style, right_style = _MARK[row.side]
    return (Text(row.left or "", style=left_style), Text(mark, style="bold"),
            Text(row.right or "", style=right_style))


def render_after_keys(con: Console) -> None:
    con.print("[dim]d your file beside the reference · any other key: done[/]")
