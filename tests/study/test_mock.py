"""The mock interview's core, driven directly: choosing the questions, the one timer, the scorecard, and a mock
saved as it runs (a stopped one keeps what was answered). Fixed `now` and seeds throughout."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drillcli.bank.cache import CardRef
from drillcli.bank.challenges import load_challenges
from drillcli.bank.schema import Asked
from drillcli.report.mocks import mock_history, mocks_html
from drillcli.store import mocks as mocks_sql
from drillcli.store.migrations import migrate
from drillcli.store.models import CardState
from drillcli.store.repo import Store
from drillcli.study.mock import (
    Area,
    Item,
    ItemStatus,
    Level,
    MockRecorder,
    MockStatus,
    MockTimer,
    coded,
    explained,
    from_row,
    item_score,
    pending_items,
    plan_mock,
    scorecard,
    to_row,
    typed_answer,
)
from drillcli.study.scheduler import AGAIN, GOOD, make_scheduler, review

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
FIXTURES = Path(__file__).parents[1] / "fixtures"


def deck() -> list[CardRef]:
    cards = [CardRef("basics-top", "basics", "explain", True, Asked.HIGH)]
    cards += [CardRef(f"basics-e{i}", "basics", "explain", False, Asked.MEDIUM) for i in range(6)]
    cards += [CardRef(f"attention-e{i}", "attention", "explain", False, Asked.HIGH) for i in range(4)]
    cards += [CardRef(f"basics-n{i}", "basics", "numeric", False) for i in range(3)]
    cards += [CardRef("attention-n0", "attention", "numeric", False), CardRef("basics-r", "basics", "recall", False)]
    return cards


@pytest.fixture
def challenges() -> list:  # type: ignore[type-arg]
    return load_challenges([FIXTURES])


@pytest.fixture
def store() -> Store:
    db = sqlite3.connect(":memory:", isolation_level=None)
    migrate(db)
    return Store(db)


# --- choosing ------------------------------------------------------------------------------------------------

def test_a_45_minute_mock_asks_4_to_explain_2_numeric_and_1_challenge(challenges: list) -> None:  # type: ignore[type-arg]
    plan = plan_mock(deck(), {}, challenges, [], NOW, minutes=45, seed=1)
    assert [p.area for p in plan.items] == [Area.EXPLAIN] * 4 + [Area.NUMERIC] * 2 + [Area.CODING]
    explain = [p.item_id for p in plan.of(Area.EXPLAIN)]
    assert len(set(explain)) == 4
    assert all(p.item_id.split("-")[1].startswith("n") for p in plan.of(Area.NUMERIC))
    assert plan.of(Area.CODING)[0].item_id in {c.id for c in challenges}
    assert plan_mock(deck(), {}, challenges, [], NOW, minutes=30, seed=1).of(Area.EXPLAIN).__len__() == 3


@pytest.mark.parametrize("seed", range(8))
def test_a_most_asked_question_is_always_among_those_to_explain(challenges: list, seed: int) -> None:  # type: ignore[type-arg]
    plan = plan_mock(deck(), {}, challenges, [], NOW, minutes=30, seed=seed)
    assert "basics-top" in [p.item_id for p in plan.of(Area.EXPLAIN)]


def test_due_or_new_cards_come_before_ones_reviewed_just_now(challenges: list) -> None:  # type: ignore[type-arg]
    cards = [c for c in deck() if c.topic == "basics"]
    scheduler = make_scheduler()
    fresh = {c.id: review(scheduler, c.id, None, GOOD, NOW - timedelta(minutes=5)) for c in cards
             if c.id not in ("basics-e4", "basics-e5", "basics-n2")}
    plan = plan_mock(cards, fresh, challenges, [], NOW, minutes=30, seed=3)
    explain = {p.item_id for p in plan.of(Area.EXPLAIN)}
    assert {"basics-e4", "basics-e5"} <= explain  # the two never seen, beside the most-asked one
    assert plan.of(Area.NUMERIC)[0].item_id == "basics-n2"


def test_topic_narrows_every_question_and_says_what_it_could_not_have(challenges: list) -> None:  # type: ignore[type-arg]
    plan = plan_mock(deck(), {}, challenges, [], NOW, minutes=45, topic="attention", seed=2)
    ids = [p.item_id for p in plan.items if p.area is not Area.CODING]
    assert ids and all(i.startswith("attention-") for i in ids)
    assert len(plan.of(Area.NUMERIC)) == 1
    assert "no most-asked question in this topic" in plan.notes
    assert "only 1 numeric question in attention" in plan.notes
    assert "no challenge in attention: one of another topic" in plan.notes
    on_topic = plan_mock(deck(), {}, challenges, [], NOW, minutes=45, topic="activations", seed=2)
    [coding] = on_topic.items
    assert {c.id: c.meta.topic for c in challenges}[coding.item_id] == "activations"


def test_the_challenge_follows_the_schedule_s_ranking_within_the_topic(challenges: list) -> None:  # type: ignore[type-arg]
    order = [c.id for c in sorted(challenges, key=lambda c: c.id, reverse=True)]
    plan = plan_mock(deck(), {}, challenges, [], NOW, seed=0, challenge_order=order)
    assert plan.of(Area.CODING)[0].item_id == order[0]
    activations = [c.id for c in challenges if c.meta.topic == "activations"]
    plan = plan_mock(deck(), {}, challenges, [], NOW, topic="activations", seed=0,
                     challenge_order=[*order[::-1]])
    assert plan.of(Area.CODING)[0].item_id == [cid for cid in order[::-1] if cid in activations][0]


# --- the timer -------------------------------------------------------------------------------------------------

def test_the_challenge_gets_its_own_limit_or_what_is_left_and_none_when_too_little() -> None:
    timer = MockTimer(NOW, 45)
    assert timer.left_s(NOW + timedelta(minutes=5)) == 40 * 60
    assert timer.coding_minutes(15, NOW + timedelta(minutes=20)) == 15
    assert timer.coding_minutes(30, NOW + timedelta(minutes=30)) == 15
    assert timer.coding_minutes(15, NOW + timedelta(minutes=43)) is None
    assert timer.is_up(NOW + timedelta(minutes=45)) and not timer.is_up(NOW + timedelta(minutes=44))


# --- scoring ---------------------------------------------------------------------------------------------------

def _answers() -> list[Item]:
    plan = plan_mock(deck(), {}, load_challenges([FIXTURES]), [], NOW, minutes=30, seed=1)
    items = pending_items(plan)
    items[0] = explained(items[0], must_made=2, must_total=2, nice_made=1, nice_total=2, seconds=95, rating=GOOD)
    items[1] = explained(items[1], must_made=1, must_total=3, nice_made=0, nice_total=0, seconds=200, rating=AGAIN)
    items[2] = explained(items[2], must_made=3, must_total=3, nice_made=0, nice_total=0, seconds=60, rating=GOOD)
    items[3] = typed_answer(items[3], correct=True, typed="55", expected="55", seconds=9, rating=4)
    items[4] = typed_answer(items[4], correct=False, typed="7", expected="8", seconds=20, rating=AGAIN)
    items[5] = coded(items[5], outcome="accepted", verdict="accepted", passed=5, total=5, hints=2, seconds=610,
                     minutes=15)
    return items


def test_the_scorecard_gives_points_per_answer_a_score_per_area_and_overall() -> None:
    items = _answers()
    assert [round(item_score(i), 4) for i in items] == [0.8333, 0.3333, 1.0, 1.0, 0.0, 0.8]
    card = scorecard(items, MockStatus.DONE, 1500)
    by_area = {a.area: a for a in card.areas}
    assert by_area[Area.EXPLAIN].score == pytest.approx((0.8333 + 0.3333 + 1.0) / 3, abs=1e-3)
    assert by_area[Area.NUMERIC].score == 0.5 and by_area[Area.NUMERIC].level is Level.FAIR
    assert by_area[Area.CODING].score == 0.8 and by_area[Area.CODING].level is Level.STRONG
    assert card.score == pytest.approx(0.4 * 0.7222 + 0.2 * 0.5 + 0.4 * 0.8, abs=1e-3)
    assert by_area[Area.EXPLAIN].verdict == "6/8 must points made, 1m58s per answer, 1 over 3 min"
    assert by_area[Area.NUMERIC].verdict == "1 of 2 right"
    assert by_area[Area.CODING].verdict == "accepted in 10m10s of 15 min with 2 hints"
    assert card.level is Level.FAIR


def test_a_challenge_not_accepted_earns_half_its_share_of_tests() -> None:
    item = pending_items(plan_mock(deck(), {}, load_challenges([FIXTURES]), [], NOW, seed=0))[-1]
    run = coded(item, outcome="time_up", verdict="wrong_answer", passed=3, total=6, hints=0, seconds=900, minutes=15)
    assert item_score(run) == 0.25
    assert scorecard([run], MockStatus.DONE, 900).areas[0].verdict == "time up (wrong_answer), 3/6 tests, no hints"


def test_a_stopped_mock_counts_what_was_not_reached_as_missed() -> None:
    items = _answers()
    items[2:] = [Item(i.position, i.area, i.item_id) for i in items[2:]]
    card = scorecard(items, MockStatus.STOPPED, 400)
    by_area = {a.area: a for a in card.areas}
    assert by_area[Area.CODING].verdict == "not reached" and by_area[Area.CODING].score == 0
    assert by_area[Area.EXPLAIN].answered == 2 and by_area[Area.EXPLAIN].planned == 3
    assert card.verdict.startswith("Stopped after 2 of 6 questions")


# --- saved as it runs ------------------------------------------------------------------------------------------

def test_each_answer_is_saved_as_given_and_cards_get_their_review(store: Store) -> None:
    plan = plan_mock(deck(), {}, load_challenges([FIXTURES]), [], NOW, minutes=30, seed=1)
    recorder = MockRecorder(store, plan, NOW)
    rows = mocks_sql.mock_items(store.db, recorder.mock_id)
    assert [r.status for r in rows] == ["pending"] * len(plan.items)
    first = explained(recorder.items[0], must_made=1, must_total=2, nice_made=0, nice_total=0, seconds=70,
                      rating=AGAIN, title="Explain X")
    recorder.record(first, NOW + timedelta(minutes=2))
    assert from_row(mocks_sql.mock_items(store.db, recorder.mock_id)[0]) == first
    state = store.card_state(first.item_id)
    assert isinstance(state, CardState) and state.reps == 1
    kinds = store.db.execute("SELECT s.kind, r.rating, r.duration_ms FROM review r JOIN session s"
                             " ON s.id = r.session_id").fetchall()
    assert kinds == [("mock", AGAIN, 70000)]
    card = recorder.finish(MockStatus.STOPPED, NOW + timedelta(minutes=3))
    [saved] = mocks_sql.mocks(store.db)
    assert saved.status == "stopped" and saved.score == card.score
    assert saved.area_scores["explain"] == pytest.approx(0.5 / 3, abs=1e-4)
    assert saved.finished_at == NOW + timedelta(minutes=3)


def test_a_coding_answer_is_saved_without_a_card_review(store: Store) -> None:
    plan = plan_mock(deck(), {}, load_challenges([FIXTURES]), [], NOW, minutes=30, seed=1)
    recorder = MockRecorder(store, plan, NOW)
    item = recorder.items[-1]
    recorder.record(coded(item, outcome="gave_up", verdict="wrong_answer", passed=1, total=4, hints=1, seconds=300,
                          minutes=15), NOW)
    assert store.db.execute("SELECT count(*) FROM review").fetchone()[0] == 0
    assert from_row(to_row(recorder.items[-1])).status is ItemStatus.ANSWERED


# --- the report's history --------------------------------------------------------------------------------------

def test_the_history_lists_mocks_oldest_first_and_marks_one_cut_off(store: Store) -> None:
    plan = plan_mock(deck(), {}, load_challenges([FIXTURES]), [], NOW, minutes=30, seed=1)
    done = MockRecorder(store, plan, NOW - timedelta(days=2))
    done.record(explained(done.items[0], must_made=2, must_total=2, nice_made=0, nice_total=0, seconds=60,
                          rating=GOOD), NOW - timedelta(days=2))
    done.finish(MockStatus.DONE, NOW - timedelta(days=2) + timedelta(minutes=30))
    MockRecorder(store, plan, NOW - timedelta(days=1))  # killed before it could finish
    history = mock_history(mocks_sql.mocks(store.db), NOW)
    assert [m["status"] for m in history] == ["done", "unfinished"]
    assert history[0]["score"] == pytest.approx(0.4 * (1 / 3) / 1.0, abs=1e-3)
    assert history[1]["score"] is None
    html = mocks_html(history)
    assert html.count("<circle") == 1 and f"data-score='{history[0]['score']}'" in html
    assert "cut off" in html and "No mock interviews recorded yet" not in html
    assert "No mock interviews recorded yet" in mocks_html([])


def test_a_challenge_stopped_halfway_is_kept_but_not_counted_as_finished() -> None:
    items = _answers()
    items[5] = coded(Item(5, Area.CODING, "fx_softmax"), outcome="stopped", verdict="wrong_answer", passed=2,
                     total=4, hints=0, seconds=120, minutes=15)
    card = scorecard(items, MockStatus.STOPPED, 900)
    assert card.verdict.startswith("Stopped after 5 of 6 questions")
    assert item_score(items[5]) == 0.25  # the tests it passed still count, as for a challenge not accepted
