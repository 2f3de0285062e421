"""The countdown's screen of `drill code`: keys in, the loop's events drawn above a live status line, then
what the attempt teaches. Imported once the prompt is on screen, so none of this delays it."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.text import Text

from drillcli.cli import code_view as view
from drillcli.cli.keys import ENTER, KeyReader
from drillcli.coding.editor import EditPlan, EditWay, plan_edit
from drillcli.coding.grading import Grader
from drillcli.coding.loop import ChallengeLoop, Event, Graded, Outcome, Phase
from drillcli.coding.workspace import read_source
from drillcli.errors import DrillError

POLL_S = 0.05  # keys, saves and verdicts are looked at this often


def run_countdown(con: Console, loop: ChallengeLoop, grader: Grader,
                  editing: tuple[EditPlan, str | None] | None,
                  rate: Callable[[Console, ChallengeLoop], object] | None = None) -> None:
    """From the prompt to the end of the attempt: the countdown, grading each save, then the lesson."""
    _say_editor(con, loop.path, editing)
    closing = threading.Thread(target=grader.close, name="grader-close")
    try:
        _Screen(con, loop).run()
    except KeyboardInterrupt:
        loop.stop()
    finally:
        loop.close()
        closing.start()  # stopping a grader still warming up takes a moment: the last screen does not wait
    try:
        _after(con, loop, grader, rate)
    finally:
        closing.join()


def _say_editor(con: Console, path: Path, editing: tuple[EditPlan, str | None] | None) -> None:
    """Where --edit opened the file, or how to open it without taking this terminal."""
    if editing is None:
        view.render_edit_tip(con, plan_edit(path))
        return
    plan, problem = editing
    view.render_edit_plan(con, plan, opened=plan.way is not EditWay.NONE and problem is None, problem=problem)


class _Screen:
    """The countdown's screen: keys in, the loop's events drawn above a live status line."""

    def __init__(self, con: Console, loop: ChallengeLoop) -> None:
        self.con = con
        self.loop = loop
        self.keys = KeyReader()
        self.confirming = False

    def run(self) -> None:
        with _cbreak(self.keys), Live(self._status(), console=self.con, refresh_per_second=10,
                                      transient=True) as live:
            out = live.console
            while self.loop.outcome is None:
                if self._scripted_and_busy():
                    events = self.loop.poll(wait=POLL_S)
                else:
                    key = self.keys.key(timeout=POLL_S)
                    if key is not None:
                        self._on_key(key, out)
                    events = self.loop.poll()
                for event in events:
                    _draw(out, event)
                live.update(self._status())

    def _scripted_and_busy(self) -> bool:
        """Keys from a pipe (a script) wait while a save is graded, so "Enter, then q" means: grade it,
        then quit. On a terminal keys always act at once."""
        return not self.keys.tty and self.loop.status().phase in (Phase.WAITING, Phase.GRADING)

    def _status(self) -> Text:
        return view.status_text(self.loop.status(), self.confirming)

    def _on_key(self, key: str, out: Console) -> None:
        if self.confirming:
            self.confirming = False
            if key in ("y", "Y", "q"):
                self.loop.give_up()
            elif key in ("s", "S"):
                self.loop.stop()
            return
        if key == "q":
            self.confirming = True
        elif key == "g":
            self.loop.give_up()
        elif key == "h":
            hint = self.loop.next_hint()
            view.render_hint(out, *hint) if hint else view.render_no_more_hints(out)
        elif key == "p":
            view.render_prompt_again(out, self.loop.challenge)
        elif key == ENTER:
            note = self.loop.grade_now()
            if note is not None:
                view.render_note(out, note.text)


def _draw(out: Console, event: Event) -> None:
    if isinstance(event, Graded):
        view.render_report(out, event.report)
    else:
        view.render_note(out, event.text)


@contextlib.contextmanager
def _cbreak(keys: KeyReader) -> Iterator[None]:
    """Keys unechoed and unbuffered for the whole countdown (Ctrl-C still interrupts)."""
    if not keys.tty:
        yield
        return
    import termios
    import tty

    fd = keys.stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def _after(con: Console, loop: ChallengeLoop, grader: Grader,
           rate: Callable[[Console, ChallengeLoop], object] | None = None) -> None:
    """The end of the attempt: the result, and on accepted or give-up, the reference and its why."""
    from drillcli.coding.teach import lesson_for

    outcome = loop.outcome or Outcome.STOPPED
    if outcome is Outcome.GRADER_FAILED:
        error = grader.error()
        raise error if error is not None else DrillError(loop.failure or "the grader failed")
    if outcome is Outcome.ACCEPTED:
        view.render_accepted(con, loop.challenge, loop.tally, loop.minutes)
    else:
        view.render_end(con, outcome, loop.challenge, loop.tally, loop.path)
    if rate is not None and outcome is not Outcome.STOPPED:  # an attempt that ended is a review
        rate(con, loop)
    if outcome not in (Outcome.ACCEPTED, Outcome.GAVE_UP):
        return
    lesson = lesson_for(loop.challenge)
    view.render_lesson(con, loop.challenge, lesson)
    _offer_diff(con, loop, lesson.reference)


def _offer_diff(con: Console, loop: ChallengeLoop, reference: str) -> None:
    if not sys.stdin.isatty():
        return
    view.render_after_keys(con)
    key = None
    with contextlib.suppress(KeyboardInterrupt):
        key = KeyReader().key()
    if key == "d":
        yours = (read_source(loop.path) or b"").decode("utf-8", "replace")
        view.render_diff(con, yours, reference)


