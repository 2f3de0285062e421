"""The session service with a fixed clock: order of cards, counters, budget, undo, two sessions at once."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drillcli.bank.cache import CardRef
from drillcli.bank.loader import load_bank
from drillcli.bank.schema import Asked
from drillcli.store.repo import Store
from drillcli.store.tx import StoreBusy
from drillcli.study.queue import QueueFilter, build_queue
from drillcli.study.scheduler import AGAIN, EASY, GOOD
from drillcli.study.session import (
    Done,
    Graded,
    NotSaved,
    Refusal,
    SessionOptions,
    Show,
    StudySession,
    UndoOutcome,
    Wait,
)
from tests.conftest import FIXTURE_BANK

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
REFS = load_bank([FIXTURE_BANK], use_cache=False).refs
BASICS = ["fx-explain", "fx-recall", "fx-cloze", "fx-numeric", "fx-mcq"]


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "drill.db"


def session(db_path: Path, clock: Clock, *, topic: str | None = "basics", limit: int = 50, new: int | None = None,
            new_per_day: int = 10, ahead: bool = False, learn_ahead_min: float = 20,
            store: Store | None = None) -> StudySession:
    options = SessionOptions(filter=QueueFilter(topic=topic, limit=limit), new=new, new_per_day=new_per_day,
                             ahead=ahead, learn_ahead=timedelta(minutes=learn_ahead_min))
    return StudySession(store or Store.open(db_path), REFS, options, clock)


def shown(step: object) -> Show:
    assert isinstance(step, Show), step
    return step


def grade(s: StudySession, rating: int = GOOD) -> Graded:
    step = shown(s.next())
    result = s.grade(step.card_id, rating, 1000)
    assert isinstance(result, Graded)
    return result


def test_a_learning_card_waits_for_its_due_time_while_other_cards_wait(db_path: Path) -> None:
    clock = Clock()
    s = session(db_path, clock, limit=5)
    assert s.plan == BASICS and s.planned == 5
    first = grade(s)  # new card, Good: the next learning step is 10 minutes away
    assert first.comes_back and first.after.due == NOW + timedelta(minutes=10)
    order = []
    for _ in range(4):
        clock.advance(minutes=1)
        step = shown(s.next())
        order.append(step.card_id)
        s.grade(step.card_id, EASY, 1000)
    assert order == BASICS[1:]  # fx-explain is not shown again before its time, three cards on
    # nothing else left: fx-explain, due in 6 minutes, is inside the 20-minute learn-ahead window
    back = shown(s.next())
    assert back.card_id == "fx-explain" and back.again and back.index == 1 and back.planned == 5


def test_a_due_learning_card_comes_before_the_next_planned_card(db_path: Path) -> None:
    clock = Clock()
    s = session(db_path, clock, limit=4)
    grade(s)
    clock.advance(minutes=10)
    step = shown(s.next())
    assert step.card_id == "fx-explain" and step.again and step.state is not None


def test_only_later_cards_left_means_wait_then_show(db_path: Path) -> None:
    clock = Clock()
    s = session(db_path, clock, limit=1, learn_ahead_min=5)
    grade(s)
    step = s.next()
    assert step == Wait(card_id="fx-explain", due=NOW + timedelta(minutes=10), ready_at=NOW + timedelta(minutes=5))
    clock.advance(minutes=5)
    assert shown(s.next()).card_id == "fx-explain"
    grade(s, EASY)
    assert isinstance(s.next(), Done)


def test_counters_summary_distinct_cards_and_total_reviews(db_path: Path) -> None:
    clock = Clock()
    s = session(db_path, clock, limit=2)
    grade(s, AGAIN)
    grade(s, EASY)
    clock.advance(minutes=2)
    again = shown(s.next())
    assert (again.card_id, again.index, again.planned, again.again) == ("fx-explain", 1, 2, True)
    s.grade(again.card_id, GOOD, 500)
    summary = s.summary()
    assert (summary.cards, summary.reviews, summary.again) == (2, 3, 1)
    assert summary.seconds == 2.5


def test_undo_restores_the_stored_state_and_shows_the_card_again(db_path: Path) -> None:
    clock = Clock()
    s = session(db_path, clock)
    first = grade(s)
    result = s.undo()
    assert result.outcome is UndoOutcome.UNDONE and result.card_id == first.card_id and result.rating == GOOD
    step = shown(s.next())
    assert step.card_id == first.card_id and step.state is None and not step.again
    assert s.store.review_count() == 0 and s.store.card_state(first.card_id) is None
    assert s.undo().outcome is UndoOutcome.NOTHING


def test_a_grade_is_computed_from_the_state_another_session_wrote(db_path: Path) -> None:
    clock = Clock()
    a, b = session(db_path, clock), session(db_path, clock)
    card = shown(a.next()).card_id
    assert shown(b.next()).card_id == card  # both show the same card
    from_a = a.grade(card, GOOD, 1000)
    from_b = b.grade(card, GOOD, 1000)
    assert isinstance(from_a, Graded) and isinstance(from_b, Graded)
    assert from_b.before == from_a.after  # B did not overwrite A's grade with one computed from nothing
    stored = a.store.card_state(card)
    assert stored == from_b.after and stored is not None and stored.reps == 2


def test_undo_after_another_session_graded_the_card_deletes_nothing(db_path: Path) -> None:
    clock = Clock()
    a, b = session(db_path, clock), session(db_path, clock)
    card = shown(a.next()).card_id
    shown(b.next())
    a.grade(card, AGAIN, 1000)
    later = b.grade(card, EASY, 1000)
    assert isinstance(later, Graded)
    result = a.undo()
    assert result.outcome is UndoOutcome.SUPERSEDED and result.card_id == card
    assert a.store.review_count() == 2 and a.store.card_state(card) == later.after


def test_the_new_card_budget_holds_across_two_sessions(db_path: Path) -> None:
    clock = Clock()
    a = session(db_path, clock, new_per_day=2)
    b = session(db_path, clock, topic="optimizers", new_per_day=2)
    assert a.planned == 2 and b.planned == 1
    late = shown(b.next()).card_id  # shown before A used the budget
    grade(a)
    grade(a)
    assert b.grade(late, GOOD, 1000) == NotSaved(late, Refusal.BUDGET_SPENT)
    assert b.store.new_cards_since(NOW - timedelta(days=1)) == 2 and b.store.card_state(late) is None
    c = session(db_path, clock, topic=None, new_per_day=2)
    assert c.planned_new == 0


def test_a_planned_new_card_is_skipped_once_another_session_spent_the_budget(db_path: Path) -> None:
    clock = Clock()
    a = session(db_path, clock, new_per_day=2)
    b = session(db_path, clock, topic=None, new_per_day=2)
    grade(a)
    grade(a)
    seen = []
    while isinstance(step := b.next(), Show):  # B planned 2 new cards; A introduced them (or others) first
        seen.append(step.card_id)
        b.grade(step.card_id, EASY, 100)
    assert seen == []  # both of B's planned new cards were introduced by A: B shows neither
    assert b.store.new_cards_since(NOW - timedelta(days=1)) == 2


def test_new_n_is_this_sessions_own_budget(db_path: Path) -> None:
    clock = Clock()
    grade(session(db_path, clock, new_per_day=1, limit=1), EASY)
    s = session(db_path, clock, topic=None, new=3, new_per_day=1)
    assert s.planned_new == 3
    for _ in range(3):
        grade(s, EASY)
    assert isinstance(s.next(), Done)


def test_practise_ahead_reviews_cards_not_due_soonest_first_as_early_reviews(db_path: Path) -> None:
    clock = Clock()
    s = session(db_path, clock, limit=2)
    grade(s, EASY)
    clock.advance(hours=1)
    grade(s, EASY)
    ahead = session(db_path, clock, ahead=True)
    assert ahead.plan == ["fx-explain", "fx-recall"] and ahead.planned_new == 0
    graded = grade(ahead, GOOD)
    assert graded.early and graded.before is not None and graded.after.due > graded.before.due
    step = shown(ahead.next())
    assert (step.card_id, step.index, step.planned) == ("fx-recall", 2, 2)  # the count stays as planned
    review = ahead.store.review(graded.review_id)
    assert review is not None and review.early


def test_a_busy_database_raises_and_leaves_the_session_as_it_was(db_path: Path) -> None:
    clock = Clock()
    s = session(db_path, clock, store=Store.open(db_path, busy_timeout_ms=50))
    card = shown(s.next()).card_id
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy):
            s.grade(card, GOOD, 1000)
        assert shown(s.next()).card_id == card
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert isinstance(s.grade(card, GOOD, 1000), Graded)


def test_new_cards_come_high_frequency_first_within_a_topic_and_asked_filters() -> None:
    refs = [CardRef("low-a", "basics", "recall", False, Asked.LOW),
            CardRef("med-b", "basics", "recall", False, Asked.MEDIUM),
            CardRef("high-c", "basics", "recall", False, Asked.HIGH),
            CardRef("high-backprop", "backprop", "recall", False, Asked.HIGH)]
    q = build_queue(refs, {}, NOW, QueueFilter(new_limit=9))
    assert q.new == ["high-c", "med-b", "low-a", "high-backprop"]
    assert build_queue(refs, {}, NOW, QueueFilter(asked=Asked.HIGH, new_limit=9)).new == ["high-c", "high-backprop"]


def test_cards_falling_due_within_the_window_are_planned_and_shown_when_due(db_path: Path) -> None:
    clock = Clock()
    grade(session(db_path, clock, limit=1), EASY)  # fx-explain: review, due in days
    due = Store.open(db_path).card_state("fx-explain")
    assert due is not None
    clock.now = due.due - timedelta(minutes=5)  # the next day, five minutes before it falls due
    s = session(db_path, clock, limit=3, new=2)
    assert s.plan == ["fx-recall", "fx-cloze", "fx-explain"] and s.planned == 3
    assert (s.planned_new, s.planned_soon) == (2, 1)
    grade(s, EASY)  # a new card first: fx-explain is not due yet
    clock.advance(minutes=5)
    step = shown(s.next())  # due now: before the next new card
    assert (step.card_id, step.index, step.again) == ("fx-explain", 3, False)
