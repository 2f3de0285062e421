"""The review log grouped in SQLite gives the same report as the same log grouped row by row, in any time
zone (a daylight-saving change inside the heatmap's window included); and the streak reaches past the
heatmap's window, over a day with only a solve."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drillcli.bank.schema import RecallCard
from drillcli.report.build import attempt_days, build_report
from drillcli.report.review_stats import ReviewRow, first_window_day, review_stats, stats_from_rows
from drillcli.store.models import Attempt, CardState
from drillcli.store.repo import Store

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
STREAK_DAYS = 130  # every day back to here has practice: longer than the heatmap's 12 weeks
SOLVE_ONLY_DAY = 100  # this many days ago: no review, only a challenge solved
CARDS = [f"c{i}" for i in range(12)]


@pytest.fixture(params=["UTC", "Asia/Kolkata", "America/New_York"])
def local_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone (New York leaves daylight saving on 1 Nov 2026, inside the window)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def local_noon(days_ago: int) -> datetime:
    day = NOW.astimezone().date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12).astimezone(timezone.utc)


def make_log(seed: int = 1) -> tuple[list[ReviewRow], list[Attempt]]:
    """A streak of STREAK_DAYS days (one of them a solve only), a gap before it, and a year of scattered
    reviews, some just either side of local midnight."""
    rng = random.Random(seed)
    rows = []
    for days_ago in range(STREAK_DAYS):
        if days_ago == SOLVE_ONLY_DAY:
            continue
        for k in range(rng.randint(1, 4)):
            at = local_noon(days_ago) + timedelta(hours=rng.choice([-11.99, -3, 0, 5, 11.99]) if k else 0)
            rows.append(ReviewRow(rng.choice(CARDS), rng.randint(1, 4), at,
                                  rng.choice([None, "learning", "review", "relearning"])))
    for _ in range(300):
        at = local_noon(rng.randint(STREAK_DAYS + 1, 400)) + timedelta(hours=rng.uniform(-12, 12))
        rows.append(ReviewRow(rng.choice(CARDS), rng.randint(1, 4), at, rng.choice([None, "review"])))
    solve = local_noon(SOLVE_ONLY_DAY)
    attempts = [Attempt("softmax", solve - timedelta(minutes=12), solve, "accepted", 7, 7, "cpu", 30.0, 1.1, True,
                        15.0)]
    return sorted(rows, key=lambda r: r.at), attempts


def write_log(db_path: Path, rows: list[ReviewRow]) -> sqlite3.Connection:
    Store.open(db_path).close()  # migrated
    db = sqlite3.connect(db_path)
    for r in rows:
        before = None if r.state_before is None else CardState(r.card_id, r.state_before, None, 3.0, 5.0, r.at,
                                                               r.at).to_json()
        db.execute("INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_before, state_after)"
                   " VALUES (?, ?, ?, 1000, ?, '{}')", (r.card_id, r.rating, r.at.timestamp(), before))
    db.commit()
    return db


@pytest.mark.parametrize("days", [1, 7, 30, 365])
def test_sqlite_grouping_gives_the_report_of_the_rows(local_zone: str, tmp_path: Path, days: int) -> None:
    rows, attempts = make_log()
    db = write_log(tmp_path / "drill.db", rows)
    cards = [RecallCard(id=c, type="recall", topic="basics", prompt=f"{c}?", answer="x") for c in CARDS]
    states = {c: CardState(c, "review", None, 2.0 + i, 5.0, NOW + timedelta(days=i - 3), NOW - timedelta(days=9))
              for i, c in enumerate(CARDS)}
    grouped = review_stats(db, NOW, days, also_active=attempt_days(attempts))
    by_rows = stats_from_rows(rows, NOW, days)

    assert (grouped.total, grouped.in_period) == (by_rows.total, by_rows.in_period)
    assert grouped.outcomes == by_rows.outcomes and grouped.recent_fails == by_rows.recent_fails
    first = first_window_day(NOW)
    assert grouped.per_day == {d: n for d, n in by_rows.per_day.items() if d >= first}
    from_sql = build_report(cards, states, grouped, attempts, ["softmax"], NOW, days=days).to_dict()
    from_rows = build_report(cards, states, rows, attempts, ["softmax"], NOW, days=days).to_dict()
    assert from_sql == from_rows
    assert from_sql["weak"] and any(w["recent_fails"] for w in from_sql["weak"])


def test_the_streak_runs_past_the_heatmap_and_over_a_day_with_only_a_solve(tmp_path: Path) -> None:
    rows, attempts = make_log()
    db = write_log(tmp_path / "drill.db", rows)
    grouped = review_stats(db, NOW, 30, also_active=attempt_days(attempts))
    assert build_report([], {}, grouped, attempts, [], NOW).streak_days == STREAK_DAYS
    without_solve = review_stats(db, NOW, 30)  # the solve-only day breaks the streak
    assert build_report([], {}, without_solve, [], [], NOW).streak_days == SOLVE_ONLY_DAY


def test_a_review_whose_state_before_is_not_json_counts_but_fails_nothing(tmp_path: Path) -> None:
    rows, attempts = make_log()
    db = write_log(tmp_path / "drill.db", rows)
    before = review_stats(db, NOW, 30)
    db.execute("INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_before, state_after)"
               " VALUES ('c1', 1, ?, 900, 'not json {', '{}')", ((NOW - timedelta(hours=1)).timestamp(),))
    db.commit()
    after = review_stats(db, NOW, 30)
    assert (after.total, after.in_period) == (before.total + 1, before.in_period + 1)
    assert after.outcomes == before.outcomes  # its state before is unknown: not a review-state outcome
    assert after.recent_fails["c1"] == before.recent_fails.get("c1", 0) + 1
