"""Challenges on a schedule: the rating an attempt earns, the FSRS state it leaves, which challenge comes
next, today's budget, and a due challenge restarted from a fresh starter. Fixed clock throughout."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from drillcli.bank.challenges import Challenge, load_challenge
from drillcli.bank.vocab import ChallengeInfo
from drillcli.cli.keys import KeyReader
from drillcli.coding.loop import Outcome, Tally
from drillcli.store import challenge_states as cs
from drillcli.store.migrations import migrate
from drillcli.store.models import Attempt, CardState
from drillcli.study.challenge_rating import (
    AttemptOutcome,
    challenge_scheduler,
    explain_rating,
    propose_rating,
    review_challenge,
)
from drillcli.study.challenge_schedule import (
    ChallengeStatus,
    due_within,
    minutes_spent,
    ranked,
    standings,
    topic_frequency,
)
from drillcli.study.scheduler import AGAIN, EASY, GOOD, HARD
from tests.conftest import FIXTURES

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("accepted", "after_s", "hints", "gave_up", "expected"), [
    (True, 4 * 60, 0, False, EASY),  # 4 of 10 min: under half
    (True, 5 * 60, 0, False, EASY),  # exactly half
    (True, 6 * 60, 0, False, GOOD),
    (True, 10 * 60, 0, False, GOOD),  # at the limit
    (True, 11 * 60, 0, False, HARD),  # over time
    (True, 2 * 60, 1, False, HARD),  # fast, but with a hint
    (False, None, 0, False, AGAIN),
    (False, None, 0, True, AGAIN),
])
def test_the_attempt_proposes_its_rating(accepted: bool, after_s: float | None, hints: int, gave_up: bool,
                                         expected: int) -> None:
    outcome = AttemptOutcome(accepted, after_s, minutes=10, hints_used=hints, gave_up=gave_up)
    assert propose_rating(outcome) == expected


def test_the_reason_is_shown_in_words() -> None:
    assert explain_rating(AttemptOutcome(True, 250, 10)) == "Easy: accepted in 4m10s, under half of 10 min, no hints"
    hinted = AttemptOutcome(True, 420, 10, hints_used=2)
    assert explain_rating(hinted) == "Hard: accepted in 7m00s of 10 min, with 2 hints"
    assert explain_rating(AttemptOutcome(True, 700, 10)) == "Hard: accepted after the 10 min limit (11m40s)"
    assert explain_rating(AttemptOutcome(False, None, 10, gave_up=True)) == "Again: given up"


def test_challenges_skip_learning_steps_a_failure_comes_back_the_next_day() -> None:
    sched = challenge_scheduler()
    failed = review_challenge(sched, "softmax", None, AGAIN, NOW)
    assert failed.state == "review" and failed.due - NOW == timedelta(days=1)
    good = review_challenge(sched, "softmax", None, GOOD, NOW)
    assert good.due - NOW == timedelta(days=2)
    later = review_challenge(sched, "softmax", good, GOOD, good.due)
    assert later.due - good.due > timedelta(days=4) and later.reps == 2
    lapsed = review_challenge(sched, "softmax", later, AGAIN, later.due)
    assert lapsed.lapses == 1 and lapsed.due - later.due <= timedelta(days=2)  # soon again, not in steps


def _db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    migrate(db)
    return db


def test_a_rated_attempt_is_stored_with_the_state_before_and_after() -> None:
    db = _db()
    sched = challenge_scheduler()
    first = review_challenge(sched, "softmax", None, GOOD, NOW)
    cs.record_challenge_review(db, rating=GOOD, proposed=EASY, reviewed_at=NOW, before=None, after=first,
                               solve_s=300.0, minutes=10, hints=0)
    second = review_challenge(sched, "softmax", first, HARD, first.due)
    cs.record_challenge_review(db, rating=HARD, proposed=HARD, reviewed_at=first.due, before=first, after=second,
                               minutes=10)
    assert cs.challenge_states(db) == {"softmax": second}
    assert cs.challenge_state(db, "softmax") == second and cs.challenge_state(db, "other") is None
    reviews = cs.challenge_reviews(db)
    assert [(r.rating, r.proposed, r.state_before) for r in reviews] == [(GOOD, EASY, None), (HARD, HARD, first)]
    assert cs.challenge_reviews(db, since=first.due) == reviews[1:]
    assert minutes_spent(reviews) == pytest.approx(5 + 10)  # a solve's time; the whole limit of the other


def test_migration_005_upgrades_a_database_with_attempts() -> None:
    db = sqlite3.connect(":memory:", isolation_level=None)
    migrate(db, upto="004_fsrs_parameters")
    db.execute("INSERT INTO attempt (challenge_id, started_at, finished_at, verdict, passed, total, device,"
               " elapsed_ms) VALUES ('softmax', 1, 2, 'accepted', 3, 3, 'cpu', 10)")
    assert "005_challenge_states" in migrate(db)
    assert cs.challenge_states(db) == {} and cs.latest_attempt_id(db, "softmax") == 1


def _info(cid: str, topic: str = "losses", difficulty: str = "easy", minutes: float = 10) -> ChallengeInfo:
    return ChallengeInfo(cid, topic, difficulty, minutes)


def _attempt(cid: str, verdict: str, at: datetime, took_s: float = 300) -> Attempt:
    return Attempt(cid, at - timedelta(seconds=took_s), at, verdict, 1, 1, "cpu", 10.0, timed=True, minutes=10)


def _state(cid: str, due: datetime, last_review: datetime | None = None) -> CardState:
    return CardState(cid, "review", None, 3.0, 5.0, due, last_review or due - timedelta(days=3), 1, 0)


def test_each_challenge_stands_new_started_due_or_scheduled() -> None:
    infos = [_info(c) for c in ("fresh", "tried", "overdue", "later", "old_solve")]
    states = {"overdue": _state("overdue", NOW - timedelta(days=2)), "later": _state("later", NOW + timedelta(days=5))}
    attempts = [_attempt("tried", "wrong_answer", NOW - timedelta(days=1)),
                _attempt("overdue", "accepted", NOW - timedelta(days=5), took_s=200),
                _attempt("old_solve", "accepted", NOW - timedelta(days=9), took_s=400)]
    table = standings(infos, states, attempts, NOW)
    assert {cid: s.status for cid, s in table.items()} == {
        "fresh": ChallengeStatus.NEW, "tried": ChallengeStatus.STARTED, "overdue": ChallengeStatus.DUE,
        "later": ChallengeStatus.SCHEDULED, "old_solve": ChallengeStatus.DUE}
    assert table["old_solve"].due == NOW - timedelta(days=9)  # solved before schedules: due since then
    assert table["overdue"].best_solve_s == 200 and table["tried"].solved is False and table["tried"].attempts == 1


def test_the_most_overdue_comes_first_then_new_ones_by_weakness_and_frequency() -> None:
    infos = [_info("sched", "losses"), _info("due_1d", "losses"), _info("due_3d", "losses"),
             _info("new_strong", "cnn"), _info("new_weak_rare", "rnn"), _info("new_weak_asked", "attention"),
             _info("new_weak_asked_hard", "attention", "hard"), _info("started", "cnn")]
    states = {"sched": _state("sched", NOW + timedelta(days=1)), "due_1d": _state("due_1d", NOW - timedelta(days=1)),
              "due_3d": _state("due_3d", NOW - timedelta(days=3))}
    table = standings(infos, states, [_attempt("started", "wrong_answer", NOW)], NOW)
    recall = {"cnn": 0.95, "rnn": 0.2, "attention": 0.2}
    frequency = {"cnn": 0.5, "rnn": 0.0, "attention": 1.0}
    order = [c.id for c in ranked(infos, table, NOW, topic_recall=recall, frequency=frequency)]
    assert order == ["due_3d", "due_1d", "started", "new_weak_asked", "new_weak_asked_hard", "new_weak_rare",
                     "new_strong", "sched"]


def test_topic_frequency_is_the_mean_of_how_often_its_cards_are_asked() -> None:
    cards = [SimpleNamespace(topic="a", asked="high"), SimpleNamespace(topic="a", asked="low"),
             SimpleNamespace(topic="b", asked="high")]
    assert topic_frequency(cards) == {"a": 0.5, "b": 1.0}


def test_due_challenges_fill_the_daily_budget_most_overdue_first() -> None:
    infos = [_info("a", minutes=15), _info("b", minutes=15), _info("c", minutes=10), _info("d", minutes=10)]
    states = {c.id: _state(c.id, NOW - timedelta(days=i + 1)) for i, c in enumerate(reversed(infos))}
    states["d"] = _state("d", NOW + timedelta(days=1))  # not due
    table = standings(infos, states, [], NOW)
    assert [c.id for c in due_within(infos, table, 25)] == ["a", "c"]  # b (15) no longer fits after a
    assert [c.id for c in due_within(infos, table, 9)] == []


@pytest.fixture
def softmax() -> Challenge:
    return load_challenge(FIXTURES / "challenges" / "fx_softmax")


def test_a_due_challenge_restarts_from_the_starter_and_keeps_the_old_file(softmax: Challenge, drill_home: Path) -> None:
    from drillcli.cli.challenge_review import restart_if_due

    work = drill_home / "workspace" / "fx_softmax.py"
    work.parent.mkdir(parents=True)
    work.write_text("def softmax(x):\n    return 'my old solve'\n")
    rated = datetime.now(timezone.utc) + timedelta(minutes=1)  # the file predates the last rating
    state = _state("fx_softmax", rated + timedelta(days=2), last_review=rated)
    due = standings([_info("fx_softmax")], {"fx_softmax": state}, [], rated + timedelta(days=3))["fx_softmax"]
    copy = restart_if_due(softmax, due, work)
    assert copy is not None and copy.parent == drill_home / "attempts" / "fx_softmax"
    assert "my old solve" in copy.read_text()
    assert work.read_bytes() == softmax.starter_path.read_bytes()
    assert restart_if_due(softmax, due, work) is None  # now the starter: nothing to keep


def test_a_re_solve_in_progress_is_resumed_and_a_scheduled_one_is_left_alone(softmax: Challenge,
                                                                            drill_home: Path) -> None:
    from drillcli.cli.challenge_review import restart_if_due

    work = drill_home / "workspace" / "fx_softmax.py"
    work.parent.mkdir(parents=True)
    work.write_text("def softmax(x):\n    return 'half done'\n")
    rated = datetime.now(timezone.utc) - timedelta(days=3)
    os.utime(work, (rated.timestamp() + 3600,) * 2)  # edited after the last rating: a re-solve under way
    due = standings([_info("fx_softmax")], {"fx_softmax": _state("fx_softmax", rated + timedelta(days=2))}, [],
                    rated + timedelta(days=3))["fx_softmax"]
    assert restart_if_due(softmax, due, work) is None and "half done" in work.read_text()
    scheduled = standings([_info("fx_softmax")], {"fx_softmax": _state("fx_softmax", NOW)}, [],
                          NOW - timedelta(days=1))["fx_softmax"]
    os.utime(work, (rated.timestamp() - 3600,) * 2)
    assert restart_if_due(softmax, scheduled, work) is None and "half done" in work.read_text()


def _loop(softmax: Challenge, outcome: Outcome, solved_after_s: float | None, hints: int = 0) -> SimpleNamespace:
    return SimpleNamespace(challenge=softmax, outcome=outcome, minutes=10.0,
                           tally=Tally(attempts=1, hints_used=hints, solved_after_s=solved_after_s))


@pytest.mark.parametrize(("key", "rating"), [("\n", GOOD), ("2", HARD), ("4", EASY)])
def test_the_end_screen_proposes_a_rating_and_the_user_may_change_it(softmax: Challenge, drill_home: Path,
                                                                    key: str, rating: int) -> None:
    import io

    from drillcli.cli.challenge_review import rate_attempt
    from drillcli.cli.context import Env

    env = Env()
    out = io.StringIO()
    kept = rate_attempt(env, Console(file=out, width=120), _loop(softmax, Outcome.ACCEPTED, 420.0),  # type: ignore[arg-type]
                        KeyReader(io.StringIO(key)))
    assert kept == rating
    text = out.getvalue()
    assert "Rating: Good: accepted in 7m00s of 10 min, no hints" in text and "Enter keeps it" in text
    [review] = cs.challenge_reviews(env.store.db)
    assert (review.rating, review.proposed, review.solve_s) == (rating, GOOD, 420.0)
    assert cs.challenge_state(env.store.db, "fx_softmax") == review.state_after
    assert ("you changed it from Good" in text) == (rating != GOOD)


def test_fresh_keeps_the_earlier_file_before_writing_the_starter(softmax: Challenge, drill_home: Path) -> None:
    from drillcli.coding.workspace import workspace_file

    path, _ = workspace_file(softmax, fresh=False)
    path.write_text("def softmax(x):\n    return 'work in progress'\n")
    again, resumed = workspace_file(softmax, fresh=True)
    assert again == path and not resumed and path.read_bytes() == softmax.starter_path.read_bytes()
    [kept] = (drill_home / "attempts" / "fx_softmax").glob("*.py")
    assert "work in progress" in kept.read_text()
    workspace_file(softmax, fresh=True)  # the starter itself is not copied again
    assert len(list((drill_home / "attempts" / "fx_softmax").glob("*.py"))) == 1
