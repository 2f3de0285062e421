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


def test_retrievabilities_of_many_cards_equal_the_library_s_one_by_one() -> None:
    import random

    from drillcli.store.models import CardState
    from drillcli.study.scheduler import retrievabilities, retrievability

    rng = random.Random(3)
    fitted = make_scheduler(0.85, tuple(w * rng.uniform(0.9, 1.1) for w in make_scheduler().parameters))
    states = {f"c{i}": CardState(f"c{i}", "review", None, rng.uniform(0.01, 400), rng.uniform(1, 10),
                                 NOW, NOW - timedelta(days=rng.uniform(0, 900)))
              for i in range(300)}
    states["new"] = CardState("new", "learning", 0, None, None, NOW, None)
    states["future"] = CardState("future", "review", None, 5.0, 5.0, NOW, NOW + timedelta(days=2))
    for scheduler in (make_scheduler(), fitted):
        bulk = retrievabilities(scheduler, states, NOW)
        assert bulk == {cid: retrievability(scheduler, s, NOW) for cid, s in states.items()}
    assert bulk["new"] == 0.0 and bulk["future"] == 1.0
