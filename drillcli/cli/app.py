"""The `drill` command: a thin Typer layer. Domain errors are caught once, here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from drillcli import __version__
from drillcli.errors import DrillError

app = typer.Typer(
    name="drill",
    help="Drills for deep-learning interviews: spaced-repetition flashcards, timed PyTorch "
    "challenges graded by hidden tests, and progress reports.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"drill {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    bank: Annotated[
        Optional[list[Path]],  # noqa: UP045 - typer reads the annotation at run time
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


def _register() -> None:
    from drillcli.cli import bank, cards, check, code, listing, report

    app.command("cards")(cards.cards_command)
    app.command("code")(code.code_command)
    app.command("check")(check.check_command)
    app.command("list")(listing.list_command)
    app.command("report")(report.report_command)
    app.add_typer(bank.bank_app, name="bank")


_register()


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
