"""The plan to an interview date, with a fixed clock: its daily numbers, and a simulation that reaches 0.9
on the targets. Also writing the date into config.toml without losing what the user wrote."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from drillcli.bank.cache import CardRef
from drillcli.bank.schema import Asked
from drillcli.bank.vocab import ChallengeInfo
from drillcli.config import load_config
from drillcli.config_edit import set_setting, with_setting
from drillcli.errors import DrillError
from drillcli.store.models import CardState
from drillcli.study.challenge_rating import challenge_scheduler
from drillcli.study.challenge_schedule import standings
from drillcli.study.plan import (
    TARGET_RECALL,
    PlanInput,
    Progress,
    interview_moment,
    make_plan,
    make_quota,
    quota_of,
    today_of,
)
from drillcli.study.scheduler import make_scheduler

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
TOPICS = ["basics", "attention"]


def small_bank(n: int = 40) -> list[CardRef]:
    """n cards over two topics: the first 4 most-asked, every fifth asked often."""
    return [CardRef(f"card-{i:02d}", TOPICS[i % 2], "recall", i < 4, Asked.HIGH if i % 5 == 0 else Asked.MEDIUM)
            for i in range(n)]


def four_challenges() -> list[ChallengeInfo]:
    return [ChallengeInfo(f"ch{i}", TOPICS[i % 2], "easy", 10) for i in range(4)]


def plan_for(cards: list[CardRef], states: dict[str, CardState], days: int, **kw: int):  # type: ignore[no-untyped-def]
    challenges = four_challenges()
    inp = PlanInput(cards, states, challenges, standings(challenges, {}, [], NOW), (NOW + timedelta(days=days)).date(),
                    NOW, **kw)
    return make_plan(inp, make_scheduler(), challenge_scheduler())


def test_ten_days_and_forty_cards_give_five_new_cards_a_day_and_reach_the_target() -> None:
    plan = plan_for(small_bank(), {}, days=10)
    q = plan.quota
    assert (q.days_left, q.study_days, q.intro_days) == (10, 10, 8)  # the last 2 days: reviews only
    assert (q.new_cards_per_day, q.new_challenges_per_day) == (5, 1)
    assert [d.new_cards for d in plan.days] == [5] * 8 + [0, 0]
    assert [d.new_challenges for d in plan.days] == [1] * 4 + [0] * 6
    assert [d.day for d in plan.days] == [date(2026, 3, 2) + timedelta(days=i) for i in range(10)]
    assert plan.days[0].card_reviews == 10  # five new cards, each Good twice through the learning steps
    # Simulated up to the interview: the four most-asked and every card asked often are at 0.9 or more.
    assert [t.id for t in plan.targets if t.most_asked] == ["card-00", "card-01", "card-02", "card-03"]
    assert len(plan.targets) == 4 + 7  # card-05, -10, ..., -35 are asked often
    assert plan.reaches_target and plan.lowest_target is not None and plan.lowest_target >= TARGET_RECALL
    assert all(t.planned_recall >= TARGET_RECALL for t in plan.targets)
    assert all(t.unseen == 20 and t.planned_recall is not None for t in plan.topics)
    assert plan.today.new_cards_planned == 5 and plan.today.new_challenges_planned == 1 and not plan.today.done


def test_today_s_numbers_stay_put_as_today_s_cards_are_done() -> None:
    cards = small_bank()
    states = {c.id: CardState(c.id, "review", None, 2.3, 5.0, NOW + timedelta(days=2), NOW - timedelta(hours=1), 1, 0)
              for c in cards[:5]}
    plan = plan_for(cards, states, days=10, new_cards_today=5)
    assert plan.quota.new_cards_per_day == 5 and plan.days[0].new_cards == 0  # today's five are done
    assert (plan.today.new_cards_done, plan.today.new_cards_planned, plan.today.due_cards) == (5, 5, 0)
    assert plan.cards_unseen == 35


def test_a_card_that_would_be_forgotten_on_the_day_is_refreshed_on_the_last_day() -> None:
    cards = small_bank(4)  # the four most-asked, all seen long ago, due after the interview
    at = interview_moment((NOW + timedelta(days=3)).date(), NOW)
    states = {c.id: CardState(c.id, "review", None, 4.0, 5.0, at + timedelta(hours=6), NOW - timedelta(days=3), 3, 0)
              for c in cards}
    plan = plan_for(cards, states, days=3)
    assert all(t.recall_on_day is not None and t.recall_on_day < TARGET_RECALL for t in plan.targets)
    assert plan.days[-1].refreshed == 4 and sum(d.card_reviews for d in plan.days[:-1]) == 0
    assert plan.reaches_target and all(t.planned_recall >= TARGET_RECALL for t in plan.targets)


def test_one_day_left_puts_every_new_card_into_today() -> None:
    plan = plan_for(small_bank(12), {}, days=1)
    assert plan.quota.intro_days == 1 and plan.quota.new_cards_per_day == 12
    assert [d.new_cards for d in plan.days] == [12] and plan.reaches_target


def test_the_interview_today_plans_nothing_new() -> None:
    plan = plan_for(small_bank(8), {}, days=0)
    assert plan.quota.study_days == 0 and plan.days == []
    assert plan.today.new_cards_planned == 0 and plan.today.done
    assert not plan.reaches_target  # nothing seen: the targets cannot be recalled


def test_the_quota_arithmetic() -> None:
    assert make_quota(10, 41, 7) == make_quota(10, 41, 7)
    q = make_quota(10, 41, 7)
    assert (q.intro_days, q.new_cards_per_day, q.new_challenges_per_day) == (8, 6, 1)
    assert make_quota(4, 9, 0).intro_days == 4 and make_quota(4, 9, 0).new_cards_per_day == 3
    p = Progress(unseen_cards=30, due_cards=0, new_cards_today=10, unattempted=0, new_challenges_today=0,
                 due_challenges=0)
    q = quota_of(5, p)
    assert q.new_cards_per_day == 10 and today_of(q, p).done  # today's 10 of 40 are done, nothing due


# --- the date in config.toml ---------------------------------------------------------------------------


CONFIG = """# my settings
new_per_day = 15   # more than the default
interview_date = 2026-01-01  # the old one

