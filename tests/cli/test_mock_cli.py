"""`drill mock` through the CLI: scripted keys in, a scorecard on screen and a saved mock out.

In-process (keys piped into `main()`) for the questions to explain and the numeric ones; a real terminal (a
pty) where it is the point: Ctrl-C mid-mock, and the coding part answered by writing the file from outside,
graded by the real grader.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console

from drillcli.bank.challenges import Challenge, load_challenges
from drillcli.cli.context import Env
from drillcli.cli.keys import KeyReader
from drillcli.cli.mock import CodeRunner, CodingRun, MockScreen, render_scorecard
from drillcli.store.repo import Store
from drillcli.study.mock import ItemStatus, MockRecorder, MockStatus, plan_mock
from tests.cli.test_code_pty import Terminal
from tests.conftest import FIXTURES, Drill

EXPLAIN = """  - id: {id}
    type: explain
    topic: {topic}
    most_asked: {top}
    prompt: Explain {id}.
    answer: The model answer of {id}.
    key_points:
      must: [first point of {id}, second point of {id}]
"""
NUMERIC = """  - id: {id}
    type: numeric
    topic: {topic}
    prompt: "{prompt}"
    answer: 55
    tolerance: 0
    check: "55"
"""


def write_bank(root: Path, home: Path, *, challenge: bool = False) -> Path:
    """Four basics cards to explain (one most-asked) and two numeric ones (both 55); one of each in attention;
    with `challenge`, the fixture softmax challenge (topic activations)."""
    cards = [EXPLAIN.format(id=f"b-explain-{i}", topic="basics", top=str(i == 0).lower()) for i in range(4)]
    cards += [NUMERIC.format(id="b-num-linear", topic="basics", prompt="Parameters of nn.Linear(10, 5)?"),
              NUMERIC.format(id="b-num-other", topic="basics", prompt="Parameters of nn.Linear(54, 1)?"),
              EXPLAIN.format(id="a-explain", topic="attention", top="false"),
              NUMERIC.format(id="a-num", topic="attention", prompt="Fifty-five?")]
    (root / "cards").mkdir(parents=True)
    (root / "cards" / "m.yaml").write_text("format: 1\ntopic: basics\ncards:\n" + "".join(cards), encoding="utf-8")
    if challenge:
        folder = root / "challenges" / "fx_softmax"
        shutil.copytree(FIXTURES / "challenges" / "fx_softmax", folder)
        with (folder / "challenge.yaml").open("a", encoding="utf-8") as yaml:
            yaml.write("hints: [Subtract the row's maximum before exp.]\n")
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'include_bundled = false\nbanks = ["{root}"]\nnew_per_day = 20\n',
                                      encoding="utf-8")
    return root


def rows(home: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    db = sqlite3.connect(home / "drill.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


# Start; four explain answers (reveal, tick, finish, next): both points, one, both, none; then 55 (right) and 7.
KEYS = "\n" + " ab\n\n" + " a\n\n" + " ab\n\n" + " \n\n" + "55\n\n" + "7\n\n"


# --- in-process ----------------------------------------------------------------------------------------------

def test_scripted_keys_give_the_scorecard_and_a_saved_mock(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    ran = drill("mock", keys=KEYS)
    assert ran.code == 0, ran.err
    flat = " ".join(ran.out.split())
    assert "4 to explain out loud, 2 quick numeric" in flat
    assert "Note: no coding challenge in the bank." in flat
    for points in ("2/2 must │ 100%", "1/2 must │ 50%", "0/2 must │ 0%"):
        assert points in flat
    assert "✓ 55" in flat and "✗ 7 (answer 55)" in flat
    assert "│ Explain │ 62% │ fair │ 5/8 must points made" in flat
    assert "│ Numeric │ 50% │ fair │ 1 of 2 right │" in flat
    assert "Overall 58% (fair)" in flat and "Close: work on numeric before the day." in flat
    assert "Saved as mock #1." in flat
    [(status, score, explain, numeric, coding)] = rows(
        drill_home, "SELECT status, score, explain_score, numeric_score, coding_score FROM mock")
    assert (status, explain, numeric, coding) == ("done", 0.625, 0.5, None)
    assert score == pytest.approx((0.4 * 0.625 + 0.2 * 0.5) / 0.6, abs=1e-4)
    # the cards were reviewed, graded as the checklist and the typed answers proposed
    ratings = rows(drill_home, "SELECT r.rating FROM review r JOIN session s ON s.id = r.session_id"
                               " WHERE s.kind = 'mock' ORDER BY r.id")
    assert [r for (r,) in ratings][:4] == [4, 2, 4, 1]  # all points fast: Easy; one of two missed: Hard
    assert [r for (r,) in ratings][4:] == [4, 1]


def test_a_shorter_mock_asks_three_to_explain(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    ran = drill("mock", "--minutes", "30", keys="\n" + " ab\n\n" * 3 + "55\n\n55\n\n")
    assert ran.code == 0, ran.err
    flat = " ".join(ran.out.split())
    assert "3 to explain out loud" in flat and "Overall 100% (strong)" in flat
    assert "Interview-ready on this showing." in flat


def test_topic_narrows_the_questions(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    ran = drill("mock", "--topic", "Attention", keys="\n" + " a\n\n" + "55\n\n")
    assert ran.code == 0, ran.err
    flat = " ".join(ran.out.split())
    assert "Mock interview · 45 min · attention" in flat
    assert "Note: no most-asked question in this topic." in flat
    assert "Note: only 1 question to explain in attention." in flat
    items = rows(drill_home, "SELECT item_id, status FROM mock_item ORDER BY position")
    assert items == [("a-explain", "answered"), ("a-num", "answered")]
    assert rows(drill_home, "SELECT topic, status FROM mock") == [("attention", "done")]


def test_an_unknown_topic_is_one_clear_error(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    ran = drill("mock", "--topic", "nope")
    assert ran.code != 0 and "unknown topic 'nope'" in ran.err


def test_an_unknown_device_is_refused_before_anything_runs(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    ran = drill("mock", "--device", "tpu")
    assert ran.code == 2 and "unknown device 'tpu'" in ran.err
    assert not (drill_home / "drill.db").exists()


def test_q_before_the_start_saves_nothing(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    ran = drill("mock", keys="q")
    assert ran.code == 0 and "No mock started; nothing saved." in ran.out
    assert rows(drill_home, "SELECT count(*) FROM mock") == [(0,)]


def test_q_mid_mock_stops_it_and_keeps_the_answers(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    ran = drill("mock", keys="\n" + " ab\n\n" + " q")
    flat = " ".join(ran.out.split())
    assert "Stopped. The 1 answer given so far is saved with this mock (#1)" in flat
    assert rows(drill_home, "SELECT status FROM mock") == [("stopped",)]


def test_the_report_shows_the_history(drill: Drill, drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    assert drill("mock", keys=KEYS).code == 0
    assert drill("mock", "--minutes", "30", keys="\n" + " ab\n\n" * 3 + "55\n\n55\n\n").code == 0
    html = tmp_path / "r.html"
    ran = drill("report", "--html", str(html))
    flat = " ".join(ran.out.split())
    assert "Mock interviews" in flat and "│ all │ done │" in flat and "58%" in flat and "100%" in flat
    page = html.read_text()
    assert page.count("<circle") == 2 and "<polyline" in page
    assert "No mock interviews recorded yet" not in page
    import json

    report = json.loads(drill("report", "--json").out)
    assert [m["score"] for m in report["mocks"]] == [pytest.approx(0.5833, abs=1e-3), 1.0]


def test_earlier_work_on_the_challenge_is_kept_before_the_mock_starts_it_afresh(drill_home: Path,
                                                                               tmp_path: Path) -> None:
    from drillcli.bank.challenges import load_challenge
    from drillcli.cli.mock import keep_earlier_work

    challenge = load_challenge(FIXTURES / "challenges" / "fx_softmax")
    workspace = drill_home / "workspace" / "fx_softmax.py"
    workspace.parent.mkdir(parents=True)
    workspace.write_bytes(challenge.starter_path.read_bytes())
    assert keep_earlier_work(challenge) is None  # the untouched starter: nothing to keep
    workspace.write_text("def softmax(x, dim=-1):\n    return 'my own attempt'\n")
    kept = keep_earlier_work(challenge)
    assert kept is not None and kept.read_text() == workspace.read_text()
    assert keep_earlier_work(challenge) == kept  # kept once, not again at every mock


# --- a real terminal -------------------------------------------------------------------------------------------

def test_ctrl_c_mid_mock_saves_what_was_done_and_says_so(drill_home: Path, tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    term = Terminal("mock")
    try:
        term.wait_for("Enter: start")
        term.press("\r")
        term.wait_for("Answer out loud")
        term.press(" ")
        term.wait_for("Tick the points you made")
        term.press("a\r")
        term.wait_for("Enter: next question")
        term.press("\r")
        term.wait_for("question 2/6")
        term.press("\x03")
        term.wait_for("Stopped.")
        assert term.wait_exit() == 0
    finally:
        term.kill()
    flat = " ".join(term.screen.split())
    assert "Stopped. The 1 answer given so far is saved with this mock (#1); the rest count as missed." in flat
    assert "Stopped after 1 of 6 questions" in flat and "Traceback" not in term.screen
    assert rows(drill_home, "SELECT status FROM mock") == [("stopped",)]
    assert rows(drill_home, "SELECT status, count(*) FROM mock_item GROUP BY status ORDER BY status") == [
        ("answered", 1), ("pending", 5)]


def test_the_challenge_is_answered_by_writing_the_file_and_graded(drill_home: Path, tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "bank", drill_home, challenge=True)
    term = Terminal("mock", "--minutes", "30", "--device", "cpu")
    try:
        term.wait_for("Enter: start")
        term.press("\r")
        for n in range(3):
            term.wait_for(f"question {n + 1}/6")
            term.wait_for("Answer out loud")
            term.press(" ")
            term.wait_for(f"{n + 1}/6 · explain")
            term.press("ab\r")
            term.wait_for("Enter: next question")
            term.press("\r")
        for n in (4, 5):
            term.wait_for(f"question {n}/6")
            term.wait_for("answer›")
            term.press("55\r")
            term.wait_for("Enter: next question")
            term.press("\r")
        term.wait_for("Every save is graded")
        term.press("h")
        term.wait_for("Hint 1/")
        (drill_home / "workspace" / "fx_softmax.py").write_text((bank / "challenges" / "fx_softmax" /
                                                                 "reference.py").read_text())
        term.wait_for("Solved fx_softmax", timeout=120)
        while "Scorecard" not in term.screen:  # the attempt's rating, the lesson: Enter past each
            term.press("\r")
            time.sleep(0.5)
        term.wait_for("Saved as mock #1")
        assert term.wait_exit() == 0
    finally:
        term.kill()
    flat = " ".join(term.screen.split())
    assert "accepted (limit 15 min) · 1 hint" in flat
    assert "│ Coding │ 90% │ strong │ accepted in" in flat and "with 1 hint │" in flat
    [(outcome,)] = rows(drill_home, "SELECT json_extract(detail, '$.outcome') FROM mock_item WHERE area='coding'")
    assert outcome == "accepted"
    assert rows(drill_home, "SELECT verdict FROM attempt ORDER BY id DESC LIMIT 1") == [("accepted",)]


# --- the screen in-process, with a clock of the test's own ----------------------------------------------------

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def screen(tmp_path: Path, drill_home: Path, keys: str, *, challenge: bool = False,
           later: Callable[[MockRecorder], timedelta] = lambda r: timedelta(0),
           run_code: CodeRunner | None = None) -> tuple[MockScreen, Console]:
    """A MockScreen over a 30-minute plan of the test bank; `later(recorder)` says how far the clock has moved."""
    write_bank(tmp_path / "bank", drill_home, challenge=challenge)
    env = Env()
    challenges = {c.id: c for c in load_challenges(env.bank_dirs)}
    plan = plan_mock(env.deck_refs, {}, list(challenges.values()), [], NOW, minutes=30, seed=1)
    recorder = MockRecorder(env.store, plan, NOW, env.scheduler)
    con = Console(file=io.StringIO(), width=100)

    def never(challenge: Challenge, minutes: float) -> CodingRun:
        raise AssertionError("the challenge should not start")

    return MockScreen(con, KeyReader(io.StringIO(keys)), recorder, env.cards_for([p.item_id for p in plan.items]),
                      challenges, env, run_code=run_code or never, clock=lambda: NOW + later(recorder)), con


def text(con: Console) -> str:
    return " ".join(con.file.getvalue().split())  # type: ignore[attr-defined]


def test_time_up_ends_the_mock_and_what_was_not_reached_counts_missed(drill_home: Path, tmp_path: Path) -> None:
    run, con = screen(tmp_path, drill_home, " ab\n\n" * 3,
                      later=lambda r: timedelta(minutes=31 if r.items[0].answered else 0))
    card = run.run()
    render_scorecard(con, card, {})
    assert card.status is MockStatus.TIME_UP
    assert [i.answered for i in card.items] == [True, False, False, False, False]
    out = text(con)
    assert "Time is up. The questions not reached count as missed." in out
    assert "Time ran out after 1 of 5 questions." in out and "not reached" in out


def test_the_challenge_is_skipped_when_too_little_time_is_left(drill_home: Path, tmp_path: Path) -> None:
    run, con = screen(tmp_path, drill_home, " ab\n\n" * 3 + "55\n\n" * 2, challenge=True,
                      later=lambda r: timedelta(minutes=28 if r.items[4].answered else 1))
    card = run.run()
    render_scorecard(con, card, {})
    assert card.status is MockStatus.DONE and card.items[-1].status is ItemStatus.SKIPPED
    out = text(con)
    assert "Too little time left to start the coding challenge." in out and "skipped: too little time" in out
    assert "29m00s left" in out  # the mock's clock on the first question's screen


def test_the_challenge_gets_what_is_left_of_the_mock_and_its_result_is_scored(drill_home: Path,
                                                                             tmp_path: Path) -> None:
    asked: list[float] = []

    def solved(challenge: Challenge, minutes: float) -> CodingRun:
        asked.append(minutes)
        return CodingRun("accepted", "accepted", 4, 4, hints=1, seconds=250)

    run, con = screen(tmp_path, drill_home, " ab\n\n" * 3 + "55\n\n" * 2, challenge=True, run_code=solved,
                      later=lambda r: timedelta(minutes=20 if r.items[4].answered else 0))
    card = run.run()
    render_scorecard(con, card, {})
    assert asked == [10.0]  # 15 min the challenge's own, 10 left of the mock
    out = text(con)
    assert "accepted (limit 10 min) · 1 hint" in out
    assert "│ Coding │ 90% │ strong │ accepted in 4m10s of 10 min with 1 hint │" in out
    assert "Overall 96% (strong)" in out  # 0.4 · 1 + 0.2 · 1 + 0.4 · 0.9


def test_a_busy_database_keeps_the_answer_on_screen_and_saves_it_once_free(drill_home: Path,
                                                                          tmp_path: Path) -> None:
    write_bank(tmp_path / "bank", drill_home)
    env = Env()
    store = Store.open(drill_home / "drill.db", busy_timeout_ms=50)
    plan = plan_mock(env.deck_refs, {}, [], [], NOW, minutes=30, seed=1)
    recorder = MockRecorder(store, plan, NOW, env.scheduler)
    read_end, write_end = os.pipe()
    keys = os.fdopen(read_end, "r")
    typing = os.fdopen(write_end, "w")
    typing.write(" ab\n")  # the first answer, given while another process holds the database
    typing.flush()
    other = sqlite3.connect(drill_home / "drill.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")

    def release() -> None:
        other.execute("COMMIT")
        typing.write("\nq")  # a key while it waits (not q: keep trying), then q at the next prompt
        typing.flush()

    timer = threading.Timer(0.6, release)
    timer.start()
    con = Console(file=io.StringIO(), width=100)
    try:
        card = MockScreen(con, KeyReader(keys), recorder, env.cards_for([p.item_id for p in plan.items]), {}, env,
                          run_code=lambda c, m: CodingRun("stopped", "", 0, 0, 0, 0.0), clock=lambda: NOW).run()
    finally:
        timer.join()
        other.close()
        typing.close()
        keys.close()
    assert "The database is busy (another drill is writing). This answer is kept" in text(con)
    assert card.status is MockStatus.STOPPED and [i.answered for i in card.items][:2] == [True, False]
    assert rows(drill_home, "SELECT status FROM mock_item WHERE position = 0") == [("answered",)]
    assert rows(drill_home, "SELECT status FROM mock") == [("stopped",)]
