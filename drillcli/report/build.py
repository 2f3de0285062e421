"""The progress report as plain data: what is learned, what is weak, what is due, how coding goes."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import fsrs

from drillcli.bank.schema import CardBase
from drillcli.bank.topics import TOPICS, topic_title
from drillcli.store.models import Attempt, CardState, from_ts
from drillcli.study.queue import end_of_day
from drillcli.study.scheduler import retrievability


@dataclass(frozen=True)
class TopicRow:
    topic: str
    title: str
    cards: int
    reviewed: int
    retention: float | None
    due: int
    mastered: int


@dataclass(frozen=True)
class WeakCard:
    id: str
    topic: str
    lapses: int
    retrievability: float
    leech: bool


@dataclass(frozen=True)
class ChallengeRow:
    id: str
    attempts: int
    solved: bool
    best_ms: float | None
    last_verdict: str


@dataclass(frozen=True)
class ChallengeStats:
    attempted: int
    solved: int
    attempts: int
    available: int = 0
    timed_solved: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    by_challenge: list[ChallengeRow] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    generated_at: str
    days: int
    reviews_total: int
    reviews_in_period: int
    cards: dict[str, int]
    due_today: int
    topics: list[TopicRow]
    challenges: ChallengeStats
    streak_days: int
    weak: list[WeakCard]
    leeches: int
    daily: list[dict[str, Any]]
    forecast: list[dict[str, Any]]
    most_asked: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewRow:
    card_id: str
    rating: int
    at: datetime
    state_before: str | None


def build_report(
    cards: Sequence[CardBase],
    states: dict[str, CardState],
    reviews: Iterable[ReviewRow],
    attempts: Sequence[Attempt],
    challenge_ids: Sequence[str],
    now: datetime,
    days: int = 30,
    scheduler: fsrs.Scheduler | None = None,
) -> Report:
    """Pure aggregation: everything comes in, `now` included."""
    scheduler = scheduler or fsrs.Scheduler(enable_fuzzing=False)
    by_id = {c.id: c for c in cards}
    live_states = {cid: s for cid, s in states.items() if cid in by_id}
    period_start = now - timedelta(days=days)
    review_list = list(reviews)
    in_period = [r for r in review_list if r.at >= period_start]
    return Report(
        generated_at=now.isoformat(timespec="seconds"),
        days=days,
        reviews_total=len(review_list),
        reviews_in_period=len(in_period),
        cards=_card_counts(by_id, live_states),
        due_today=sum(1 for s in live_states.values() if s.due < end_of_day(now)),
        topics=_topics(cards, live_states, in_period, now),
        challenges=_challenges(attempts, challenge_ids),
        streak_days=streak(_active_days(review_list, attempts), now),
        weak=_weak(by_id, live_states, scheduler, now),
        leeches=sum(1 for s in live_states.values() if s.is_leech),
        daily=_daily(in_period, now, days),
        forecast=_forecast(live_states, now),
        most_asked=[{"id": c.id, "topic": c.topic,
                     "state": live_states[c.id].state if c.id in live_states else "new"}
                    for c in cards if c.most_asked],
    )


def _card_counts(by_id: dict[str, CardBase], states: dict[str, CardState]) -> dict[str, int]:
    counts = Counter(s.state for s in states.values())
    return {"new": len(by_id) - len(states), "learning": counts["learning"], "review": counts["review"],
            "relearning": counts["relearning"]}


def _topics(cards: Sequence[CardBase], states: dict[str, CardState], period: list[ReviewRow],
            now: datetime) -> list[TopicRow]:
    topic_of = {c.id: c.topic for c in cards}
    passed: dict[str, list[bool]] = defaultdict(list)
    for r in period:
        if r.state_before == "review" and r.card_id in topic_of:
            passed[topic_of[r.card_id]].append(r.rating > 1)
    per_topic: dict[str, list[CardBase]] = defaultdict(list)
    for c in cards:
        per_topic[c.topic].append(c)
    rows = []
    for topic in [t for t in TOPICS if t in per_topic] + sorted(set(per_topic) - set(TOPICS)):
        members = per_topic[topic]
        seen = [states[c.id] for c in members if c.id in states]
        outcomes = passed.get(topic, [])
        rows.append(TopicRow(
            topic=topic, title=topic_title(topic), cards=len(members), reviewed=len(seen),
            retention=round(sum(outcomes) / len(outcomes), 3) if outcomes else None,
            due=sum(1 for s in seen if s.due <= now),
            mastered=sum(1 for s in seen if s.state == "review" and (s.stability or 0) >= 21),
        ))
    return rows


def _challenges(attempts: Sequence[Attempt], challenge_ids: Sequence[str]) -> ChallengeStats:
    per: dict[str, list[Attempt]] = defaultdict(list)
    for a in attempts:
        per[a.challenge_id].append(a)
    rows = []
    for cid, tries in sorted(per.items()):
        accepted = [a for a in tries if a.verdict == "accepted"]
        rows.append(ChallengeRow(cid, len(tries), bool(accepted),
                                 min((a.elapsed_ms for a in accepted), default=None), tries[-1].verdict))
    return ChallengeStats(
        attempted=len(per),
        solved=sum(1 for r in rows if r.solved),
        attempts=len(attempts),
        available=len(challenge_ids),
        timed_solved=len({a.challenge_id for a in attempts if a.timed and a.verdict == "accepted"}),
        verdicts=dict(Counter(a.verdict for a in attempts)),
        by_challenge=rows,
    )


def _active_days(reviews: list[ReviewRow], attempts: Sequence[Attempt]) -> set[date]:
    days = {r.at.astimezone().date() for r in reviews}
    days |= {a.finished_at.astimezone().date() for a in attempts}
    return days


def streak(active: set[date], now: datetime) -> int:
    """Consecutive days with practice, ending today (or yesterday, if today has none yet)."""
    day = now.astimezone().date()
    if day not in active:
        day -= timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count


def _weak(by_id: dict[str, CardBase], states: dict[str, CardState], scheduler: fsrs.Scheduler,
          now: datetime, top: int = 10) -> list[WeakCard]:
    scored = []
    for cid, s in states.items():
        if s.reps == 0:
            continue
        r = retrievability(scheduler, s, now)
        if s.lapses or r < 0.8:
            scored.append(WeakCard(cid, by_id[cid].topic, s.lapses, round(r, 3), s.is_leech))
    scored.sort(key=lambda w: (-w.lapses, w.retrievability))
    return scored[:top]


def _daily(period: list[ReviewRow], now: datetime, days: int) -> list[dict[str, Any]]:
    counts = Counter(r.at.astimezone().date() for r in period)
    today = now.astimezone().date()
    span = min(days, 30)
    return [{"date": (today - timedelta(days=i)).isoformat(), "reviews": counts[today - timedelta(days=i)]}
            for i in reversed(range(span))]


def _forecast(states: dict[str, CardState], now: datetime, days: int = 7) -> list[dict[str, Any]]:
    today = now.astimezone().date()
    counts = Counter(max(s.due.astimezone().date(), today) for s in states.values())
    return [{"date": (today + timedelta(days=i)).isoformat(), "due": counts[today + timedelta(days=i)]}
            for i in range(days)]


def review_rows(raw: Iterable[tuple[str, int, float, str | None]]) -> list[ReviewRow]:
    return [ReviewRow(card_id, rating, from_ts(ts), before) for card_id, rating, ts, before in raw]
