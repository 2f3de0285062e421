"""`drill code [ID]`: a timed coding challenge, written in the user's own editor, graded on every save."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.live import Live
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from drillcli import paths
from drillcli.bank.challenges import Challenge, find_challenge, load_challenges
from drillcli.cli.context import Env
from drillcli.cli.keys import ENTER, KeyReader
from drillcli.cli.render import console
from drillcli.errors import DrillError, UsageError
from drillcli.store.models import Attempt
from drillcli.study.picking import pick_challenge

if TYPE_CHECKING:
    from drillcli.grader import GradeReport, GraderPool

POLL_S = 0.2


def code_command(
    ctx: typer.Context, *, challenge_id: str | None, minutes: float | None, device: str, fresh: bool
) -> None:
    """A timed coding challenge: edit the file in your editor; every save is graded by hidden tests."""
    env = Env.of(ctx)
    if device not in ("auto", "cpu", "cuda", "mps"):
        raise UsageError(f"unknown device {device!r} (auto, cpu or cuda)")
    challenge = _choose(env, challenge_id)
    run_timed(env, challenge, minutes=minutes, device=device, fresh=fresh)


def _choose(env: Env, challenge_id: str | None) -> Challenge:
    if challenge_id:
        return find_challenge(env.bank_dirs, challenge_id)
    challenges = load_challenges(env.bank_dirs)
    if not challenges:
        raise DrillError("the bank has no challenges")
    return pick_challenge(challenges, env.store.attempts(), datetime.now(timezone.utc))


def workspace_file(challenge: Challenge, fresh: bool) -> tuple[Path, bool]:
    """The file the user edits; (path, resumed) where resumed means earlier work was kept."""
    folder = paths.workspace_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{challenge.id}.py"
        starter = challenge.starter_path.read_bytes()
        if fresh or not path.exists():
            path.write_bytes(starter)
            return path, False
        return path, path.read_bytes() != starter
    except OSError as exc:
        raise DrillError(f"cannot write the workspace {folder}: {exc.strerror or exc}") from None


@dataclass
class Drill:
    """The state of one timed attempt."""

    challenge: Challenge
    path: Path
    minutes: float
    started: float = field(default_factory=time.monotonic)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    last_digest: str = ""
    last_report: GradeReport | None = None
    hints_shown: int = 0
    solved_after_s: float | None = None

    @property
    def remaining_s(self) -> float:
        return self.minutes * 60 - (time.monotonic() - self.started)


def run_timed(env: Env, challenge: Challenge, *, minutes: float | None, device: str, fresh: bool) -> Drill:
    from drillcli.grader import GraderPool

    path, resumed = workspace_file(challenge, fresh)
    pool = GraderPool(device)  # imports torch (seconds): before the countdown starts, not on its clock
    pool.expect(challenge)
    pool.start()
    drill = Drill(challenge, path, minutes or challenge.meta.minutes)
    drill.last_digest = _digest(path)
    warm = _Warmup(pool, challenge)
    try:
        _intro(drill, resumed, pool)
        _countdown(env, drill, pool, warm)
    finally:
        pool.close()
    _outro(drill)
    return drill


class _Warmup:
    """Loads torch and the hidden tests and waits for a warm worker, in the background, so the first
    save is graded as fast as the later ones."""

    def __init__(self, pool: GraderPool, challenge: Challenge) -> None:
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(pool, challenge), daemon=True)
        self._thread.start()

    def _run(self, pool: GraderPool, challenge: Challenge) -> None:
        try:
            pool.prepare(challenge)
        finally:
            self.done.set()

    def wait(self) -> None:
        self._thread.join()


def _intro(drill: Drill, resumed: bool, pool: GraderPool) -> None:
    con = console()
    meta = drill.challenge.meta
    # The prompt itself says what is forbidden, in words; the raw list of dotted paths stays in the yaml.
    body = f"{meta.prompt}\n\n**Entry point:** `{meta.signature or meta.entry_point}`"
    title = f"{escape(meta.title)} · {meta.topic} · {meta.difficulty} · {drill.minutes:g} min"
    con.print(Panel(Markdown(body), title=title, title_align="left", border_style="blue"))
    note = " (your earlier work is kept; --fresh starts over)" if resumed else ""
    con.print(f"Edit [bold]{escape(str(drill.path))}[/]{note}")
    con.print(f"[dim]e.g. {escape(_editor())} {escape(str(drill.path))}[/]")
    con.print("[dim]Every save is graded. Enter grade now · h hint · p prompt again · q give up[/]")


def _editor() -> str:
    import os

    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vim"


def _countdown(env: Env, drill: Drill, pool: GraderPool, warm: _Warmup) -> None:
    keys = KeyReader()
    con = console()
    with Live(_status(drill, warm), console=con, refresh_per_second=4, transient=True) as live:
        while drill.remaining_s > 0:
            key = keys.key(timeout=POLL_S)
            live.update(_status(drill, warm))
            if key == "q":
                return
            if key == "h":
                _hint(drill, live)
            elif key == "p":
                live.console.print(Markdown(drill.challenge.meta.prompt))
            changed = _saved_since_last(drill)
            if key in (ENTER, "g") or changed:
                report = _grade(env, drill, pool, live, warm)
                if report is not None and report.accepted:
                    return
        live.console.print("[bold yellow]Time is up.[/]")
    if _saved_since_last(drill) or (drill.last_report is None and _edited(drill)):
        _grade(env, drill, pool, None, warm)


def _edited(drill: Drill) -> bool:
    """The file differs from the starter: an untouched starter is not an attempt worth recording."""
    return _digest(drill.path) not in ("", _digest(drill.challenge.starter_path))


def _status(drill: Drill, warm: _Warmup) -> Text:
    left = max(0, int(drill.remaining_s))
    minutes, seconds = divmod(left, 60)
    style = "bold red" if left < 60 else "bold"
    last = drill.last_report
    verdict = f"last: {last.verdict} {last.passed}/{last.total}" if last else "not graded yet"
    ready = "grader ready" if warm.done.is_set() else "grader warming up"
    return Text.assemble(("⏱ ", ""), (f"{minutes:02d}:{seconds:02d}", style), f"  ·  {verdict}  ·  {ready}")


def _hint(drill: Drill, live: Live) -> None:
    hints = drill.challenge.meta.hints
    if drill.hints_shown >= len(hints):
        live.console.print("[dim]No more hints.[/]")
        return
    live.console.print(f"[cyan]Hint {drill.hints_shown + 1}/{len(hints)}:[/] {escape(hints[drill.hints_shown])}")
    drill.hints_shown += 1


def _digest(path: Path) -> str:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _saved_since_last(drill: Drill) -> bool:
    """True when the file holds new content. A file that is missing for a moment (an editor that saves by
    renaming) counts as unchanged: it is graded once it is back."""
    digest = _digest(drill.path)
    return digest != "" and digest != drill.last_digest


def _grade(env: Env, drill: Drill, pool: GraderPool, live: Live | None, warm: _Warmup) -> GradeReport | None:
    """Grade the file as it is now; None (and a note) when it cannot be read."""
    from drillcli.cli.check import render_report

    warm.wait()
    time.sleep(0.05)  # let an editor finish writing the file
    drill.last_digest = _digest(drill.path)
    out = live.console if live else console()
    try:
        snapshot = _snapshot(drill)
    except FileNotFoundError:
        out.print(f"[yellow]{escape(str(drill.path))} is missing[/]: save it again to have it graded.")
        return None
    report = pool.grade(snapshot, drill.challenge)
    drill.last_report = report
    if report.accepted and drill.solved_after_s is None:
        drill.solved_after_s = time.monotonic() - drill.started
    _record(env, drill, report, snapshot)
    render_report(report, console=out, failures_only=True)
    return report


def _snapshot(drill: Drill) -> Path:
    """A copy of what was graded, kept under attempts/ so history shows the code, not just the verdict."""
    folder = paths.attempts_dir() / drill.challenge.id
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"{stamp}.py"
    source = drill.path.read_bytes()  # FileNotFoundError: the caller says so
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source)
    except OSError as exc:
        raise DrillError(f"cannot keep a copy of the attempt in {folder}: {exc.strerror or exc}") from None
    return target


def _record(env: Env, drill: Drill, report: GradeReport, file: Path) -> None:
    env.store.record_attempt(Attempt(
        challenge_id=drill.challenge.id, started_at=drill.started_at, finished_at=datetime.now(timezone.utc),
        verdict=report.verdict, passed=report.passed, total=report.total, device=report.device,
        elapsed_ms=report.elapsed_ms, runtime_ratio=report.runtime_ratio, timed=True, minutes=drill.minutes,
        file=str(file),
    ))


def _outro(drill: Drill) -> None:
    con = console()
    report = drill.last_report
    if drill.solved_after_s is not None:
        m, s = divmod(int(drill.solved_after_s), 60)
        ratio = f" · {report.runtime_ratio:.1f}× the reference's time" if report and report.runtime_ratio else ""
        con.print(f"[bold green]Solved[/] {drill.challenge.id} in {m}m{s:02d}s{ratio}.")
    elif report is None:
        con.print(f"No submission graded. Your file stays at {escape(str(drill.path))}.")
    else:
        con.print(f"Not solved this time (last verdict: {report.verdict}, {report.passed}/{report.total}). "
                  f"Your file stays at {escape(str(drill.path))}; `drill code {drill.challenge.id}` resumes it.")


def offer_timed_challenge(env: Env) -> None:
    """After the cards: propose a challenge; a single key accepts."""
    challenges = load_challenges(env.bank_dirs)
    if not challenges:
        return
    pick = pick_challenge(challenges, env.store.attempts(), datetime.now(timezone.utc))
    con = console()
    con.print(f"\nTimed challenge: [bold]{escape(pick.meta.title)}[/] ({pick.meta.topic}, {pick.meta.difficulty}, "
              f"{pick.meta.minutes} min). Start it? \\[y/N] ", end="")
    key = KeyReader().key()
    con.print()
    if key in ("y", "Y"):
        run_timed(env, pick, minutes=None, device="auto", fresh=False)
