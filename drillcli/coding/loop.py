"""The timed challenge as a state machine: saves in, verdicts and an outcome out; no terminal involved.

The screen's thread calls `poll()` a few times a second and handles keys; one grading thread of the loop's
own takes the newest save and grades it, so the countdown never waits for a verdict. A save made while
another is graded supersedes it: the older grade is cancelled and its verdict dropped.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from drillcli.coding.grading import Cancelled, Grader, wait_ready
from drillcli.coding.workspace import digest, keep_copy, read_source
from drillcli.errors import DrillError
from drillcli.store.models import Attempt

if TYPE_CHECKING:
    from drillcli.bank.challenges import Challenge
    from drillcli.grader.report import GradeReport

SETTLE_S = 0.05  # a file written less than this long ago may still be being written


class Phase(str, Enum):
    WARMING = "warming"  # the grader starts; nothing waits for it
    WAITING = "waiting"  # a save waits for the grader to be ready
    GRADING = "grading"
    IDLE = "idle"


class Outcome(str, Enum):
    ACCEPTED = "accepted"
    GAVE_UP = "gave_up"
    TIME_UP = "time_up"
    STOPPED = "stopped"  # Ctrl-C or "stop here": the file is kept to resume
    GRADER_FAILED = "grader_failed"


@dataclass
class Job:
    seq: int
    source: bytes
    queued_at: float
    grading_since: float | None = None


@dataclass(frozen=True)
class Graded:
    """A verdict for the newest save."""

    report: GradeReport
    copy: Path


@dataclass(frozen=True)
class Note:
    """Something to tell the user that is not a verdict (a file gone missing, the grader failing)."""

    text: str
    cancelled: bool = False  # the grade was stopped before its verdict


Event = Graded | Note


@dataclass(frozen=True)
class Status:
    remaining_s: float
    phase: Phase
    busy_s: float  # how long the save in hand has waited or been graded
    last: GradeReport | None
    time_up: bool  # the countdown is over; the last save's verdict is awaited


@dataclass
class Tally:
    """What the accepted screen and the outro report."""

    attempts: int = 0
    hints_used: int = 0
    solved_after_s: float | None = None
    last: GradeReport | None = None


@dataclass
class _Shared:
    """State shared with the grading thread, always under `lock`."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    pending: Job | None = None
    current: Job | None = None
    newest: int = 0


