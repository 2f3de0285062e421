"""`drill code [ID]`: a timed coding challenge, written in the user's own editor, graded on every save.

The prompt is drawn first, with as little imported as possible; the grader then warms up in the background
while the countdown runs (`coding.grading`), `coding.loop` grades saves off the screen's thread, and
`code_screen` reads keys and draws.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel

from drillcli.bank.challenges import Challenge, find_challenge, load_challenges
from drillcli.cli.context import Env
from drillcli.cli.keys import KeyReader
from drillcli.cli.render import console
from drillcli.coding.workspace import read_source, workspace_file
from drillcli.errors import DrillError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from drillcli.coding.editor import EditPlan
    from drillcli.coding.loop import ChallengeLoop

KEYS = "Every save is graded. Enter grade now · h hint · p prompt · g give up · q quit"
DEVICES = ("auto", "cpu", "cuda", "mps")


def code_command(ctx: typer.Context, *, challenge_id: str | None, minutes: float | None, device: str,
                 fresh: bool, edit: bool = False) -> None:
    """A timed coding challenge: edit the file in your editor; every save is graded by hidden tests."""
    env = Env.of(ctx)
    if device not in DEVICES:
        raise UsageError(f"unknown device {device!r} (auto, cpu or cuda)")
    challenge = _choose(env, challenge_id)
    run_timed(env, challenge, minutes=minutes, device=device, fresh=fresh, edit=edit)


def _choose(env: Env, challenge_id: str | None) -> Challenge:
    if challenge_id:
        return find_challenge(env.bank_dirs, challenge_id)
    from drillcli.cli.challenge_review import board, pick  # the most overdue, else new by topic need

    found = board(env)
    chosen = pick(env, found) if found.infos else None
    if chosen is None:
        raise DrillError("the bank has no challenges")
    return chosen


def run_timed(env: Env, challenge: Challenge, *, minutes: float | None, device: str, fresh: bool,
              edit: bool = False) -> ChallengeLoop:
    """The prompt first; then the countdown with grading on every save, then what the attempt teaches."""
    con = console()
    path, resumed = workspace_file(challenge, fresh)
    from drillcli.cli.challenge_review import announce_restart, rating_hook, restart_due

    restarted = None if fresh else restart_due(env, challenge, path)  # due again: from a fresh starter
    resumed = resumed and restarted is None
    minutes = minutes or challenge.meta.minutes
    editing = _open_editor(path) if edit else None  # first: a tmux pane changes the width drawn at
    shown = read_source(path)  # a save made from now on, even before the countdown's screen is up, counts
    render_prompt(con, challenge, minutes, path, resumed)
    if restarted is not None:
        announce_restart(con, restarted)
    from drillcli.cli.code_screen import run_countdown  # everything past the prompt loads from here
    from drillcli.coding.grading import PoolGrader
    from drillcli.coding.loop import ChallengeLoop

    grader = PoolGrader(challenge, device)
    loop = ChallengeLoop(challenge, path, minutes, grader, record=lambda a: env.store.record_attempt(a))
    loop.begin(shown)  # the countdown starts with the prompt on screen
    grader.start()  # torch loads on the grader's own thread, from now on
    run_countdown(con, loop, grader, editing, rate=rating_hook(env))
    return loop


def _open_editor(path: Path) -> tuple[EditPlan, str | None]:
    """--edit: the editor opened where it leaves this terminal to the countdown; (plan, why it failed)."""
    from drillcli.coding.editor import EditWay, open_editor, plan_edit

    plan = plan_edit(path)
    return plan, open_editor(plan) if plan.way is not EditWay.NONE else None


def render_prompt(con: Console, challenge: Challenge, minutes: float, path: Path, resumed: bool) -> None:
    """The challenge's prompt, the file to edit and the keys: all a user needs to start."""
    meta = challenge.meta
    body = f"{meta.prompt}\n\n**Entry point:** `{meta.signature or meta.entry_point}`"
    title = f"{escape(meta.title)} · {escape(meta.topic)} · {meta.difficulty} · {minutes:g} min"
    con.print(Panel(Markdown(body), title=title, title_align="left", border_style="blue"))
    note = " (your earlier work is kept; --fresh starts over)" if resumed else ""
    con.print(f"Edit [bold]{escape(str(path))}[/]{escape(note)}")
    con.print(f"[dim]{KEYS}[/]")


def offer_timed_challenge(env: Env) -> None:
    """After the cards: propose a challenge; a single key accepts."""
    challenges = load_challenges(env.bank_dirs)
    if not challenges:
        return
    from drillcli.study.picking import pick_challenge

    pick = pick_challenge(challenges, env.store.attempts(), datetime.now(timezone.utc))
    con = console()
    meta = pick.meta
    con.print(f"\nTimed challenge: [bold]{escape(meta.title)}[/] ({escape(meta.topic)}, {meta.difficulty}, "
              f"{meta.minutes} min). Start it? \\[y/N] ", end="")
    key = KeyReader().key()
    con.print()
    if key in ("y", "Y"):
        run_timed(env, pick, minutes=None, device="auto", fresh=False)
