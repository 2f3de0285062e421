"""The `drill` command: a thin Typer layer. Domain errors are caught once, here.

Each command parses its options and calls one function in its own module, imported only when that command
runs, so `drill --help` and `drill --version` stay as fast as Typer itself.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from drillcli import __version__
from drillcli.bank.topics import TOPICS
from drillcli.cli.complete import complete_challenge, complete_topic
from drillcli.errors import DrillError

# No third-party pydantic plugins in a CLI: looking them up costs start-up time on every command.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

class Group(TyperGroup):
    """Command summaries in full: each command's first sentence, wrapped rather than cut off with '...'."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, cmd.get_short_help_str(limit=1000)) for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="drill",
    cls=Group,
    help="Drills for deep-learning interviews: spaced-repetition flashcards, timed PyTorch "
    "challenges graded by hidden tests, and progress reports. With no command: today's drill.",
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
bank_app = typer.Typer(cls=Group, help="Check question banks.", no_args_is_help=True)
app.add_typer(bank_app, name="bank", short_help="Check question banks: validate, lint.")

Topic = Annotated[Optional[str], typer.Option(  # noqa: UP045
    metavar="TOPIC", help=f"Only this topic: {', '.join(TOPICS)}.", autocompletion=complete_topic)]
Device = Annotated[str, typer.Option(metavar="auto|cpu|cuda", help="Where to run: auto (CUDA when present), "
                                     "cpu or cuda.")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON on stdout (errors too: {\"error\": ...}).")]
BankPath = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Argument(metavar="PATH", help="A bank folder (holding cards/ and challenges/) or one card file. "
                   "Default: every configured bank.", show_default=False),
]


class Command(TyperCommand):
    """Usage lines as people write them: `drill check [OPTIONS] FILE`, not `{FILE}`."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p
                for p in super().collect_usage_pieces(ctx)]  # type: ignore[arg-type]


MAX_DAYS = 3650  # ten years: far more history than anyone has, far less than a date can hold
MAX_MINUTES = 600.0  # a countdown of ten hours at most; `inf` would overflow the clock


def _finite(value: float | None) -> float | None:
    """Ranges let NaN through (every comparison with it is false)."""
    if value is not None and value != value:
        raise typer.BadParameter("must be a number of minutes, not nan")
    return value


class What(str, Enum):
    cards = "cards"
    challenges = "challenges"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"drill {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    bank: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option("--bank", metavar="PATH", help="Extra bank folder merged with the bundled one (repeatable).",
                     envvar="DRILL_BANK"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """With no command: today's drill (due cards first, then a timed challenge)."""
    ctx.obj = list(bank or [])
    if ctx.invoked_subcommand is None:
        from drillcli.cli.cards import today

        today(ctx)


class AskedLevel(str, Enum):
    """How often a question is asked (the bank's `asked` field)."""

    high = "high"
    medium = "medium"
    low = "low"


@app.command("cards", cls=Command, short_help="A flashcard session: due cards, then new ones.")
def cards(
    ctx: typer.Context,
    topic: Topic = None,
    limit: Annotated[int, typer.Option(min=1, metavar="N", help="Cards in this session at most.")] = 50,
    new: Annotated[Optional[int], typer.Option(  # noqa: UP045
        min=0, metavar="N", help="New cards to add (default: what is left of today's budget).")] = None,
    most_asked: Annotated[bool, typer.Option("--most-asked", help="Only the most-asked questions.")] = False,
    asked: Annotated[Optional[AskedLevel], typer.Option(  # noqa: UP045
        help="Only questions asked this often in interviews.")] = None,
    ahead: Annotated[bool, typer.Option(
        "--ahead", help="Practise ahead: cards not due yet, soonest first, saved as early reviews.")] = False,
) -> None:
    """A flashcard session: due cards first (most overdue first), then new ones."""
    from drillcli.cli.cards import cards_command

    cards_command(ctx, topic=topic, limit=limit, new=new, most_asked=most_asked, ahead=ahead,
                  asked=asked.value if asked else None)