class ChallengeLoop:
    """One timed attempt at `challenge`, the user editing `path`; `record` keeps each shown verdict."""

    def __init__(self, challenge: Challenge, path: Path, minutes: float, grader: Grader, *,
                 record: Callable[[Attempt], object] | None = None,
                 clock: Callable[[], float] = time.monotonic, settle_s: float = SETTLE_S) -> None:
        self.challenge = challenge
        self.path = path
        self.minutes = minutes
        self.grader = grader
        self.tally = Tally()
        self.outcome: Outcome | None = None
        self.failure: str | None = None
        self._record = record
        self._clock = clock
        self._settle_s = settle_s
        self._shared = _Shared()
        self._results: queue.Queue[tuple[Job, Event]] = queue.Queue()
        self._started = 0.0
        self._started_at = datetime.now(timezone.utc)
        self._seen = ""  # the digest of the newest content handed to the grader (or found at the start)
        self._graded = ""  # the digest of the content whose verdict was shown last
        self._time_up = False
        self._thread: threading.Thread | None = None

    # ---- the screen's side ----

    def begin(self, shown: bytes | None = None) -> None:
        """The prompt is on screen: the countdown starts now. `shown` is the file as it was when the prompt
        was drawn (read now when not given): any other content is a save to grade."""
        self._started = self._clock()
        self._started_at = datetime.now(timezone.utc)
        self._seen = digest(shown if shown is not None else read_source(self.path))
        self._thread = threading.Thread(target=self._grading_thread, name="grading", daemon=True)
        self._thread.start()

    @property
    def remaining_s(self) -> float:
        return self.minutes * 60 - (self._clock() - self._started)

    @property
    def elapsed_s(self) -> float:
        return self._clock() - self._started

    def poll(self, wait: float = 0.0) -> list[Event]:
        """Look for a new save, collect verdicts (waiting up to `wait` s for one), and watch the clock."""
        if self.outcome is None and not self._time_up:
            self._look_for_save()
        events = self._collect(wait)
        if self.outcome is None:
            self._watch_grader()
        if self.outcome is None:
            self._watch_clock()
        return events

    def grade_now(self) -> Note | None:
        """Grade the file as it is now, even unchanged (Enter)."""
        source = read_source(self.path)
        if source is None:
            return Note(f"{self.path} is missing: save it again to have it graded.")
        if digest(source) != self._seen or not self._in_hand():  # the same file already being graded: wait
            self._submit(source)
        return None

    def next_hint(self) -> tuple[int, int, str] | None:
        """(number, of, text) of the next hint; None when every hint was shown."""
        hints = self.challenge.meta.hints
        if self.tally.hints_used >= len(hints):
            return None
        self.tally.hints_used += 1
        return self.tally.hints_used, len(hints), hints[self.tally.hints_used - 1]

    def give_up(self) -> None:
        self._finish(Outcome.GAVE_UP)

    def stop(self) -> None:
        """Stop here (Ctrl-C): the workspace file stays, to be resumed."""
        self._finish(Outcome.STOPPED)

    def status(self) -> Status:
        shared = self._shared
        with shared.lock:
            job = shared.current or shared.pending
        ready = self.grader.ready()
        if job is None:
            phase, busy = (Phase.IDLE if ready else Phase.WARMING), 0.0
        elif job.grading_since is None and not ready:
            phase, busy = Phase.WAITING, self._clock() - job.queued_at
        else:
            phase, busy = Phase.GRADING, self._clock() - (job.grading_since or job.queued_at)
        return Status(max(0.0, self.remaining_s), phase, busy, self.tally.last, self._time_up)

    def close(self) -> None:
        """Stop the grading thread and whatever it grades; the grader itself is the caller's to close."""
        shared = self._shared
        shared.stop.set()
        shared.wake.set()
        self.grader.cancel()
        if self._thread is not None:
            self._thread.join(timeout=2)

    # ---- saves and verdicts ----

    def _look_for_save(self) -> None:
        source = read_source(self.path)
        if source is None or digest(source) == self._seen or self._still_written():
            return
        self._submit(source)

    def _still_written(self) -> bool:
        try:
            return time.time() - self.path.stat().st_mtime < self._settle_s
        except OSError:
            return True

    def _submit(self, source: bytes) -> None:
        self._seen = digest(source)
        shared = self._shared
        with shared.lock:  # held while cancelling, so the grade stopped is the older one, never this
            shared.newest += 1
            shared.pending = Job(shared.newest, source, self._clock())
            if shared.current is not None:
                self.grader.cancel()
        shared.wake.set()

    def _collect(self, wait: float) -> list[Event]:
        events: list[Event] = []
        try:
            job, event = self._results.get(timeout=wait) if wait > 0 else self._results.get_nowait()
            while True:
                self._take(job, event, events)
                job, event = self._results.get_nowait()
        except queue.Empty:
            return events

    def _take(self, job: Job, event: Event, events: list[Event]) -> None:
        if job.seq != self._shared.newest or self.outcome is not None:
            if isinstance(event, Graded):  # superseded by a newer save, or too late to matter
                event.copy.unlink(missing_ok=True)
            return
        if isinstance(event, Note) and event.cancelled:
            self._submit(job.source)  # stopped though still the newest save: grade it again
            return
        if self.grader.ready() and self.grader.error() is not None:
            return  # said once, by _watch_grader
        events.append(event)
        if isinstance(event, Graded):
            self._graded = digest(job.source)
            self._count(event)

    def _watch_grader(self) -> None:
        """A grader that cannot start ends the attempt at once, not at the first save."""
        error = self.grader.error() if self.grader.ready() else None
        if error is not None:
            self.failure = error.message
            self._finish(Outcome.GRADER_FAILED)

    def _count(self, event: Graded) -> None:
        report = event.report
        self.tally.attempts += 1
        self.tally.last = report
        if self._record is not None:
            self._record(self._attempt(report, event.copy))
        if report.accepted and self.outcome is None:
            self.tally.solved_after_s = self.elapsed_s
            self._finish(Outcome.ACCEPTED)

    def _attempt(self, report: GradeReport, copy: Path) -> Attempt:
        return Attempt(
            challenge_id=self.challenge.id, started_at=self._started_at, finished_at=datetime.now(timezone.utc),
            verdict=report.verdict, passed=report.passed, total=report.total, device=report.device,
            elapsed_ms=report.elapsed_ms, runtime_ratio=report.runtime_ratio, timed=True, minutes=self.minutes,
            file=str(copy),
        )

    def _watch_clock(self) -> None:
        if self.remaining_s > 0:
            return
        if not self._time_up:
            self._time_up = True
            self._grade_last_save()
        if not self._in_hand() and self._results.empty():
            self._finish(Outcome.TIME_UP)

    def _grade_last_save(self) -> None:
        """At time up, a save not yet graded is graded, unless it is the untouched starter."""
        source = read_source(self.path)
        if source is None or digest(source) == self._graded:
            return
        if digest(source) == self._seen and self._in_hand():
            return  # already being graded
        if digest(source) != digest(read_source(self.challenge.starter_path)):
            self._submit(source)

    def _in_hand(self) -> bool:
        with self._shared.lock:
            return self._shared.current is not None or self._shared.pending is not None

    def _finish(self, outcome: Outcome) -> None:
        if self.outcome is None:
            self.outcome = outcome
        with self._shared.lock:
            self._shared.pending = None
            if self._shared.current is not None:
                self.grader.cancel()

    # ---- the grading thread ----

    def _grading_thread(self) -> None:
        shared = self._shared
        while not shared.stop.is_set():
            shared.wake.wait()
            with shared.lock:
                shared.wake.clear()
                job, shared.pending = shared.pending, None
                shared.current = job
            if job is not None:
                self._results.put((job, self._grade(job)))
                with shared.lock:
                    shared.current = None

    def _grade(self, job: Job) -> Event:
        if not wait_ready(self.grader, self._shared.stop):
            return Note("stopped")
        error = self.grader.error()
        if error is not None:
            return Note(f"the grader could not start: {error.message}")
        try:
            copy = keep_copy(self.challenge.id, job.source)
        except DrillError as exc:
            return Note(exc.message)
        job.grading_since = self._clock()
        try:
            return Graded(self.grader.grade(copy, self.path), copy)
        except Cancelled:
            copy.unlink(missing_ok=True)
            return Note("cancelled", cancelled=True)
        except DrillError as exc:
            return Note(exc.message)
