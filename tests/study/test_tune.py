"""Fitting FSRS to a user's history: the held-out judgement, the health check, and `drill tune` end to end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
from typer.testing import CliRunner

from drillcli.cli.app import app
from drillcli.store.db import connect
from drillcli.store.params import active_parameters, latest_fit
from drillcli.study.simulate import SLOW_LEARNER, simulate
from drillcli.study.tune import Health, Score, TuneResult, counted_reviews, health_check, score, split_time

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Ev:
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None = 3000


def test_counted_reviews_are_those_on_a_later_day_than_the_cards_previous() -> None:
    events = [Ev("a", 3, START), Ev("a", 3, START + timedelta(hours=2)), Ev("a", 3, START + timedelta(days=2)),
              Ev("b", 1, START + timedelta(days=1)), Ev("b", 3, START + timedelta(days=1, minutes=10))]
    assert counted_reviews(events) == 1


def test_health_check_names_each_habit_that_misleads_the_scheduler() -> None:
    never_again = [Ev(f"c{i}", 3 if i % 3 else 4, START + timedelta(days=i)) for i in range(120)]
    hard_as_fail = [Ev(f"c{i}", 2 if i % 2 else 3, START + timedelta(days=i)) for i in range(120)]
    kinds = {n.kind for n in health_check(never_again, counted_reviews(never_again))}
    assert kinds == {Health.TOO_FEW, Health.NO_AGAIN}
    assert Health.HARD_AS_FAIL in {n.kind for n in health_check(hard_as_fail, 700)}
    assert health_check(never_again[:50], 700) == []


def test_the_true_parameters_score_better_than_the_defaults_on_held_out_reviews() -> None:
    events = simulate(cards=150, days=60, start=START, seed=3)
    since = split_time(events)
    truth, default = score(events, SLOW_LEARNER, since), score(events, None, since)
    assert truth.reviews == default.reviews > 100
    assert truth.log_loss < default.log_loss
    assert all(e.reviewed_at >= since for e in events[int(len(events) * 0.8):])


def test_a_fit_that_is_not_better_is_not_better() -> None:
    same = Score(0.35, 0.03, 200)
    assert not TuneResult(1000, 800, [], True, (0.1,) * 21, same, same).better
    assert TuneResult(1000, 800, [], True, (0.1,) * 21, same, Score(0.34, 0.03, 200)).better


def test_too_few_reviews_fits_nothing_and_says_so(drill_home: Path) -> None:
    out = CliRunner().invoke(app, ["tune"])
    assert out.exit_code == 0, out.output
    assert "Nothing was fitted" in out.output and "512" in out.output
    db = connect(drill_home / "drill.db")
    assert active_parameters(db) is None
    db.close()


def test_drill_tune_fits_saves_and_the_scheduler_then_uses_the_fit(drill_home: Path) -> None:
    events = simulate(cards=200, days=70, start=START, seed=1)
    db = connect(drill_home / "drill.db")
    db.executemany("INSERT INTO review (card_id, rating, reviewed_at, duration_ms, state_after) "
                   "VALUES (?, ?, ?, ?, '{}')",
                   [(e.card_id, e.rating, e.reviewed_at.timestamp(), e.duration_ms) for e in events])
    out = CliRunner().invoke(app, ["tune"])

    assert out.exit_code == 0, out.output
    assert "better" in out.output and "log loss" in out.output
    fit = latest_fit(db)
    assert fit is not None and fit.active and len(fit.parameters) == 21
    assert fit.parameters != tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
    assert fit.log_loss_after is not None and fit.log_loss_before is not None
    assert fit.log_loss_after < fit.log_loss_before
    from drillcli.cli.context import Env

    assert tuple(Env().scheduler.parameters) == fit.parameters