[future_table]
x = 1
"""


def test_the_date_replaces_its_line_keeping_comments_and_other_keys() -> None:
    text = with_setting(CONFIG, "interview_date", "2026-12-10")
    assert text == CONFIG.replace("interview_date = 2026-01-01  # the old one",
                                  "interview_date = 2026-12-10  # the old one")


def test_a_new_key_goes_before_the_first_table() -> None:
    text = with_setting("new_per_day = 15\n\n[t]\nx = 1", "interview_date", "2026-12-10")
    assert tomllib.loads(text) == {"new_per_day": 15, "interview_date": date(2026, 12, 10), "t": {"x": 1}}
    assert with_setting("", "interview_date", "2026-12-10") == "interview_date = 2026-12-10\n"
    assert with_setting("a = 1", "b", "2") == "a = 1\nb = 2\n"


def test_set_setting_writes_a_config_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\nnew_per_day = 15\n", encoding="utf-8")
    set_setting("interview_date", "2026-12-10", path)
    assert path.read_text(encoding="utf-8") == "# mine\nnew_per_day = 15\ninterview_date = 2026-12-10\n"
    config = load_config(path)
    assert config.interview_date == date(2026, 12, 10) and config.new_per_day == 15
    assert config.challenge_minutes_per_day == 25


def test_a_broken_config_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("new_per_day = = 3\n", encoding="utf-8")
    with pytest.raises(DrillError, match="cannot set interview_date"):
        set_setting("interview_date", "2026-12-10", path)
    assert path.read_text(encoding="utf-8") == "new_per_day = = 3\n"


@pytest.mark.parametrize("value", ['"2026-12-10"', "2026-12-10"])
def test_the_interview_date_loads_as_a_date_or_a_string(tmp_path: Path, value: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"interview_date = {value}\n", encoding="utf-8")
    assert load_config(path).interview_date == date(2026, 12, 10)
    path.write_text('interview_date = "soon"\n', encoding="utf-8")
    with pytest.raises(DrillError, match="interview_date must be a date"):
        load_config(path)