@app.command("code", cls=Command, short_help="A timed PyTorch challenge, graded at each save.")
def code(
    ctx: typer.Context,
    challenge_id: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        metavar="ID", help="Challenge id (see `drill list challenges`); omitted: the tool picks one.",
        autocompletion=complete_challenge)] = None,
    minutes: Annotated[Optional[float], typer.Option(  # noqa: UP045
        min=0.1, max=MAX_MINUTES, callback=_finite, metavar="M",
        help="Countdown length in minutes (default: the challenge's own).")] = None,
    device: Device = "auto",
    fresh: Annotated[bool, typer.Option("--fresh", help="Start again from the starter file.")] = False,
    edit: Annotated[bool, typer.Option(
        "--edit", help="Open the file in $VISUAL/$EDITOR: a GUI editor's window, or a tmux pane beside the "
        "countdown.")] = False,
) -> None:
    """A timed coding challenge: edit the file in your editor; every save is graded by hidden tests."""
    from drillcli.cli.code import code_command

    code_command(ctx, challenge_id=challenge_id, minutes=minutes, device=device, fresh=fresh, edit=edit)


@app.command("mock", cls=Command, short_help="A mock interview under one timer, with a scorecard.")
def mock(
    ctx: typer.Context,
    minutes: Annotated[float, typer.Option(
        min=5, max=MAX_MINUTES, callback=_finite, metavar="M", help="The interview's length in minutes.")] = 45,
    topic: Topic = None,
    device: Device = "auto",
) -> None:
    """A mock interview: questions to explain out loud, quick numeric ones and a coding challenge, under one
    timer; ends with a scorecard, saved (`drill report` shows your mocks over time)."""
    from drillcli.cli.mock import mock_command

    mock_command(ctx, minutes=minutes, topic=topic, device=device)


@app.command("check", cls=Command, short_help="Grade a file against a challenge's hidden tests.")
def check(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The Python file to grade.", show_default=False)],
    challenge: Annotated[str, typer.Option("--challenge", "-c", metavar="ID", help="Challenge id.",
                                           autocompletion=complete_challenge)],
    device: Device = "auto",
    as_json: AsJson = False,
) -> None:
    """Grade FILE against a challenge's hidden tests (no timer, no prompt)."""
    from drillcli.cli.check import check_command

    check_command(ctx, file=file, challenge=challenge, device=device, as_json=as_json)


@app.command("doctor", cls=Command, short_help="What this machine supports: sandbox, device, paths.")
def doctor(as_json: AsJson = False) -> None:
    """The grader's sandbox level (and why), the device, torch, and where drill keeps things."""
    from drillcli.cli.doctor import doctor_command

    doctor_command(as_json=as_json)


@app.command("list", cls=Command, short_help="The bank's cards or challenges, with their state.")
def list_(
    ctx: typer.Context,
    what: Annotated[What, typer.Argument(metavar="WHAT", help="What to list.")] = What.cards,
    topic: Topic = None,
    as_json: AsJson = False,
) -> None:
    """What is in the bank, with each item's state."""
    from drillcli.cli.listing import list_command

    list_command(ctx, what=what.value, topic=topic, as_json=as_json)


@app.command("report", cls=Command, short_help="The progress report.")
def report(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, max=MAX_DAYS, metavar="N",
                                      help="The period the activity figures cover, in days.")] = 30,
    as_json: AsJson = False,
    html: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        metavar="FILE", help="Also write the report as an HTML page.")] = None,
) -> None:
    """The progress report: what is learned, what is weak, what is due, how the coding drills go."""
    from drillcli.cli.report import report_command

    report_command(ctx, days=days, as_json=as_json, html=html)


@app.command("plan", cls=Command, short_help="A plan to be ready by an interview date.")
def plan(
    ctx: typer.Context,
    interview: Annotated[Optional[str], typer.Option(  # noqa: UP045
        metavar="DATE", help="The interview date, e.g. 2026-12-10 (remembered in config.toml).")] = None,
    as_json: AsJson = False,
) -> None:
    """A plan to be ready by an interview date: recall per topic on the day, and new cards and challenges a
    day; the date is remembered."""
    from drillcli.cli.plan import plan_command

    plan_command(ctx, interview=interview, as_json=as_json)


@app.command("export", cls=Command, short_help="Export your history, or the bank for Anki.")
def export(
    ctx: typer.Context,
    file: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        metavar="FILE", help="Write your whole history (states, reviews, attempts with code, config) as JSON.")] = None,
    anki: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        metavar="FILE.apkg", help="Write the bank's cards as an Anki deck instead.")] = None,
    markdown: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        metavar="DIR", help="Write the bank as Markdown, one file per topic, instead.")] = None,
) -> None:
    """Your history as one versioned JSON file, or the bank as an Anki deck or Markdown."""
    from drillcli.cli.export import export_command

    export_command(ctx, file=file, anki=anki, markdown=markdown)


