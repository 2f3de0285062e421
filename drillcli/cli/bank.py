"""`drill bank validate|lint`: check a bank folder, one `file:line: message` per problem."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from drillcli.bank.challenges import challenge_folders, load_challenge
from drillcli.bank.loader import Problem, check_bank
from drillcli.cli.context import Env
from drillcli.cli.render import console
from drillcli.errors import DrillError


def _folders(ctx: typer.Context, path: Path | None) -> list[Path]:
    if path is not None:
        if not path.is_dir():
            raise DrillError(f"{path}: not a folder", exit_code=2)
        return [path]
    return Env.of(ctx).bank_dirs


def validate_folders(folders: list[Path]) -> tuple[int, int, list[Problem]]:
    """(cards, challenges, problems) for the given bank folders."""
    cards, problems = check_bank(folders)
    challenges = 0
    for folder in challenge_folders(folders):
        try:
            challenge = load_challenge(folder)
        except DrillError as exc:
            problems.append(_problem_from_message(exc.message))
            continue
        challenges += 1
        for needed in (challenge.starter_path, challenge.reference_path, challenge.tests_path):
            if not needed.is_file():
                problems.append(Problem(str(folder / "challenge.yaml"), 1, f"missing {needed.name}"))
    return len(cards), challenges, sorted(problems)


def _problem_from_message(message: str) -> Problem:
    file, _, rest = message.partition(":")
    line, _, text = rest.partition(":")
    return Problem(file, int(line) if line.isdigit() else 0, text.strip() or message)


def validate_command(ctx: typer.Context, path: Path | None) -> None:
    """Check a bank folder: every problem as `file:line: message`; exit 1 if there is any."""
    cards, challenges, problems = validate_folders(_folders(ctx, path))
    _report(problems, f"{cards} cards, {challenges} challenges")


def lint_command(ctx: typer.Context, path: Path | None, *, challenges: bool, device: str) -> None:
    """Validation plus the quality rules (topic sizes, near-duplicates, tags...)."""
    from drillcli.bank.challenges import load_challenges
    from drillcli.lint import lint_cards, lint_challenges

    folders = _folders(ctx, path)
    n_cards, n_challenges, problems = validate_folders(folders)
    if not problems:
        cards, _ = check_bank(folders)
        problems = lint_cards(cards, require_all_topics=path is None)
        if challenges:
            problems += lint_challenges(load_challenges(folders), device=device,
                                        on_progress=lambda m: console().print(f"[dim]{escape(m)}[/]"))
    _report(sorted(problems), f"{n_cards} cards, {n_challenges} challenges")


def _report(problems: list[Problem], counted: str) -> None:
    for p in problems:
        typer.echo(str(p))
    if problems:
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} ({counted})", err=True)
        raise typer.Exit(1)
    console().print(f"[green]ok[/]: {counted}, no problems")
