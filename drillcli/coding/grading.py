"""The one place `drill code` reaches the grader: a `Grader` that warms up in the background.

`PoolGrader` adapts the grader's warm pool: `start()` returns at once and torch loads on the pool's own
thread, so nothing torch-related runs before the prompt or on the screen's thread.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from drillcli.errors import DrillError

if TYPE_CHECKING:
    from drillcli.bank.challenges import Challenge
    from drillcli.grader.report import GradeReport

READY_POLL_S = 0.05


class GraderUnavailable(DrillError):
    """The grader could not start (no such device, a broken install); nothing can be graded."""


class Grader(Protocol):
    """What the challenge loop needs from a grader. `grade` is called from one thread at a time."""

    def start(self) -> None:
        """Begin warming up; returns at once."""

    def ready(self) -> bool:
        """True once a grade would start at once (or once starting has failed: see `error`)."""

    def error(self) -> DrillError | None:
        """Why the grader could not start, once `ready()`; None when it works."""

    def grade(self, copy: Path, workspace: Path) -> GradeReport:
        """Grade the file `copy`; messages name `workspace` (the file the user edits) instead."""

    def cancel(self) -> None:
        """Stop the grade in flight, if any (its result no longer matters); returns at once."""

    def close(self) -> None:
        """Stop everything this grader started."""


def wait_ready(grader: Grader, stop: threading.Event, poll_s: float = READY_POLL_S) -> bool:
    """Block until the grader is ready or `stop` is set; True when ready."""
    while not grader.ready():
        if stop.wait(poll_s):
            return False
    return True


def shown_as(report: GradeReport, copy: Path, workspace: Path) -> GradeReport:
    """The report naming the workspace file by its full path wherever it names the graded copy or the
    workspace file by its bare name (so a terminal or editor can open it from the traceback)."""

    def fix(text: str) -> str:
        text = text.replace(str(copy), str(workspace))
        return text.replace(f'"{copy.name}"', f'"{workspace}"').replace(f'"{workspace.name}"', f'"{workspace}"')

    tests = [dataclasses.replace(t, message=fix(t.message)) for t in report.tests]
    return dataclasses.replace(report, tests=tests, message=fix(report.message),
                               output_excerpt=fix(report.output_excerpt))


class Cancelled(Exception):
    """The grade in flight was stopped (a newer save, or the end of the attempt)."""


class PoolGrader:
    """The grader's warm pool for one challenge. Creating it costs nothing; `start()` returns at once."""

    def __init__(self, challenge: Challenge, device: str) -> None:
        self._challenge = challenge
        self._device = device
        self._pool: Any = None

    def start(self) -> None:
        from drillcli.grader import GraderPool

        self._pool = GraderPool(self._device).start(self._challenge)

    def ready(self) -> bool:
        return self._pool is not None and bool(self._pool.ready())

    def error(self) -> DrillError | None:
        if not self.ready() or self._pool.startup_error is None:
            return None
        try:
            self._pool.wait_ready(0)  # raises the start-up error itself, with its exit code
        except DrillError as exc:
            return exc
        return GraderUnavailable(self._pool.startup_error)

    def grade(self, copy: Path, workspace: Path) -> GradeReport:
        from drillcli.grader import GradeCancelled

        try:
            report = self._pool.grade(copy, self._challenge, display_name=str(workspace))
        except GradeCancelled as exc:
            raise Cancelled(str(exc)) from None
        return shown_as(report, copy, workspace)

    def cancel(self) -> None:
        if self._pool is not None:
            self._pool.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()



def pool_grader(challenge: Challenge, device: str) -> Grader:
    """The warm pool for `challenge` (not started: `start()` it once the prompt is on screen)."""
    return PoolGrader(challenge, device)