@app.command("tune", cls=Command, short_help="Fit the scheduler to your own reviews.")
def tune_(
    ctx: typer.Context,
    retention: Annotated[bool, typer.Option(
        "--retention", help="Suggest a desired retention from a workload simulation instead.")] = False,
) -> None:
    """Fit the FSRS scheduler to your own reviews; keep the fit only if it predicts your recall better."""
    from drillcli.cli.tune import tune_command

    tune_command(ctx, retention=retention)


@app.command("import", cls=Command, short_help="Restore a history written by drill export.")
def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `drill export FILE`.")],
    merge: Annotated[bool, typer.Option(
        "--merge", help="Combine with the history already here (later reviews win, nothing duplicated).")] = False,
) -> None:
    """Restore a history written by `drill export` into DRILL_HOME (empty, unless --merge)."""
    from drillcli.cli.export import import_command

    import_command(file, merge=merge)


@bank_app.command("validate", cls=Command, short_help="Check a bank folder or card file for errors.")
def bank_validate(ctx: typer.Context, path: BankPath = None) -> None:
    """Check a bank folder or one card file: every problem as `file:line: message`; exit 1 if there is any."""
    from drillcli.cli.bank import validate_command

    validate_command(ctx, path)


@bank_app.command("lint", cls=Command, short_help="Validation plus the quality rules.")
def bank_lint(
    ctx: typer.Context,
    path: BankPath = None,
    challenges: Annotated[bool, typer.Option(
        "--challenges", help="Also grade each challenge's reference, starter and mutants (slow).")] = False,
    device: Annotated[str, typer.Option(help="Device for --challenges.")] = "cpu",
) -> None:
    """Validation plus the quality rules (topic sizes, near-duplicates, tags, challenge mutants)."""
    from drillcli.cli.bank import lint_command

    lint_command(ctx, path, challenges=challenges, device=device)


@bank_app.command("new-challenge", cls=Command, short_help="Scaffold a new coding challenge folder.")
def bank_new_challenge(
    ctx: typer.Context,
    challenge_id: Annotated[str, typer.Argument(metavar="ID", help="The challenge id (also its entry point).")],
    path: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        metavar="PATH", help="The bank folder to create challenges/ID/ in. Default: the bundled bank.",
        show_default=False)] = None,
    topic: Annotated[str, typer.Option(help=f"One of: {', '.join(TOPICS)}.")] = "basics",
    kind: Annotated[str, typer.Option(metavar="function|class",
                                      help="A function, or an nn.Module class named in CamelCase.")] = "function",
) -> None:
    """Create challenges/ID/ (yaml with every field, starter, reference, tests, one mutant); it passes
    `drill bank lint --challenges` once reference.py is written."""
    from drillcli.cli.bank import new_challenge_command

    new_challenge_command(ctx, challenge_id, path, topic, kind)


def main() -> None:
    """Entry point of the console script. A domain error or a misused option is one line on stderr, or
    `{"error": ...}` on stdout when `--json` was asked for; the exit status is the same either way."""
    from drillcli.cli.streams import guard_standard_streams

    guard_standard_streams()
    as_json = "--json" in sys.argv[1 : sys.argv.index("--") if "--" in sys.argv else None]
    try:
        status = app(standalone_mode=False, prog_name="drill")
    except DrillError as exc:
        _fail(exc, as_json)
    except _CLICK_EXCEPTION as exc:  # a misused option or argument: click's own message, exit 2
        _fail(DrillError(exc.format_message(), exit_code=exc.exit_code), as_json,  # type: ignore[attr-defined]
              usage=exc)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("\ninterrupted\n")
        sys.exit(130)
    except sqlite3.DatabaseError as exc:  # last resort: a query outside the Store met a damaged drill.db
        from drillcli import paths
        from drillcli.store.db import explain

        _fail(explain(paths.db_path(), exc), as_json)
    sys.exit(status if isinstance(status, int) else 0)


# Click's base exception, whichever click Typer uses (its own copy in recent versions).
_CLICK_EXCEPTION: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def _fail(exc: DrillError, as_json: bool, usage: Exception | None = None) -> NoReturn:
    if as_json:
        import json

        typer.echo(json.dumps({"error": exc.message}))
    elif usage is not None:
        usage.show()  # type: ignore[attr-defined]
    else:
        from drillcli.cli.render import print_error

        print_error(exc)
    sys.exit(exc.exit_code)
