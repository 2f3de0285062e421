"""Flashcard sessions through the CLI: keys in, grades in the store and lines on screen out.

Most run in-process (Typer's CliRunner; keys come from its stdin like a pipe). Real processes only where
they are the point: kill -9, Ctrl-C, two sessions at once, a locked database, a pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner, Result

from drillcli.cli.app import app
from drillcli.cli.keys import KeyReader
from drillcli.cli.session_view import CardView, Grade, show_card
from drillcli.errors import UsageError
from tests.conftest import run_drill

EXPLAIN = "Explain what a neuron computes."


def drill(*args: str, input: str = "") -> Result:
    """The CLI in this process."""
    return CliRunner().invoke(app, list(args), input=input)


def reviews(home: Path) -> list[tuple[str, int]]:
    db = sqlite3.connect(home / "drill.db")
    try:
        return [(r[0], r[1]) for r in db.execute("SELECT card_id, rating FROM review ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is still being created
        return []
    finally:
        db.close()


def write_bank(root: Path, cards_yaml: str, home: Path, extra: str = "") -> None:
    (root / "cards").mkdir(parents=True)
    (root / "cards" / "b.yaml").write_text("format: 1\ntopic: basics\ncards:\n" + cards_yaml, encoding="utf-8")
    (home / "config.toml").write_text(f'include_bundled = false\nbanks = ["{root}"]\n{extra}', encoding="utf-8")


# --- in-process ------------------------------------------------------------------------------------------

def test_a_session_grades_each_card_type(fixture_only: Path) -> None:
    keys = (" ab\n\n"   # explain: reveal, tick both musts, finish, accept the proposed Good
            " 4"        # recall: reveal, Easy
            " 2"        # cloze: reveal, Hard
            "55\n3"     # numeric: typed answer, Good
            "q")
    result = drill("cards", input=keys)
    assert result.exit_code == 0, result.output
    assert reviews(fixture_only) == [("fx-explain", 3), ("fx-recall", 4), ("fx-cloze", 2), ("fx-numeric", 3)]
    out = result.output
    assert "Model answer" in out and "must" in out
    assert "✓ Correct: 55" in out
    assert "Reviewed 4 cards in 4 reviews · Again 0" in out


def test_a_learning_card_comes_back_when_due_not_a_few_cards_later(fixture_only: Path) -> None:
    keys = " ab\n\n"                       # explain: Good -> next learning step in 10 minutes
    keys += " 4 4" + "55\n4" + "relu\n4"   # recall, cloze, numeric, mcq (by its text): Easy
    keys += " ab\n\n"                      # explain again, inside the learn-ahead window at the end
    result = drill("cards", "--topic", "basics", input=keys + "q")
    assert result.exit_code == 0, result.output
    order = [card for card, _ in reviews(fixture_only)]
    assert order == ["fx-explain", "fx-recall", "fx-cloze", "fx-numeric", "fx-mcq", "fx-explain"]
    assert "1/5 (again)" in result.output and "5/5 · mcq" in result.output
    assert "Reviewed 5 cards in 6 reviews" in result.output


def test_when_only_later_cards_are_left_the_session_says_when_and_can_end(fixture_only: Path) -> None:
    config = fixture_only / "config.toml"
    config.write_text(config.read_text() + "learn_ahead_minutes = 0\n")
    result = drill("cards", "--topic", "basics", "--limit", "1", input=" ab\n\n\n")
    assert result.exit_code == 0, result.output
    assert f"The next, “{EXPLAIN}”, is due in 10 min" in result.output
    assert "w wait for it" in result.output and "Reviewed 1 card in 1 review" in result.output


def test_an_unreadable_answer_is_asked_again_not_graded(fixture_only: Path) -> None:
    result = drill("cards", "--topic", "basics", "--new", "5", input=" ab\n\n 4 4" + "fifty\n55\n\nq")
    assert result.exit_code == 0, result.output
    assert "fifty is not a number I can read" in result.output and "type it again" in result.output
    assert reviews(fixture_only)[-1] == ("fx-numeric", 4)  # read as 55 the second time: right and fast
    assert result.output.count("the answer is 55") == 0


def test_an_mcq_letter_out_of_range_is_asked_again(fixture_only: Path) -> None:
    result = drill("cards", "--topic", "basics", input=" ab\n\n 4 4" + "55\n4" + "e\nrelu\n\nq")
    assert "e is not one of a, b, c, d; type it again" in result.output
    assert reviews(fixture_only)[-1][0] == "fx-mcq"


def test_a_near_miss_of_a_longer_short_answer_is_accepted_and_said(fixture_only: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", "  - id: s-momentum\n    type: short\n    prompt: Which optimizer?\n"
               "    answer: Momentum\n", fixture_only)
    result = drill("cards", input="momentun\n\nq")
    assert "Accepted as Momentum" in result.output
    assert reviews(fixture_only) == [("s-momentum", 4)]


def test_u_after_a_typed_answer_clears_it_and_asks_again(fixture_only: Path) -> None:
    result = drill("cards", "--topic", "optimizers", input="sgd\nu" + "adam\n3q")
    assert "Answer cleared: type it again." in result.output
    assert reviews(fixture_only) == [("fx-short", 3)]


def test_wrong_typed_answer_proposes_again(fixture_only: Path) -> None:
    result = drill("cards", "--topic", "optimizers", input="sgd\n\nq")
    assert reviews(fixture_only) == [("fx-short", 1)]
    assert "The answer is Adam" in result.output


def test_undo_takes_back_the_last_grade_and_names_the_card(fixture_only: Path) -> None:
    keys = " \n\n"  # explain with nothing ticked: the proposal is Again, accepted
    keys += "u"      # on the next card: undo -> the explain card comes back
    keys += " \n4q"  # reveal, finish checklist, Easy, quit
    result = drill("cards", input=keys)
    assert result.exit_code == 0, result.output
    assert reviews(fixture_only) == [("fx-explain", 4)]
    assert f"Undone: the Again of “{EXPLAIN}” is taken back." in result.output


def test_explain_grades_are_proposed_as_an_interviewer_would(fixture_only: Path) -> None:
    result = drill("cards", "--limit", "1", input=" a\n\nq")  # one of two must points: Hard
    assert "Enter: Hard (proposed)" in result.output and reviews(fixture_only) == [("fx-explain", 2)]


def test_end_of_input_ends_the_session_cleanly(fixture_only: Path) -> None:
    result = drill("cards", "--most-asked", input=" ")
    assert result.exit_code == 0
    assert "Session done" in result.output and reviews(fixture_only) == []


def test_a_second_space_does_not_grade_the_revealed_card(fixture_only: Path) -> None:
    keys = " ab\n\n"  # explain: Good
    keys += "  4"     # recall: Space reveals, a second Space (a double tap) does nothing, then Easy
    result = drill("cards", input=keys + "q")
    assert result.exit_code == 0, result.output
    assert reviews(fixture_only) == [("fx-explain", 3), ("fx-recall", 4)]


def test_an_empty_line_is_not_taken_as_a_typed_answer(fixture_only: Path) -> None:
    keys = " ab\n\n 4 2"  # explain, recall, cloze
    keys += "\n55\n3"     # numeric: a stray Enter first, then the answer, then Good
    result = drill("cards", input=keys + "q")
    assert result.exit_code == 0, result.output
    assert reviews(fixture_only)[-1] == ("fx-numeric", 3)
    assert "✓ Correct: 55" in result.output and "not a number" not in result.output


def test_a_key_point_with_brackets_is_shown_as_written(fixture_only: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", "  - id: kp-brackets\n    type: explain\n    prompt: Why?\n"
               "    answer: Because.\n    key_points:\n      must: ['Var(y) = n_in·Var(w)·E[x²]', 'x[bold]y']\n",
               fixture_only)
    result = drill("cards", input=" \nq")
    assert result.exit_code == 0, result.output
    assert "Var(y) = n_in·Var(w)·E[x²]" in result.output and "x[bold]y" in result.output


def test_practise_ahead_reviews_cards_not_yet_due_as_early_reviews(fixture_only: Path) -> None:
    drill("cards", "--topic", "basics", "--limit", "2", input=" ab\n4 4q")  # two cards, Easy: due in days
    assert drill("cards", "--topic", "basics", "--new", "0", input="q").output.startswith("Nothing due right now.")
    result = drill("cards", "--ahead", "--topic", "BASICS", input=" ab\n\nq")
    assert "2 not yet due, reviewed early" in result.output
    db = sqlite3.connect(fixture_only / "drill.db")
    assert db.execute("SELECT card_id, early FROM review ORDER BY id").fetchall() == [
        ("fx-explain", 0), ("fx-recall", 0), ("fx-explain", 1)]


def test_the_budget_hint_keeps_the_topic_and_topics_ignore_case(fixture_only: Path) -> None:
    config = fixture_only / "config.toml"
    config.write_text(config.read_text().replace("new_per_day = 20", "new_per_day = 1"))
    drill("cards", input=" ab\n4q")
    result = drill("cards", "--topic", "Optimization Algorithms", input="q")
    assert result.exit_code == 0, result.output
    assert "1 new card waits; today's budget of new cards is spent." in result.output
    assert "drill cards --topic optimizers --new 5" in result.output
    unknown = drill("cards", "--topic", "optimisers")
    assert isinstance(unknown.exception, UsageError) and "unknown topic 'optimisers'" in str(unknown.exception)


def test_asked_filters_and_new_cards_come_most_asked_first(fixture_only: Path, tmp_path: Path) -> None:
    cards = "".join(f"  - id: r-{level}\n    type: recall\n    asked: {level}\n    prompt: {level}?\n"
                    f"    answer: sure\n" for level in ("low", "medium", "high"))
    write_bank(tmp_path / "bank", cards, fixture_only)
    assert drill("cards", "--asked", "low", input=" 4q").exit_code == 0
    assert reviews(fixture_only) == [("r-low", 4)]
    drill("cards", input=" 4 4q")
    assert reviews(fixture_only)[1:] == [("r-high", 4), ("r-medium", 4)]


def test_the_summary_and_next_due_use_one_wording() -> None:
    from datetime import timedelta

    from drillcli.cli.render import human_delta, short_interval

    assert human_delta(timedelta(seconds=40)) == "in 40 s"
    assert human_delta(timedelta(hours=23, minutes=40)) == short_interval(timedelta(days=1)).join(("in ", ""))
    assert human_delta(timedelta(minutes=59, seconds=50)) == "in 1 h"


def test_a_damaged_database_is_one_clear_line(fixture_only: Path, tmp_path: Path) -> None:
    from tests.store.test_store import _damaged_copy

    (fixture_only / "drill.db").write_bytes(_damaged_copy(tmp_path, table="card_state").read_bytes())
    for command in (["cards"], ["list"]):  # each reads every card's state, the damaged page among them
        result = run_drill(*command, input="q")
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr)
        assert result.stderr.count("\n") == 1 and "is damaged" in result.stderr


# --- screens, rendered to a Console in memory ----------------------------------------------------------

def _console() -> tuple[Console, StringIO]:
    out = StringIO()
    return Console(file=out, width=100, color_system=None, highlight=False), out


def _view(card_id: str, **kw: object) -> CardView:
    from datetime import datetime, timezone

    from drillcli.bank.loader import load_bank
    from drillcli.study.scheduler import make_scheduler
    from tests.conftest import FIXTURE_BANK

    card = load_bank([FIXTURE_BANK], use_cache=False).by_id()[card_id]
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    fields: dict[str, object] = {"card": card, "index": 3, "total": 10, "state": None,
                                 "scheduler": make_scheduler(), "can_undo": True, "clock": lambda: now}
    return CardView(**{**fields, **kw})  # type: ignore[arg-type]


def test_screen_an_unreadable_number_is_asked_again_before_anything_is_revealed() -> None:
    con, out = _console()
    action = show_card(con, _view("fx-numeric"), KeyReader(StringIO("lots\n55\n\n")))
    assert isinstance(action, Grade) and action.rating == 4  # right and fast: Easy proposed, Enter takes it
    text = out.getvalue()
    reason = text.index("lots is not a number I can read")
    assert "55" not in text[:reason].split("answer›")[-1]  # nothing revealed before the readable answer
    assert text.count("Correct: 55") == 1 and "3/10 · numeric" in text


def test_screen_a_learning_step_says_again_and_keeps_the_planned_count() -> None:
    con, out = _console()
    action = show_card(con, _view("fx-recall", again=True), KeyReader(StringIO(" 3")))
    assert isinstance(action, Grade) and action.rating == 3
    assert "3/10 (again) · recall" in out.getvalue()


def test_screen_summary_and_nothing_due_hint() -> None:
    from datetime import datetime, timedelta, timezone

    from drillcli.cli.cards import Asking, render_nothing_due, render_summary
    from drillcli.study.queue import QueueFilter
    from drillcli.study.session import SessionOptions, SessionSummary

    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    con, out = _console()
    summary = SessionSummary(cards=3, reviews=5, again=1, seconds=75, next_due=now + timedelta(seconds=40),
                             due_now=0, unseen=4, new_left=0)
    render_summary(con, summary, now)
    assert "Reviewed 3 cards in 5 reviews · Again 1 · time 1m15s" in out.getvalue()
    assert "Next card due in 40 s." in out.getvalue()
    con, out = _console()
    options = SessionOptions(filter=QueueFilter(topic="cnn"))
    render_nothing_due(con, summary, options, Asking(topic="cnn"), now)
    text = out.getvalue()
    assert "Nothing due right now.\nNext card due in 40 s." in text  # never "due now" after "nothing due"
    assert ("4 new cards wait; today's budget of new cards is spent. "
            "Add more with drill cards --topic cnn --new 5") in text
    assert "drill cards --topic cnn --ahead" in text


# --- real processes --------------------------------------------------------------------------------------

def _wait_until(check: Callable[[], bool], what: str, proc: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"waited for {what}")


def _start_session(home: Path, screen: Path | None = None) -> subprocess.Popen[str]:
    out = open(screen, "w") if screen else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "drillcli", "cards"], stdin=subprocess.PIPE, stdout=out,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _type(proc: subprocess.Popen[str], keys: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(keys)
    proc.stdin.flush()


def test_kill_9_mid_session_keeps_every_earlier_grade(fixture_only: Path) -> None:
    proc = _start_session(fixture_only)
    _type(proc, " ab\n\n 4 ")  # two grades, then reveal the third card and stop there
    _wait_until(lambda: len(reviews(fixture_only)) >= 2, "two grades", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert reviews(fixture_only) == [("fx-explain", 3), ("fx-recall", 4)]
    states = {row["id"]: row["state"] for row in json.loads(drill("list", "--json").output)}
    assert states["fx-recall"] == "review" and states["fx-cloze"] == "new"


def test_ctrl_c_ends_with_a_summary_and_keeps_grades(fixture_only: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "drillcli", "cards"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    _type(proc, " ab\n\n")
    _wait_until(lambda: len(reviews(fixture_only)) >= 1, "a grade", proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    assert "Traceback" not in err
    assert "Every grade given so far is saved" in out
    assert reviews(fixture_only) == [("fx-explain", 3)]


def test_two_sessions_grading_the_same_cards_in_turn_lose_nothing(fixture_only: Path, tmp_path: Path) -> None:
    screens = [tmp_path / "a.txt", tmp_path / "b.txt"]
    a, b = (_start_session(fixture_only, screen) for screen in screens)
    try:
        for screen, proc in zip(screens, (a, b)):
            _wait_until(lambda s=screen: "1/6" in s.read_text(), "the first card", proc)  # type: ignore[misc]
        for count, (proc, keys) in enumerate([(a, " ab\n\n"), (b, " ab\n\n"), (a, " 3"), (b, " 3")], start=1):
            _type(proc, keys)
            _wait_until(lambda c=count: len(reviews(fixture_only)) >= c, f"{count} grades", proc)  # type: ignore[misc]
        _type(a, "u")  # A takes back its grade of fx-recall, which B has graded since: nothing is deleted
        _wait_until(lambda: "Not undone" in screens[0].read_text(), "the undo refused", a)
        for proc in (a, b):
            _type(proc, "q")
            proc.wait(timeout=20)
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                proc.kill()
    assert a.returncode == 0 and b.returncode == 0
    assert "“What does an epoch mean?” was graded again since in another session" in screens[0].read_text()
    db = sqlite3.connect(fixture_only / "drill.db")
    log = db.execute("SELECT card_id, state_before, state_after FROM review ORDER BY id").fetchall()
    assert [row[0] for row in log] == ["fx-explain", "fx-explain", "fx-recall", "fx-recall"]
    for first, second in (log[0:2], log[2:4]):
        assert second[1] == first[2]  # the second grade was computed from the first one's state
    for card in ("fx-explain", "fx-recall"):
        last = next(row[2] for row in reversed(log) if row[0] == card)
        reps, due = db.execute("SELECT reps, due FROM card_state WHERE card_id = ?", (card,)).fetchone()
        assert reps == 2 and due == json.loads(last)["due"]


def test_a_grade_that_meets_a_locked_database_stays_on_screen_and_is_saved_later(fixture_only: Path,
                                                                                   tmp_path: Path) -> None:
    screen = tmp_path / "screen.txt"
    proc = _start_session(fixture_only, screen)
    holder = sqlite3.connect(fixture_only / "drill.db", isolation_level=None)
    try:
        _wait_until(lambda: "1/6" in screen.read_text(), "the first card", proc)
        holder.execute("BEGIN IMMEDIATE")
        _type(proc, " ab\n\n")
        _wait_until(lambda: "is kept and retried" in screen.read_text(), "the retry notice", proc)
        assert reviews(fixture_only) == []
        holder.execute("ROLLBACK")
        _wait_until(lambda: len(reviews(fixture_only)) == 1, "the grade saved", proc)
        _type(proc, "q")
        proc.wait(timeout=20)
    finally:
        holder.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and reviews(fixture_only) == [("fx-explain", 3)]
    assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")
    assert f"Your grade Good for “{EXPLAIN}” is kept" in screen.read_text()


# --- on a real terminal (a pty): the screen is cleared before each card ----------------------------------

def _pty_session(args: list[str], script: list[tuple[str, str]], rows: int = 40) -> str:
    """Run the CLI on a pseudo-terminal; for each (expected, keys), wait until `expected` is on screen, then
    type `keys`. Returns everything the terminal received."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "drillcli", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True)
    os.close(slave)
    seen = b""

    def read_until(text: str) -> None:
        nonlocal seen
        start = len(seen)
        deadline = time.monotonic() + 30
        while text.encode() not in seen[start:]:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise AssertionError(f"waited for {text!r}; the terminal shows {seen[-1500:].decode(errors='replace')}")
            try:
                seen += os.read(master, 65536)
            except OSError:  # the program ended
                raise AssertionError(f"ended before {text!r}: {seen[-1500:].decode(errors='replace')}") from None

    try:
        for expected, keys in script:
            read_until(expected)
            os.write(master, keys.encode())
        proc.wait(timeout=30)
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return seen.decode(errors="replace")


