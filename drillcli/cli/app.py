"""The `drill` command: a thin Typer layer. Domain errors are caught once, here.

Each command parses its options and calls one function in its own module, imported only when that command
runs, so `drill --help` and `drill --version` stay as fast as Typer itself.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from drillcli import __version__
from drillcli.errors import DrillError

# No third-party pydantic plugins in a CLI: looking them up costs start-up time on every command.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

app = typer.Typer(
    name="drill",
    help="Drills for deep-learning interviews: spaced-repetition flashcards, timed PyTorch "
    "challenges graded by hidden tests, and progress reports. With no command: today's drill.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
bank_app = typer.Typer(help="Check question banks.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")

Topic = Annotated[Optional[str], typer.Option(help="Only this topic (see `drill list`).")]  # noqa: UP045
Device = Annotated[str, typer.Option(help="auto (CUDA when present), cpu or cuda.")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON on stdout.")]
BankPath = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Argument(help="A bank folder (holding cards/ and challenges/). Default: every configured bank."),
]


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
        typer.Option("--bank", help="Extra bank folder merged with the bundled one (repeatable).",
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


@app.command("cards")
def cards(
    ctx: typer.Context,
    topic: Topic = None,
    limit: Annotated[int, typer.Option(min=1, help="Cards in this session at most.")] = 50,
    new: Annotated[Optional[int], typer.Option(  # noqa: UP045
        min=0, help="New cards to add (default: what is left of today's budget).")] = None,
    most_asked: Annotated[bool, typer.Option("--most-asked", help="Only the most-asked questions.")] = False,
) -> None:
    """A flashcard session: due cards first (most overdue first), then new ones."""
    from drillcli.cli.cards import cards_command

    cards_command(ctx, topic=topic, limit=limit, new=new, most_asked=most_asked)


@app.command("code")
def code(
    ctx: typer.Context,
    challenge_id: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        metavar="[ID]", help="Challenge id (see `drill list challenges`); omitted: the tool picks one.")] = None,
    minutes: Annotated[Optional[float], typer.Option(  # noqa: UP045
        min=0.1, help="Countdown length (default: the challenge's own).")] = None,
    device: Device = "auto",
    fresh: Annotated[bool, typer.Option("--fresh", help="Start again from the starter file.")] = False,
) -> None:
    """A timed coding challenge: edit the file in your editor; every save is graded by hidden tests."""
    from drillcli.cli.code import code_command

    code_command(ctx, challenge_id=challenge_id, minutes=minutes, device=device, fresh=fresh)


@app.command("check")
def check(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The Python file to grade.")],
    challenge: Annotated[str, typer.Option("--challenge", "-c", help="Challenge id.")],
    device: Device = "auto",
    as_json: AsJson = False,
) -> None:
    """Grade FILE against a challenge's hidden tests (no timer, no prompt)."""
    from drillcli.cli.check import check_command

    check_command(ctx, file=file, challenge=challenge, device=device, as_json=as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    what: Annotated[What, typer.Argument(help="cards or challenges.")] = What.cards,
    topic: Topic = None,
    as_json: AsJson = False,
) -> None:
    """What is in the bank, with each item's state."""
    from drillcli.cli.listing import list_command

    list_command(ctx, what=what.value, topic=topic, as_json=as_json)


@app.command("report")
def report(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="The period the activity figures cover.")] = 30,
    as_json: AsJson = False,
    html: Annotated[Optional[Path], typer.Option(help="Also write the report as an HTML page.")] = None,  # noqa: UP045
) -> None:
    """The progress report: what is learned, what is weak, what is due, how the coding drills go."""
    from drillcli.cli.report import report_command

    report_command(ctx, days=days, as_json=as_json, html=html)


@bank_app.command("validate")
def bank_validate(ctx: typer.Context, path: BankPath = None) -> None:
    """Check a bank folder: every problem as `file:line: message`; exit 1 if there is any."""
    from drillcli.cli.bank import validate_command

    validate_command(ctx, path)


@bank_app.command("lint")
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


def main() -> None:
    """Entry point of the console script: run the app, print a domain error as one line."""
    try:
        app()
    except DrillError as exc:
        from drillcli.cli.render import print_error

        print_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        sys.exit(130)
