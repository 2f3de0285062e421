"""The challenge loop driven directly: a scripted grader, a fixed clock, a real store; no terminal."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from drillcli.bank.challenges import Challenge, find_challenge
from drillcli.coding.grading import Cancelled
from drillcli.coding.loop import ChallengeLoop, Event, Graded, Note, Outcome, Phase
from drillcli.errors import DrillError
from drillcli.grader import report as R
from drillcli.paths import bundled_bank_dir
from drillcli.store.repo import Store

RIGHT = "def softmax(x, dim=-1):\n    return 'right'\n"
WRONG = "def softmax(x, dim=-1):\n    return 'wrong'\n"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedGrader:
    """Accepts a file that says 'right'; each grade can be held until released (or cancelled)."""

    def __init__(self, *, ready: bool = True, hold: bool = False, error: DrillError | None = None) -> None:
        self._ready = threading.Event()
        if ready:
            self._ready.set()
        self.hold = hold
        self.gates: list[threading.Event] = []
        self.graded: list[str] = []
        self.cancels = 0
        self.cancelled_while_held = False
        self._error = error

    def start(self) -> None: ...

    def make_ready(self) -> None:
        self._ready.set()

    def ready(self) -> bool:
        return self._ready.is_set()

    def error(self) -> DrillError | None:
        return self._error

    def grade(self, copy: Path, workspace: Path) -> R.GradeReport:
        source = copy.read_text()
        gate = threading.Event()
        self.gates.append(gate)
        if self.hold:
            gate.wait(10)
        if self.cancelled_while_held:
            self.cancelled_while_held = False
            raise Cancelled("a newer save")
        self.graded.append(source)
        right = "right" in source
        tests = [R.TestOutcome("t1", "passed" if right else "failed", "" if right else f'File "{workspace}"')]
        return R.GradeReport("softmax", "accepted" if right else "wrong_answer", int(right), 1, "cpu", 5.0, tests)

    def cancel(self) -> None:
        self.cancels += 1
        if self.gates and not self.gates[-1].is_set():
            self.cancelled_while_held = True
        for gate in self.gates:
            gate.set()

    def close(self) -> None: ...


@pytest.fixture
def challenge() -> Challenge:
    return find_challenge([bundled_bank_dir()], "softmax")


@pytest.fixture
def workspace(tmp_path: Path, challenge: Challenge) -> Path:
    path = tmp_path / "softmax.py"
    path.write_bytes(challenge.starter_path.read_bytes())
    return path


def make_loop(challenge: Challenge, path: Path, grader: ScriptedGrader, clock: Clock,
              store: Store | None = None) -> ChallengeLoop:
    record = store.record_attempt if store is not None else None
    loop = ChallengeLoop(challenge, path, 10, grader, record=record, clock=clock, settle_s=0)
    loop.begin()
    return loop


def poll_until(loop: ChallengeLoop, done: Callable[[list[Event]], bool]) -> list[Event]:
    events: list[Event] = []
    for _ in range(200):
        events += loop.poll(wait=0.05)
        if done(events):
            return events
    raise AssertionError(f"never happened; events so far: {events}")


def test_a_save_is_graded_recorded_and_an_accepted_one_ends_the_attempt(
        challenge: Challenge, workspace: Path, tmp_path: Path) -> None:
    clock, grader, store = Clock(), ScriptedGrader(), Store.open(tmp_path / "drill.db")
    loop = make_loop(challenge, workspace, grader, clock, store)
    assert loop.poll() == [] and loop.status().phase is Phase.IDLE  # the starter, unchanged: nothing to grade
    workspace.write_text(WRONG)
    events = poll_until(loop, lambda ev: any(isinstance(e, Graded) for e in ev))
    assert [e.report.verdict for e in events if isinstance(e, Graded)] == ["wrong_answer"]
    assert loop.outcome is None and loop.status().last is not None
    clock.now += 95
    workspace.write_text(RIGHT)
    poll_until(loop, lambda ev: loop.outcome is not None)
    assert loop.outcome is Outcome.ACCEPTED
    assert loop.tally.attempts == 2 and loop.tally.solved_after_s == 95
    assert [a.verdict for a in store.attempts()] == ["wrong_answer", "accepted"]
    kept = Path(store.attempts()[1].file or "")
    assert kept.read_text() == RIGHT and kept != workspace  # graded from a copy kept under attempts/
    loop.close()


def test_the_countdown_runs_from_begin_on_the_given_clock(challenge: Challenge, workspace: Path) -> None:
    clock = Clock()
    loop = ChallengeLoop(challenge, workspace, 10, ScriptedGrader(), clock=clock)
    clock.now += 30  # before the prompt is shown: not on the user's clock
    loop.begin()
    clock.now += 61
    assert loop.status().remaining_s == 600 - 61
    loop.close()


def test_a_save_before_the_grader_is_ready_waits_for_it_visibly(challenge: Challenge, workspace: Path) -> None:
    clock, grader = Clock(), ScriptedGrader(ready=False)
    loop = make_loop(challenge, workspace, grader, clock)
    assert loop.status().phase is Phase.WARMING
    workspace.write_text(WRONG)
    loop.poll()
    clock.now += 2.5
    status = loop.status()
    assert status.phase is Phase.WAITING and status.busy_s == 2.5
    assert loop.poll(wait=0.2) == [] and grader.graded == []
    grader.make_ready()
    events = poll_until(loop, lambda ev: bool(ev))
    assert isinstance(events[0], Graded) and grader.graded == [WRONG]
    loop.close()


def test_a_newer_save_supersedes_the_one_being_graded(challenge: Challenge, workspace: Path, tmp_path: Path) -> None:
    clock, grader, store = Clock(), ScriptedGrader(hold=True), Store.open(tmp_path / "drill.db")
    loop = make_loop(challenge, workspace, grader, clock, store)
    workspace.write_text(WRONG)
    loop.poll()
    poll_until(loop, lambda ev: loop.status().phase is Phase.GRADING)
    clock.now += 1.2
    assert loop.status().busy_s == pytest.approx(1.2)
    grader.hold = False
    workspace.write_text(RIGHT)
    events = poll_until(loop, lambda ev: loop.outcome is not None)
    assert grader.cancels >= 1
    assert [e.report.verdict for e in events if isinstance(e, Graded)] == ["accepted"]  # the old verdict dropped
    assert [a.verdict for a in store.attempts()] == ["accepted"]
    assert len(list((tmp_path / "drill-home" / "attempts" / "softmax").glob("*.py"))) == 1
    loop.close()


def test_time_up_grades_the_last_save_then_ends(challenge: Challenge, workspace: Path) -> None:
    clock, grader = Clock(), ScriptedGrader(hold=True)
    loop = make_loop(challenge, workspace, grader, clock)
    workspace.write_text(WRONG)
    loop.poll()
    poll_until(loop, lambda ev: loop.status().phase is Phase.GRADING)
    clock.now += 601
    loop.poll()
    assert loop.outcome is None and loop.status().time_up  # the verdict in hand is awaited
    grader.hold = False
    grader.gates[-1].set()
    events = poll_until(loop, lambda ev: loop.outcome is not None)
    assert loop.outcome is Outcome.TIME_UP and [type(e) for e in events] == [Graded]
    loop.close()


def test_time_up_grades_an_edit_never_graded_but_not_the_untouched_starter(
        challenge: Challenge, workspace: Path) -> None:
    clock, grader = Clock(), ScriptedGrader()
    loop = make_loop(challenge, workspace, grader, clock)
    clock.now += 601
    loop.poll()
    assert loop.outcome is Outcome.TIME_UP and grader.graded == []
    loop.close()

    workspace.write_text(WRONG)  # resumed work, edited before this attempt began
    loop = make_loop(challenge, workspace, grader, clock)
    clock.now += 601
    poll_until(loop, lambda ev: loop.outcome is not None)
    assert loop.outcome is Outcome.TIME_UP and grader.graded == [WRONG] and loop.tally.attempts == 1
    loop.close()


def test_enter_grades_an_unchanged_file_and_a_missing_one_is_a_note(challenge: Challenge, workspace: Path) -> None:
    loop = make_loop(challenge, workspace, ScriptedGrader(), Clock())
    assert loop.grade_now() is None
    assert isinstance(poll_until(loop, lambda ev: bool(ev))[0], Graded)
    workspace.unlink()
    note = loop.grade_now()
    assert isinstance(note, Note) and "is missing" in note.text
    assert loop.poll() == []  # a file gone for a moment (an editor's rename) is not a save
    loop.close()


def test_hints_are_counted_and_run_out(challenge: Challenge, workspace: Path) -> None:
    loop = make_loop(challenge, workspace, ScriptedGrader(), Clock())
    shown = [loop.next_hint() for _ in challenge.meta.hints]
    assert [h[0] for h in shown if h] == [1, 2, 3] and loop.next_hint() is None
    assert loop.tally.hints_used == 3
    loop.give_up()
    assert loop.outcome is Outcome.GAVE_UP
    loop.stop()
    assert loop.outcome is Outcome.GAVE_UP  # the first ending stays
    loop.close()


def test_a_grader_that_cannot_start_ends_the_attempt_with_its_reason(challenge: Challenge, workspace: Path) -> None:
    grader = ScriptedGrader(error=DrillError("no CUDA device here"))
    loop = make_loop(challenge, workspace, grader, Clock())
    assert loop.poll() == []  # no save needed to find out
    assert loop.outcome is Outcome.GRADER_FAILED and loop.failure == "no CUDA device here"
    loop.close()


def test_a_save_made_while_the_prompt_was_drawn_is_graded(challenge: Challenge, workspace: Path) -> None:
    grader = ScriptedGrader()
    loop = ChallengeLoop(challenge, workspace, 10, grader, clock=Clock(), settle_s=0)
    shown = workspace.read_bytes()  # read before the prompt was drawn
    workspace.write_text(WRONG)  # saved before the countdown's screen was up
    loop.begin(shown)
    poll_until(loop, lambda ev: bool(ev))
    assert grader.graded == [WRONG]
    loop.close()


def test_enter_while_the_same_file_is_graded_does_not_start_it_over(challenge: Challenge, workspace: Path) -> None:
    grader = ScriptedGrader(hold=True)
    loop = make_loop(challenge, workspace, grader, Clock())
    workspace.write_text(WRONG)
    loop.poll()
    poll_until(loop, lambda ev: loop.status().phase is Phase.GRADING)
    assert loop.grade_now() is None and grader.cancels == 0
    grader.hold = False
    grader.gates[-1].set()
    events = poll_until(loop, lambda ev: bool(ev))
    assert len(events) == 1 and grader.graded == [WRONG]
    loop.close()
