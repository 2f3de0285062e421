from __future__ import annotations

from datetime import datetime, timedelta, timezone

from drillcli.study.scheduler import AGAIN, EASY, GOOD, make_scheduler, preview_intervals, review

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_new_card_good_enters_learning_with_a_short_step() -> None:
    s = make_scheduler()
    after = review(s, "c", None, GOOD, NOW)
    assert after.state == "learning"
    assert after.reps == 1 and after.lapses == 0
    assert timedelta(minutes=1) <= after.due - NOW <= timedelta(minutes=30)


def test_easy_graduates_at_once_and_the_same_inputs_give_the_same_state() -> None:
    s = make_scheduler()
    a = review(s, "c", None, EASY, NOW)
    b = review(s, "c", None, EASY, NOW)
    assert a == b
    assert a.state == "review" and a.due - NOW >= timedelta(days=1)


def test_intervals_grow_with_good_and_again_on_review_is_a_lapse() -> None:
    s = make_scheduler()
    state = review(s, "c", None, EASY, NOW)
    gaps = []
    now = NOW
    for _ in range(3):
        now = state.due
        new = review(s, "c", state, GOOD, now)
        gaps.append(new.due - now)
        state = new
    assert gaps[0] < gaps[1] < gaps[2]
    lapsed = review(s, "c", state, AGAIN, state.due)
    assert lapsed.state == "relearning" and lapsed.lapses == 1


def test_higher_retention_means_shorter_intervals() -> None:
    loose, strict = make_scheduler(0.8), make_scheduler(0.97)
    state = review(loose, "c", None, EASY, NOW)
    assert review(strict, "c", state, GOOD, state.due).due < review(loose, "c", state, GOOD, state.due).due


def test_preview_orders_ratings() -> None:
    dues = preview_intervals(make_scheduler(), "c", None, NOW)
    assert dues[AGAIN] <= dues[GOOD] <= dues[EASY]
