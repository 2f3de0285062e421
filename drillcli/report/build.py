"""The progress report as plain data: what is learned, what is weak, what is due, how coding goes."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import fsrs

from drillcli.bank.topics import TOPICS, topic_title
from drillcli.report.cardlike import CardLike
from drillcli.report.readiness import Interview, interview_readiness, recall_on
from drillcli.report.review_stats import (
    HEATMAP_WEEKS,
    RECENT_DAYS,
    ReviewRow,
    ReviewStats,
    first_window_day,
    stats_from_rows,
    window_days,
)
from drillcli.store.models import Attempt, CardState
from drillcli.study.queue import end_of_day
from drillcli.study.scheduler import retrievabilities

Prompts = Callable[[list[str]], dict[str, str]]  # card ids -> their prompts, built only for what is shown

__all__ = ["HEATMAP_WEEKS", "RECENT_DAYS", "Report", "ReviewRow", "ReviewStats", "build_report", "window_days"]

FORECAST_DAYS = 14
MASTERED_STABILITY_DAYS = 21
WEAK_RECALL = 0.85


@dataclass(frozen=True)
class TopicRow:
    topic: str
    title: str
    cards: int
    reviewed: int
    retention: float | None  # share of reviews of review-state cards passed in the period
    due: int
    mastered: int  # cards in review whose stability is 21 days or more
    recall_now: float | None = None  # mean predicted recall of the seen cards, now
    mastery: float = 0.0  # mastered / cards


@dataclass(frozen=True)
class WeakCard:
    id: str
    topic: str
    lapses: int
    retrievability: float
    leech: bool
    prompt: str = ""
    recent_fails: int = 0  # Again in the last 30 days, learning steps included


@dataclass(frozen=True)
class ChallengeRow:
    id: str
    attempts: int
    solved: bool
    best_ms: float | None
    last_verdict: str
    best_solve_s: float | None = None  # fastest timed solve, from the challenge's start to the accepted save
    best_ratio: float | None = None  # best runtime against the reference's (1.0 = as fast)
    minutes: float | None = None  # the countdown of that solve


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
    most_asked: list[dict[str, Any]]
    heatmap: list[dict[str, Any]] = field(default_factory=list)
    recall_now: float | None = None
    readiness: dict[str, Any] = field(default_factory=dict)
    mocks: list[dict[str, Any]] = field(default_factory=list)  # mock interviews, oldest first (report.mocks)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_report(
    cards: Sequence[CardLike],
    states: dict[str, CardState],
    reviews: ReviewStats | Iterable[ReviewRow],
    attempts: Sequence[Attempt],
    challenge_ids: Sequence[str],
    now: datetime,
    days: int = 30,
    scheduler: fsrs.Scheduler | None = None,
    prompts: Prompts | None = None,
    interview: Interview | None = None,
) -> Report:
    """Pure aggregation: everything comes in, `now` included. `reviews` is the review log grouped
    (`ReviewStats`, as SQLite groups a long history) or its rows (every one, or at least those of the period,
    the last 30 days and the heatmap's window)."""
    scheduler = scheduler or fsrs.Scheduler(enable_fuzzing=False)
    stats = reviews if isinstance(reviews, ReviewStats) else stats_from_rows(reviews, now, days)
    by_id = {c.id: c for c in cards}
    prompt_of = prompts or (lambda ids: {i: str(getattr(by_id[i], "prompt", i)) for i in ids})
    live_states = {cid: s for cid, s in states.items() if cid in by_id}
    recall = retrievabilities(scheduler, live_states, now)
    interview = interview or Interview()
    on_day = recall_on(scheduler, live_states, interview.at)  # predicted recall on the interview day
    tomorrow = end_of_day(now)
    return Report(
        generated_at=now.isoformat(timespec="seconds"),
        days=days,
        reviews_total=stats.total,
        reviews_in_period=stats.in_period,
        cards=_card_counts(by_id, live_states),
        due_today=sum(1 for s in live_states.values() if s.due < tomorrow),
        topics=_topics(cards, live_states, stats.outcomes, now, recall),
        challenges=_challenges(attempts, challenge_ids),
        streak_days=streak(_active_days(stats, attempts), now),
        weak=_weak(by_id, live_states, recall, stats.recent_fails, prompt_of),
        leeches=sum(1 for s in live_states.values() if s.is_leech),
        daily=_daily(stats.per_day, now, days),
        forecast=_forecast(live_states, now, FORECAST_DAYS),
        most_asked=_most_asked(cards, live_states, recall, on_day, interview, prompt_of),
        heatmap=_heatmap(stats.per_day, attempts, now),
        recall_now=round(sum(recall.values()) / len(recall), 3) if recall else None,
        readiness=_readiness(cards, recall) | interview_readiness(cards, recall, on_day, interview),
    )


ASKED_WEIGHT = {"high": 3, "medium": 2, "low": 1}


def _readiness(cards: Sequence[CardLike], recall: dict[str, float]) -> dict[str, Any]:
    """Predicted recall over the whole bank, a card not seen yet counting as 0, each card weighted by how
    often interviews ask it (high 3, medium 2, low 1); and the same per frequency level."""
    levels: dict[str, list[float]] = defaultdict(list)
    for c in cards:
        if not c.id.startswith("gen-"):
            levels[str(c.asked)].append(recall.get(c.id, 0.0))
    weight = sum(ASKED_WEIGHT.get(k, 2) * len(v) for k, v in levels.items())
    score = sum(ASKED_WEIGHT.get(k, 2) * sum(v) for k, v in levels.items())
    return {"score": round(score / weight, 3) if weight else 0.0,
            "by_asked": {k: {"cards": len(levels[k]), "seen": sum(1 for x in levels[k] if x > 0),
                             "recall": round(sum(levels[k]) / len(levels[k]), 3) if levels[k] else 0.0}
                         for k in ("high", "medium", "low") if k in levels}}


def _most_asked(cards: Sequence[CardLike], states: dict[str, CardState], recall: dict[str, float],
                on_day: dict[str, float], interview: Interview, prompt_of: Prompts) -> list[dict[str, Any]]:
    chosen = [c for c in cards if c.most_asked]
    prompts = prompt_of([c.id for c in chosen])
    return [_most_asked_row(c, prompts.get(c.id, c.id), states.get(c.id), recall.get(c.id),
                            on_day.get(c.id, 0.0 if interview.at else None)) for c in chosen]


def _most_asked_row(card: CardLike, prompt: str, state: CardState | None, recall: float | None,
                    on_day: float | None = None) -> dict[str, Any]:
    return {"id": card.id, "topic": card.topic, "prompt": prompt,
            "state": state.state if state else "new",
            "recall_now": round(recall, 3) if recall is not None else None,
            "due": state.due.isoformat(timespec="minutes") if state else None,
            "recall_on_day": round(on_day, 3) if on_day is not None else None}  # None: no interview date


def _card_counts(by_id: dict[str, CardLike], states: dict[str, CardState]) -> dict[str, int]:
    counts = Counter(s.state for s in states.values())
    return {"new": len(by_id) - len(states), "learning": counts["learning"], "review": counts["review"],
            "relearning": counts["relearning"]}


def _topics(cards: Sequence[CardLike], states: dict[str, CardState], outcomes: dict[str, tuple[int, int]],
            now: datetime, recall: dict[str, float]) -> list[TopicRow]:
    """Retention: the share of the period's reviews of cards in the review state that were passed."""
    topic_of = {c.id: c.topic for c in cards}
    passed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cid, (ok, n) in outcomes.items():
        if cid in topic_of:
            passed[topic_of[cid]][0] += ok
            passed[topic_of[cid]][1] += n
    per_topic: dict[str, list[CardLike]] = defaultdict(list)
    for c in cards:
        per_topic[c.topic].append(c)
    rows = []
    for topic in [t for t in TOPICS if t in per_topic] + sorted(set(per_topic) - set(TOPICS)):
        members = per_topic[topic]
        seen = [states[c.id] for c in members if c.id in states]
        ok, n = passed.get(topic, (0, 0))
        recalls = [recall[c.id] for c in members if c.id in recall]
        mastered = sum(1 for s in seen if s.state == "review" and (s.stability or 0) >= MASTERED_STABILITY_DAYS)
        rows.append(TopicRow(
            topic=topic, title=topic_title(topic), cards=len(members), reviewed=len(seen),
            retention=round(ok / n, 3) if n else None,
            due=sum(1 for s in seen if s.due <= now),
            mastered=mastered,
            recall_now=round(sum(recalls) / len(recalls), 3) if recalls else None,
            mastery=round(mastered / len(members), 3) if members else 0.0,
        ))
    return rows


def _challenges(attempts: Sequence[Attempt], challenge_ids: Sequence[str]) -> ChallengeStats:
    per: dict[str, list[Attempt]] = defaultdict(list)
    for a in attempts:
        per[a.challenge_id].append(a)
    rows = [_challenge_row(cid, tries) for cid, tries in sorted(per.items())]
    return ChallengeStats(
        attempted=len(per),
        solved=sum(1 for r in rows if r.solved),
        attempts=len(attempts),
        available=len(set(challenge_ids) | set(per)),  # a challenge of a bank since removed still counts
        timed_solved=len({a.challenge_id for a in attempts if a.timed and a.verdict == "accepted"}),
        verdicts=dict(Counter(a.verdict for a in attempts)),
        by_challenge=rows,
    )


def _challenge_row(cid: str, tries: list[Attempt]) -> ChallengeRow:
    accepted = [a for a in tries if a.verdict == "accepted"]
    timed = [a for a in accepted if a.timed]
    fastest = min(timed, key=lambda a: a.finished_at - a.started_at, default=None)
    ratios = [a.runtime_ratio for a in accepted if a.runtime_ratio]
    return ChallengeRow(
        cid, len(tries), bool(accepted), min((a.elapsed_ms for a in accepted), default=None), tries[-1].verdict,
        best_solve_s=round((fastest.finished_at - fastest.started_at).total_seconds(), 1) if fastest else None,
        best_ratio=round(min(ratios), 2) if ratios else None,
        minutes=fastest.minutes if fastest else None,
    )


def attempt_days(attempts: Sequence[Attempt]) -> set[date]:
    """The local days on which a challenge attempt ended."""
    return {a.finished_at.astimezone().date() for a in attempts}


def _active_days(stats: ReviewStats, attempts: Sequence[Attempt]) -> set[date]:
    return {d for d, n in stats.per_day.items() if n} | set(stats.earlier_days) | attempt_days(attempts)


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


def _weak(by_id: dict[str, CardLike], states: dict[str, CardState], recall: dict[str, float],
          fails: dict[str, int], prompt_of: Prompts, top: int = 10) -> list[WeakCard]:
    """Cards that are actually weak: predicted recall now below 85%, or forgotten (Again) in the last 30
    days, learning steps included. A card whose recall is effectively certain is never listed."""
    scored = []
    for cid, s in states.items():
        r = recall[cid]
        if r >= 0.995 or not (r < WEAK_RECALL or fails.get(cid)):
            continue
        scored.append(WeakCard(cid, by_id[cid].topic, s.lapses, round(r, 3), s.is_leech,
                               recent_fails=fails.get(cid, 0)))
    scored.sort(key=lambda w: (w.retrievability - 0.1 * w.recent_fails - 0.05 * w.lapses, w.id))
    prompts = prompt_of([w.id for w in scored[:top]])
    return [replace(w, prompt=prompts.get(w.id, w.id)) for w in scored[:top]]


def _heatmap(per_day: dict[date, int], attempts: Sequence[Attempt], now: datetime) -> list[dict[str, Any]]:
    """One entry per local day of the last 12 weeks, starting on a Monday: reviews and challenges solved."""
    span = window_days(now)
    first = first_window_day(now)
    solves = Counter(a.finished_at.astimezone().date() for a in attempts if a.verdict == "accepted")
    return [{"date": (first + timedelta(days=i)).isoformat(), "reviews": per_day.get(first + timedelta(days=i), 0),
             "solves": solves[first + timedelta(days=i)]} for i in range(span)]


def _daily(per_day: dict[date, int], now: datetime, days: int) -> list[dict[str, Any]]:
    """Reviews on each of the period's last (at most 30) local days; each of those days lies in the period."""
    today = now.astimezone().date()
    span = min(days, 30)
    return [{"date": (today - timedelta(days=i)).isoformat(), "reviews": per_day.get(today - timedelta(days=i), 0)}
            for i in reversed(range(span))]


def _forecast(states: dict[str, CardState], now: datetime, days: int = FORECAST_DAYS) -> list[dict[str, Any]]:
    """Cards due on each of the next `days` local days, today counting everything overdue."""
    today = now.astimezone().date()
    ends = [datetime.combine(today + timedelta(days=i + 1), time()).astimezone().astimezone(timezone.utc)
            for i in range(days)]  # local midnights, in UTC as the states' due times are (a faster comparison)
    counts = Counter(bisect_right(ends, s.due) for s in states.values())
    return [{"date": (today + timedelta(days=i)).isoformat(), "due": counts[i]} for i in range(days)]