def _screens(output: str) -> list[str]:
    return output.split("\x1b[2J")


def test_on_a_terminal_the_undo_notice_and_header_stay_on_screen(fixture_only: Path) -> None:
    out = _pty_session(["cards"], [
        ("1/", " "), ("Tick the points", "ab\n"), ("Enter:", "3"),  # explain graded Good
        ("2/", "u"),                                                   # the next card: undo
        ("Undone", "q"),
    ])
    first, last = _screens(out)[1], _screens(out)[-1]
    assert "0 due" in first and "6 new" in first and EXPLAIN in first
    assert f"Undone: the Good of “{EXPLAIN}” is taken back." in last and "1/6 ·" in last
    assert reviews(fixture_only) == []


def test_on_a_terminal_an_unreadable_answer_is_asked_again(fixture_only: Path) -> None:
    out = _pty_session(["cards", "--topic", "basics", "--new", "4"], [
        ("1/", " "), ("Tick the points", "ab\n"), ("Enter:", "4"),  # explain
        ("2/", " "), ("Enter:", "4"),                               # recall
        ("3/", " "), ("Enter:", "4"),                               # cloze
        ("answer›", "55 ½\n"), ("type it again", "55\n"), ("Enter:", "q"),  # numeric
    ])
    assert "55 ½ is not a number I can read" in out and "Correct: 55" in out


def test_on_a_short_terminal_the_whole_checklist_stays_visible(fixture_only: Path) -> None:
    # Three points and the count do not fit in three rows: nothing may hide behind '...'.
    out = _pty_session(["cards"], [("1/", " "), ("Tick the points", "a"), ("1/2 must", "\n"), ("Enter:", "q")],
                       rows=3)
    assert "[x] a" in out and "1/2 must points made" in out


def test_on_a_terminal_the_wait_for_a_learning_card_counts_down(fixture_only: Path) -> None:
    config = fixture_only / "config.toml"
    config.write_text(config.read_text() + "learn_ahead_minutes = 9\n")  # Good: due in 10 min, shown in 1 min
    out = _pty_session(["cards", "--limit", "1"], [
        ("1/", " "), ("Tick the points", "ab\n"), ("Enter:", "3"),
        ("w wait for it", "w"), ("Next card in 0:5", "q"),
    ])
    assert "is due in 10 min" in out and "it is shown in 1 min" in out and "Session done" in out
