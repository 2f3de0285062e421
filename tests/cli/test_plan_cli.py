"""`drill plan` and the countdown that `drill` shows, in process on the fixture bank."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.conftest import Drill


def in_days(n: int) -> str:
    return (datetime.now().astimezone().date() + timedelta(days=n)).isoformat()


def test_plan_remembers_the_date_and_keeps_the_rest_of_config(drill: Drill, fixture_only: Path) -> None:
    config = fixture_only / "config.toml"
    before = config.read_text(encoding="utf-8")
    ran = drill("plan", "--interview", in_days(10))
    assert ran.code == 0, ran.err
    assert "Interview date saved" in ran.out and "In 10 days: 6 cards not seen yet" in ran.out
    assert "Daily: 1 new cards" in ran.out and "Today: new cards 0/1" in ran.out
    assert config.read_text(encoding="utf-8") == before + f"interview_date = {in_days(10)}\n"
    again = drill("plan")  # the date is remembered
    assert again.code == 0 and "Interview date saved" not in again.out and "In 10 days" in again.out


def test_plan_json_gives_the_daily_numbers_and_the_simulation(drill: Drill, fixture_only: Path) -> None:
    ran = drill("plan", "--interview", in_days(5), "--json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    assert data["interview"] == in_days(5)
    assert data["quota"] == {"days_left": 5, "study_days": 5, "intro_days": 4, "new_cards_per_day": 2,
                             "new_challenges_per_day": 0}
    assert [d["new_cards"] for d in data["days"]] == [2, 2, 2, 0, 0]
    assert data["today"]["done"] is False and data["reaches_target"] is True
    assert {t["topic"] for t in data["topics"]} and all(t["planned_recall"] >= 0.9 for t in data["targets"])


def test_plan_refuses_a_past_or_malformed_date_and_a_missing_one(drill: Drill, fixture_only: Path) -> None:
    past = drill("plan", "--interview", in_days(-1))
    assert past.code == 2 and "has passed" in past.err
    bad = drill("plan", "--interview", "next week")
    assert bad.code == 2 and "a date like 2026-12-10" in bad.err
    missing = drill("plan")
    assert missing.code == 2 and "no interview date yet" in missing.err
    assert "interview_date" not in (fixture_only / "config.toml").read_text(encoding="utf-8")


def test_drill_shows_the_countdown_and_today_s_plan_first(drill: Drill, fixture_only: Path) -> None:
    assert drill("plan", "--interview", in_days(3)).code == 0
    ran = drill(keys="q")
    assert ran.code == 0, ran.err
    first = ran.out.splitlines()[0]
    when = date.fromisoformat(in_days(3)).strftime("%a %d %b")
    assert first.startswith(f"Interview in 3 days ({when}) · today's plan: new cards 0/2"), first
