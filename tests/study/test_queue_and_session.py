from __future__ import annotations

from datetime import datetime, timedelta, timezone

from drillcli.bank.loader import load_bank
from drillcli.store.models import CardState
from drillcli.study.queue import QueueFilter, build_queue
from drillcli.study.scheduler import AGAIN, EASY, GOOD, make_scheduler, review
from drillcli.study.session import Session
from tests.conftest import FIXTURE_BANK

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
CARDS = load_bank([FIXTURE_BANK], use_cache=False).cards


def state(card_id: str, due_in: timedelta) -> CardState:
    return CardState(card_id, "review", None, 5.0, 5.0, NOW + due_in, NOW - timedelta(days=5), 3, 0)


def test_due_first_most_overdue_first_then_new_most_asked_first() -> None:
    states = {"fx-recall": state("fx-recall", -timedelta(hours=1)),
              "fx-cloze": state("fx-cloze", -timedelta(days=3)),
              "fx-mcq": state("fx-mcq", timedelta(days=2))}
    q = build_queue(CARDS, states, NOW, QueueFilter(limit=10, new_limit=2))
    assert q.due == ["fx-cloze", "fx-recall"]
    assert q.new[0] == "fx-explain" and len(q.new) == 2
    assert "fx-mcq" not in q.ids


def test_filters_and_limits() -> None:
    assert build_queue(CARDS, {}, NOW, QueueFilter(topic="optimizers", new_limit=9)).ids == ["fx-short"]
    assert build_queue(CARDS, {}, NOW, QueueFilter(most_asked=True, new_limit=9)).ids == ["fx-explain"]
    assert build_queue(CARDS, {}, NOW, QueueFilter(new_limit=0)).ids == []
    assert len(build_queue(CARDS, {}, NOW, QueueFilter(limit=3, new_limit=9)).ids) == 3


def test_again_requeues_in_session_and_undo_restores_everything() -> None:
    session = Session(queue=["a", "b"], states={}, scheduler=make_scheduler())
    step = session.grade(AGAIN, NOW, 1000)
    assert step.requeued and session.queue == ["a", "b", "a"]
    session.grade(EASY, NOW, 1000)
    assert session.current == "a"
    undone = session.undo()
    assert undone is not None and undone.card_id == "b" and "b" not in session.states
    undone = session.undo()
    assert undone is not None and undone.card_id == "a"
    assert session.queue == ["a", "b"] and session.position == 0 and session.states == {}
    assert session.undo() is None


def test_session_state_matches_the_scheduler() -> None:
    sched = make_scheduler()
    session = Session(queue=["a"], states={}, scheduler=sched)
    step = session.grade(GOOD, NOW, 500)
    assert step.after == review(sched, "a", None, GOOD, NOW)
    assert session.summary().reviewed == 1
