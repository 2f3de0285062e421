"""`drill list challenges` with challenges on a schedule: state, due date, best time and attempts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from drillcli.store import challenge_states as cs
from drillcli.store.models import Attempt
from drillcli.store.repo import Store
from drillcli.study.challenge_rating import challenge_scheduler, review_challenge
from drillcli.study.scheduler import AGAIN, GOOD
from tests.conftest import Drill


def _history(home: Path) -> None:
    """softmax solved in 6 min 5 days ago (Good: due again now); gelu failed today (Again: tomorrow)."""
    now = datetime.now(timezone.utc)
    store = Store.open(home / "drill.db")
    sched = challenge_scheduler()
    solved_at = now - timedelta(days=5)
    store.record_attempt(Attempt("softmax", solved_at - timedelta(minutes=6), solved_at, "accepted", 13, 13, "cpu",
                                 20.0, timed=True, minutes=10))
    after = review_challenge(sched, "softmax", None, GOOD, solved_at)
    cs.record_challenge_review(store.db, rating=GOOD, proposed=GOOD, reviewed_at=solved_at, before=None, after=after)
    store.record_attempt(Attempt("gelu", now - timedelta(minutes=10), now, "wrong_answer", 1, 5, "cpu", 20.0,
                                 timed=True, minutes=10))
    failed = review_challenge(sched, "gelu", None, AGAIN, now)
    cs.record_challenge_review(store.db, rating=AGAIN, proposed=AGAIN, reviewed_at=now, before=None, after=failed)
    store.record_attempt(Attempt("log_softmax", now, now, "wrong_answer", 0, 5, "cpu", 20.0, timed=True))
    store.close()


def test_list_challenges_shows_state_due_best_time_and_attempts(drill: Drill, drill_home: Path) -> None:
    _history(drill_home)
    rows = {r["id"]: r for r in json.loads(drill("list", "challenges", "--json", "--topic", "activations").out)}
    assert all(set(r) == {"id", "topic", "difficulty", "solved", "due"} for r in rows.values())
    assert rows["softmax"]["solved"] and rows["softmax"]["due"]  # due again: re-solve it
    assert not rows["gelu"]["solved"] and not rows["gelu"]["due"]  # failed today: back tomorrow
    assert rows["log_softmax"]["due"] and not rows["log_softmax"]["solved"]  # tried, never rated: to finish
    out = drill("list", "challenges", "--topic", "activations").out
    line = {row.split("│")[1].strip(): row for row in out.splitlines() if row.count("│") > 5}
    assert "due ✓" in line["softmax"] and "now" in line["softmax"] and "6m00s" in line["softmax"]
    assert "scheduled" in line["gelu"] and "in 1 day" in line["gelu"]
    assert "started" in line["log_softmax"]


def test_drill_offers_the_due_challenge_after_the_cards_within_the_budget(drill: Drill, drill_home: Path) -> None:
    _history(drill_home)  # softmax due again (10 min); gelu failed today, back tomorrow
    ran = drill(keys="qn")  # quit the cards, decline the challenge
    assert ran.code == 0, ran.err
    assert "After the cards: 1 challenge due, softmax (10 of 25 min)." in ran.out
    assert "Challenge due again: Numerically stable softmax" in ran.out and "[y/N]" in ran.out
    (drill_home / "config.toml").write_text("challenge_minutes_per_day = 5\n")
    tight = drill(keys="q")
    assert "1 challenge due, more than the 5 min left of today's 5 min for challenges" in tight.out
    assert "Challenge due again" not in tight.out and "Timed challenge" not in tight.out


def test_the_first_screen_reads_no_challenge_yaml(drill_home: Path) -> None:
    from drillcli.bank.challenges import load_challenges
    from drillcli.cli.challenge_review import board, daily_challenges
    from drillcli.cli.context import Env

    _history(drill_home)
    env = Env()
    light = board(env)  # from the cached infos
    full = board(env, light.now, load_challenges(env.bank_dirs))  # every challenge.yaml read
    assert light.infos == full.infos and light.table == full.table
    assert daily_challenges(env, light) == daily_challenges(env, full)
    assert [c.id for c in daily_challenges(env, light).due] == ["softmax"]
    assert light.loaded == {}  # the line names it from the cached infos: no challenge.yaml read
