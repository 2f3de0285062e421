"""`drill bank validate|lint`: check a bank folder, one `file:line: message` per problem."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.markup import escape

from drillcli.bank.challenges import challenge_folders, duplicate_folders, duplicate_message, load_challenge
from drillcli.bank.lines import line_of
from drillcli.bank.loader import Problem, check_bank, duplicate_ids, parse_card_file
from drillcli.cli.context import Env
from drillcli.cli.render import console
from drillcli.errors import DrillError


def _folders(ctx: typer.Context, path: Path | None) -> list[Path]:
    if path is not None:
        if not path.is_dir():
            raise DrillError(f"{path}: no such file or folder" if not path.exists() else f"{path}: not a folder",
                             exit_code=2)
        return [path]
    return Env.of(ctx).bank_dirs


def validate_folders(folders: list[Path]) -> tuple[int, int, list[Problem]]:
    """(cards, challenges, problems) for the given bank folders."""
    cards, problems = check_bank(folders)
    found = challenge_folders(folders)
    challenges = 0
    for folder in found:
        folder_problems = _challenge_problems(folder)
        challenges += 0 if folder_problems else 1
        problems += folder_problems
    for challenge_id, dup in duplicate_folders(found).items():
        problems.append(Problem(str(dup[1] / "challenge.yaml"), _id_line(dup[1]), duplicate_message(challenge_id, dup)))
    return len(cards), challenges, sorted(problems)


def _challenge_problems(folder: Path) -> list[Problem]:
    try:
        challenge = load_challenge(folder)
    except DrillError as exc:
        return [_problem_from_message(exc.message)]
    return [Problem(str(folder / "challenge.yaml"), 1, f"missing {needed.name}")
            for needed in (challenge.starter_path, challenge.reference_path, challenge.tests_path)
            if not needed.is_file()]


def _id_line(folder: Path) -> int:
    from drillcli.bank.yamlload import load_yaml

    try:
        return line_of(load_yaml(folder / "challenge.yaml"), "id") or 1
    except DrillError:
        return 1


def validate_file(path: Path) -> tuple[int, int, list[Problem]]:
    """(cards, challenges, problems) for one card file or one challenge.yaml."""
    if path.name == "challenge.yaml":
        problems = _challenge_problems(path.parent)
        return 0, int(not problems), problems
    cards, problems = parse_card_file(path)
    return len(cards), 0, sorted(problems + duplicate_ids(cards))


def _problem_from_message(message: str) -> Problem:
    file, _, rest = message.partition(":")
    line, _, text = rest.partition(":")
    return Problem(file, int(line) if line.isdigit() else 0, text.strip() or message)


def validate_command(ctx: typer.Context, path: Path | None) -> None:
    """Check a bank folder or one YAML file: every problem as `file:line: message`; exit 1 if there is any."""
    if path is not None and path.is_file():
        cards, challenges, problems = validate_file(path)
    else:
        cards, challenges, problems = validate_folders(_folders(ctx, path))
    _report(problems, _counted(cards, challenges))


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
            started = time.monotonic()
            problems += lint_challenges(load_challenges(folders), device=device,
                                        on_progress=lambda m: console().print(f"[dim]{escape(m)}[/]"))
            console().print(f"[dim]challenges graded in {time.monotonic() - started:.1f} s[/]")
    _report(sorted(problems), _counted(n_cards, n_challenges))


def _counted(cards: int, challenges: int) -> str:
    return f"{cards} card{'s' if cards != 1 else ''}, {challenges} challenge{'s' if challenges != 1 else ''}"


def _report(problems: list[Problem], counted: str) -> None:
    for p in problems:
        typer.echo(str(p))
    if problems:
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} ({counted})", err=True)
        raise typer.Exit(1)
    console().print(f"[green]ok[/]: {counted}, no problems")


def new_challenge_command(ctx: typer.Context, challenge_id: str, path: Path | None, topic: str,
                          kind: str = "function") -> None:
    """Scaffold `challenges/<id>/` in a bank folder (default: the bundled bank)."""
    from drillcli.bank.scaffold import new_challenge
    from drillcli.paths import bundled_bank_dir

    bank = path if path is not None else bundled_bank_dir()
    scaffold = new_challenge(bank, challenge_id, topic, kind)
    for file in scaffold.files:
        typer.echo(str(file))
    console().print(f"[green]created[/] {escape(str(scaffold.folder))}: write reference.py, the prompt "
                    f"and more tests, then run `drill bank lint --challenges {escape(str(bank))}`")
