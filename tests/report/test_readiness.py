"""Readiness in the report: per topic and for the most-asked questions, predicted recall today and on the
interview day, challenges solved and due, the countdown; in the JSON, the terminal and the HTML page."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from io import StringIO
from pathlib import Path

from rich.console import Console

from drillcli.cli.report import render_report
from drillcli.report.build import build_report
from drillcli.report.html import render_html
from drillcli.report.readiness import ChallengeMark, Interview
from drillcli.study.plan import interview_moment
from tests.conftest import Drill
from tests.report.test_report import NOW, card, history

DAY = date(2026, 12, 10)
TODAY = {"new_cards_planned": 5, "new_cards_done": 2, "due_cards": 1, "new_challenges_planned": 1,
         "new_challenges_done": 0, "due_challenges": 0, "done": False}


def _report(interview: Interview):  # type: ignore[no-untyped-def]
    cards = [card("ma", "attention", most_asked=True), card("a2", "attention"), card("b1", "basics")]
    states, rows = history({"ma": [(3, 3), (1, 3)], "b1": [(2, 3)]})
    return build_report(cards, states, rows, [], ["sdpa", "softmax"], NOW, interview=interview)


def test_readiness_per_topic_and_most_asked_today_and_on_the_day() -> None:
    marks = [ChallengeMark("sdpa", "attention", True, True), ChallengeMark("softmax", "activations", False, False)]
    r = _report(Interview(DAY, interview_moment(DAY, NOW), 10, TODAY, marks))
    topics = {t["topic"]: t for t in r.readiness["topics"]}
    attention = topics["attention"]
    assert attention["cards"] == 2 and (attention["challenges"], attention["solved"], attention["due"]) == (1, 1, 1)
    assert 0 < attention["recall_on_day"] < attention["recall_now"] <= 0.5  # a2 never seen counts as 0
    assert topics["activations"] == {"topic": "activations", "title": "Activation functions", "cards": 0,
                                     "recall_now": None, "recall_on_day": None, "challenges": 1, "solved": 0,
                                     "due": 0}
    [most] = r.most_asked
    assert most["id"] == "ma" and most["recall_on_day"] < most["recall_now"]
    assert (r.readiness["interview_date"], r.readiness["days_left"], r.readiness["today"]) == ("2026-12-10", 10, TODAY)
    assert "score" in r.readiness and "by_asked" in r.readiness  # what was there stays
    out = StringIO()
    render_report(r, Console(file=out, width=120))
    text = out.getvalue()
    assert "Interview in 10 days (2026-12-10) · today's plan not done: new cards 2/5, cards due 1" in text
    assert "Readiness by topic" in text and "on the day" in text
    page = render_html(r)
    assert "<section id='readiness'>" in page and "data-key='countdown'" in page and "data-id='ma'" in page


def test_without_an_interview_date_there_is_no_day_column() -> None:
    r = _report(Interview(challenges=[ChallengeMark("sdpa", "attention", False, False)]))
    assert r.readiness["interview_date"] is None and r.most_asked[0]["recall_on_day"] is None
    assert all(t["recall_on_day"] is None for t in r.readiness["topics"])
    out = StringIO()
    render_report(r, Console(file=out, width=120))
    assert "Readiness by topic" in out.getvalue() and "on the day" not in out.getvalue()
    assert "drill plan --interview DATE" in render_html(r)


def test_report_json_counts_down_once_a_plan_is_set(drill: Drill, fixture_only: Path) -> None:
    day = (datetime.now(timezone.utc).astimezone().date() + timedelta(days=4)).isoformat()
    assert drill("plan", "--interview", day).code == 0
    data = json.loads(drill("report", "--json").out)["readiness"]
    assert data["interview_date"] == day and data["days_left"] == 4
    assert data["today"]["new_cards_planned"] == 2 and data["today"]["done"] is False
    assert {t["topic"] for t in data["topics"]} and all(t["recall_on_day"] == 0.0 for t in data["topics"])


def test_the_last_mock_score_is_part_of_readiness(drill: Drill, fixture_only: Path) -> None:
    from dataclasses import replace

    assert json.loads(drill("report", "--json").out)["readiness"]["last_mock_score"] is None
    r = _report(Interview())
    r = replace(r, readiness={**r.readiness, "last_mock_score": 0.72})
    out = StringIO()
    render_report(r, Console(file=out, width=120))
    assert "Last mock interview: 72%" in out.getvalue()
    assert "data-key='last_mock_score'>Last mock interview: 72%" in render_html(r)
