"""Readiness for the interview in the report: per topic and for the most-asked questions, predicted recall
today and on the interview day; challenges solved and due; the countdown and today's part of the plan.

Pure: the interview (if one is set), the challenges' standing and `now` come in. A card not seen yet counts
as 0, as in the readiness score: it cannot be recalled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from typing import Any

import fsrs

from drillcli.bank.topics import TOPICS, topic_title
from drillcli.report.cardlike import CardLike
from drillcli.store.models import CardState
from drillcli.study.scheduler import retrievabilities


@dataclass(frozen=True)
class ChallengeMark:
    id: str
    topic: str
    solved: bool
    due: bool  # due now to be solved again


@dataclass(frozen=True)
class Interview:
    """What readiness reads beyond the cards. `at` None: no interview date set."""

    day: date | None = None
    at: datetime | None = None  # its moment (09:00 local on the day)
    days_left: int | None = None
    today: dict[str, Any] | None = None  # today's part of the plan, as `drill plan` counts it
    challenges: Sequence[ChallengeMark] = field(default_factory=list)


def recall_on(scheduler: fsrs.Scheduler, states: dict[str, CardState], at: datetime | None) -> dict[str, float]:
    if at is None:
        return {}
    return retrievabilities(scheduler, states, at)


def interview_readiness(cards: Sequence[CardLike], recall_now: dict[str, float], on_day: dict[str, float],
                        interview: Interview) -> dict[str, Any]:
    """The readiness keys this adds: `interview_date`, `days_left`, `today`, `topics`."""
    per_topic: dict[str, list[str]] = defaultdict(list)
    for c in cards:
        if not c.id.startswith("gen-"):
            per_topic[c.topic].append(c.id)
    marks: dict[str, list[ChallengeMark]] = defaultdict(list)
    for m in interview.challenges:
        marks[m.topic].append(m)
    topics = [t for t in TOPICS if t in per_topic or t in marks] + sorted((set(per_topic) | set(marks)) - set(TOPICS))
    dated = interview.at is not None
    return {
        "interview_date": interview.day.isoformat() if interview.day else None,
        "days_left": interview.days_left,
        "today": interview.today,
        "topics": [_topic(t, per_topic[t], marks[t], recall_now, on_day if dated else None) for t in topics],
    }


def _topic(topic: str, ids: list[str], marks: list[ChallengeMark], now: dict[str, float],
           on_day: dict[str, float] | None) -> dict[str, Any]:
    def mean(values: dict[str, float]) -> float | None:
        return round(sum(values.get(i, 0.0) for i in ids) / len(ids), 3) if ids else None

    return {"topic": topic, "title": topic_title(topic), "cards": len(ids), "recall_now": mean(now),
            "recall_on_day": mean(on_day) if on_day is not None else None,
            "challenges": len(marks), "solved": sum(1 for m in marks if m.solved),
            "due": sum(1 for m in marks if m.due)}


def countdown_text(readiness: dict[str, Any]) -> str | None:
    """'Interview in 9 days (2026-12-10) · today's plan done' or None with no date set."""
    day, left, today = readiness.get("interview_date"), readiness.get("days_left"), readiness.get("today")
    if day is None or left is None:
        return None
    if left < 0:
        return f"The interview of {day} has passed."
    if left == 0:
        return f"Interview today ({day})."
    head = f"Interview in {left} day{'s' if left != 1 else ''} ({day})"
    if not today:
        return head
    if today.get("done"):
        return f"{head} · today's plan is done"
    return (f"{head} · today's plan not done: new cards {today['new_cards_done']}/{today['new_cards_planned']}, "
            f"cards due {today['due_cards']}, new challenges {today['new_challenges_done']}/"
            f"{today['new_challenges_planned']}, challenges due {today['due_challenges']}")


def readiness_html(readiness: dict[str, Any], most_asked: Sequence[dict[str, Any]] = ()) -> str:
    """The readiness section of the HTML page: the countdown, one row per topic, the most-asked questions."""
    rows = readiness.get("topics") or []
    if not rows:
        return ""
    dated = readiness.get("interview_date") is not None
    head = countdown_text(readiness)
    out = [f"<p data-key='countdown'>{escape(head)}</p>" if head else
           "<p class='note'>No interview date: <code>drill plan --interview DATE</code> sets one.</p>"]
    if readiness.get("last_mock_score") is not None:
        out.append(f"<p data-key='last_mock_score'>Last mock interview: {readiness['last_mock_score']:.0%}</p>")
    out.append("<table><tr><th>topic</th><th class='n'>recall now</th>"
               + ("<th class='n'>on the day</th>" if dated else "")
               + "<th class='n'>challenges solved</th><th class='n'>due</th></tr>")
    for t in rows:
        day = f"<td class='n'>{_pct(t['recall_on_day'])}</td>" if dated else ""
        out.append(f"<tr data-topic='{escape(t['topic'])}'><td>{escape(t['title'])}</td>"
                   f"<td class='n'>{_pct(t['recall_now'])}</td>{day}"
                   f"<td class='n'>{t['solved']}/{t['challenges']}</td><td class='n'>{t['due']}</td></tr>")
    out.append("</table>")
    if most_asked:
        out.append("<table><tr><th>★ most-asked question</th><th class='n'>recall now</th>"
                   + ("<th class='n'>on the day</th>" if dated else "") + "</tr>")
        for m in most_asked:
            day = f"<td class='n'>{_pct(m.get('recall_on_day'))}</td>" if dated else ""
            out.append(f"<tr data-id='{escape(m['id'])}'><td>{escape(m['prompt'])}</td>"
                       f"<td class='n'>{_pct(m.get('recall_now'))}</td>{day}</tr>")
        out.append("</table>")
    out.append("<p class='note'>Predicted recall over each topic's cards, a card not seen yet counting as 0; on "
               "the day: if nothing more is studied.</p>")
    return "".join(out)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"
