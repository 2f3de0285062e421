"""A mock interview as plain data: which questions, the one overall timer, and the scorecard. Pure: the
cards, their states, `now` and a seed come in.

A mock runs as a real interview does: 3-4 questions to explain out loud (at least one of the most-asked),
2 quick numeric questions with typed answers, then one coding challenge, all under one clock. Each answer
becomes an `Item`; `scorecard()` turns the plan and the items into points per answer, a score per area
and an overall score, whether the mock ran to its end or was stopped halfway (an item never reached scores 0).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from enum import StrEnum

import fsrs

from drillcli.bank.challenges import Challenge
from drillcli.bank.vocab import ASKED_ORDER
from drillcli.store import mocks as mocks_sql
from drillcli.store.mocks import MockItemRow
from drillcli.store.models import Attempt, CardState
from drillcli.store.repo import Store
from drillcli.study.picking import pick_challenge
from drillcli.study.queue import Queueable
from drillcli.study.scheduler import make_scheduler, review

DEFAULT_MINUTES = 45.0
LONG_MOCK_MINUTES = 40.0  # from this length on, 4 questions to explain instead of 3
NUMERIC_QUESTIONS = 2
MIN_CODING_MINUTES = 3.0  # less than this left: the challenge is not started (it could not be done)
TARGET_EXPLAIN_S = 180.0  # an explanation longer than this would lose an interviewer
NICE_WEIGHT = 0.5  # a nice-to-have point counts half a must point
HINT_COST = 0.1  # each hint taken off an accepted solution's score
MIN_ACCEPTED_SCORE = 0.6
PARTIAL_CODE_WEIGHT = 0.5  # a solution not accepted earns at most this, by the share of tests passed
AREA_WEIGHTS = {"explain": 0.4, "numeric": 0.2, "coding": 0.4}
STRONG, FAIR = 0.8, 0.5


class Area(StrEnum):
    EXPLAIN = "explain"
    NUMERIC = "numeric"
    CODING = "coding"


class MockStatus(StrEnum):
    RUNNING = "running"  # still going, or the process was killed before it could say
    DONE = "done"  # every question answered
    TIME_UP = "time_up"  # the overall timer ran out first
    STOPPED = "stopped"  # the user stopped it (Ctrl-C): what was answered is kept


class ItemStatus(StrEnum):
    PENDING = "pending"  # not reached
    ANSWERED = "answered"
    SKIPPED = "skipped"  # not started: too little time left


class Level(StrEnum):
    STRONG = "strong"
    FAIR = "fair"
    WEAK = "weak"


# --- the plan ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    area: Area
    item_id: str  # a card id, a generated family id, or a challenge id


@dataclass(frozen=True)
class MockPlan:
    items: list[Planned]
    minutes: float
    topic: str | None
    seed: int
    notes: list[str] = field(default_factory=list)  # what could not be had (no most-asked question in a topic)

    def of(self, area: Area) -> list[Planned]:
        return [p for p in self.items if p.area is area]


def explain_count(minutes: float) -> int:
    return 4 if minutes >= LONG_MOCK_MINUTES else 3


def plan_mock(cards: Sequence[Queueable], states: dict[str, CardState], challenges: Sequence[Challenge],
              attempts: Sequence[Attempt], now: datetime, *, minutes: float = DEFAULT_MINUTES,
              topic: str | None = None, seed: int = 0, challenge_order: Sequence[str] | None = None) -> MockPlan:
    """Questions as an interviewer would pick them: often-asked ones first, preferring what is due or new
    over what was just reviewed, ties broken by `seed`. One of the most-asked questions is always among
    those to explain (when the topic has one); a challenge of the topic if it has any, else of any topic:
    the first of `challenge_order` (the challenge schedule's ranking: due, then new), else the unsolved
    one tried least."""
    rng = random.Random(seed)
    pool = [c for c in cards if topic is None or c.topic == topic]
    notes: list[str] = []
    explain = _pick_explain(pool, states, now, rng, explain_count(minutes), notes)
    numeric = _ranked([c for c in pool if _type(c) == "numeric"], states, now, rng)[:NUMERIC_QUESTIONS]
    if len(explain) < explain_count(minutes):
        notes.append(f"only {len(explain)} question{'s' if len(explain) != 1 else ''} to explain"
                     + (f" in {topic}" if topic else ""))
    if len(numeric) < NUMERIC_QUESTIONS:
        notes.append(f"only {len(numeric)} numeric question{'s' if len(numeric) != 1 else ''}"
                     + (f" in {topic}" if topic else ""))
    items = [Planned(Area.EXPLAIN, c.id) for c in explain] + [Planned(Area.NUMERIC, c.id) for c in numeric]
    challenge = _pick_coding(challenges, attempts, now, topic, notes, challenge_order)
    if challenge is not None:
        items.append(Planned(Area.CODING, challenge.id))
    return MockPlan(items=items, minutes=minutes, topic=topic, seed=seed, notes=notes)


def _type(card: Queueable) -> str:
    return str(getattr(card, "type", ""))


def _pick_explain(pool: Sequence[Queueable], states: dict[str, CardState], now: datetime, rng: random.Random,
                  count: int, notes: list[str]) -> list[Queueable]:
    ranked = _ranked([c for c in pool if _type(c) == "explain"], states, now, rng)
    top = [c for c in ranked if c.most_asked]
    if not top:
        if ranked:
            notes.append("no most-asked question in this topic")
        return ranked[:count]
    first = top[0]
    rest = [c for c in ranked if c.id != first.id][: count - 1]
    chosen = [first, *rest]
    rng.shuffle(chosen)  # the most-asked one is not always first, as in a real interview
    return chosen


def _ranked(cards: Sequence[Queueable], states: dict[str, CardState], now: datetime,
            rng: random.Random) -> list[Queueable]:
    """Due or new before not yet due; then by how often interviews ask; then by the seed."""
    jitter = {c.id: rng.random() for c in cards}

    def key(c: Queueable) -> tuple[int, int, float]:
        state = states.get(c.id)
        fresh = state is None or state.due <= now
        return (0 if fresh else 1, ASKED_ORDER[c.asked], jitter[c.id])

    return sorted(cards, key=key)


def _pick_coding(challenges: Sequence[Challenge], attempts: Sequence[Attempt], now: datetime,
                 topic: str | None, notes: list[str], order: Sequence[str] | None) -> Challenge | None:
    if not challenges:
        notes.append("no coding challenge in the bank")
        return None
    mine = [c for c in challenges if topic is None or c.meta.topic == topic]
    if not mine:
        notes.append(f"no challenge in {topic}: one of another topic")
        mine = list(challenges)
    if order:
        rank = {cid: i for i, cid in enumerate(order)}
        return min(mine, key=lambda c: rank.get(c.id, len(rank)))
    return pick_challenge(mine, attempts, now)


# --- the timer -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MockTimer:
    """One clock for the whole mock."""

    started_at: datetime
    minutes: float

    @property
    def ends_at(self) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes)

    def left_s(self, now: datetime) -> float:
        return max(0.0, (self.ends_at - now).total_seconds())

    def is_up(self, now: datetime) -> bool:
        return self.left_s(now) <= 0

    def coding_minutes(self, challenge_minutes: float, now: datetime) -> float | None:
        """The challenge's countdown: its own limit, or what is left of the mock if less; None when too
        little is left to start it."""
        left = self.left_s(now) / 60
        if left < MIN_CODING_MINUTES:
            return None
        return min(float(challenge_minutes), left)


# --- answers ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One planned question and, once answered, how it went. Fields not of its area stay at their default."""

    position: int
    area: Area
    item_id: str
    status: ItemStatus = ItemStatus.PENDING
    seconds: float = 0.0
    title: str = ""  # the prompt or the challenge's title, for the scorecard
    # explain
    must_made: int = 0
    must_total: int = 0
    nice_made: int = 0
    nice_total: int = 0
    # numeric
    correct: bool = False
    typed: str = ""
    expected: str = ""
    # explain and numeric: the grade given to the card
    rating: int | None = None
    # coding
    outcome: str = ""  # accepted, gave_up, time_up, stopped, grader_failed
    verdict: str = ""
    passed: int = 0
    total: int = 0
    hints: int = 0
    minutes: float = 0.0  # the countdown it had

    @property
    def answered(self) -> bool:
        return self.status is ItemStatus.ANSWERED


def finished(item: Item) -> bool:
    """Answered to the end: a challenge stopped halfway (Ctrl-C) is saved, but not finished."""
    return item.answered and not (item.area is Area.CODING and item.outcome == "stopped")


def pending_items(plan: MockPlan) -> list[Item]:
    return [Item(position=i, area=p.area, item_id=p.item_id) for i, p in enumerate(plan.items)]


def explained(item: Item, *, must_made: int, must_total: int, nice_made: int, nice_total: int,
              seconds: float, rating: int, title: str = "") -> Item:
    return replace(item, status=ItemStatus.ANSWERED, must_made=must_made, must_total=must_total,
                   nice_made=nice_made, nice_total=nice_total, seconds=seconds, rating=rating,
                   title=title or item.title)


def typed_answer(item: Item, *, correct: bool, typed: str, expected: str, seconds: float, rating: int,
                 title: str = "") -> Item:
    return replace(item, status=ItemStatus.ANSWERED, correct=correct, typed=typed, expected=expected,
                   seconds=seconds, rating=rating, title=title or item.title)


def coded(item: Item, *, outcome: str, verdict: str, passed: int, total: int, hints: int, seconds: float,
          minutes: float, title: str = "") -> Item:
    return replace(item, status=ItemStatus.ANSWERED, outcome=outcome, verdict=verdict, passed=passed,
                   total=total, hints=hints, seconds=seconds, minutes=minutes, title=title or item.title)


def skipped(item: Item) -> Item:
    return replace(item, status=ItemStatus.SKIPPED)


# --- scoring ---------------------------------------------------------------------------------------------------

def item_score(item: Item) -> float:
    """0..1. Explain: points made, a nice point half a must point. Numeric: right or wrong. Coding:
    accepted is 1 less 0.1 a hint (0.6 at least); otherwise half the share of tests passed."""
    if not item.answered:
        return 0.0
    if item.area is Area.EXPLAIN:
        possible = item.must_total + NICE_WEIGHT * item.nice_total
        made = item.must_made + NICE_WEIGHT * item.nice_made
        return made / possible if possible else 0.0
    if item.area is Area.NUMERIC:
        return 1.0 if item.correct else 0.0
    if item.outcome == "accepted":
        return max(MIN_ACCEPTED_SCORE, 1.0 - HINT_COST * item.hints)
    return PARTIAL_CODE_WEIGHT * item.passed / item.total if item.total else 0.0


@dataclass(frozen=True)
class AreaScore:
    area: Area
    score: float
    level: Level
    verdict: str  # one short sentence
    answered: int
    planned: int


@dataclass(frozen=True)
class Scorecard:
    items: list[Item]
    areas: list[AreaScore]
    score: float
    level: Level
    verdict: str
    status: MockStatus
    seconds: float  # the mock's length, as it ran


def level_of(score: float) -> Level:
    if score >= STRONG:
        return Level.STRONG
    return Level.FAIR if score >= FAIR else Level.WEAK


def scorecard(items: Sequence[Item], status: MockStatus, seconds: float) -> Scorecard:
    """The mock's result. An area's score is the mean over its planned items (one not reached counts 0);
    the overall score weighs explain 40%, numeric 20%, coding 40% (over the areas planned)."""
    areas = [_area_score(area, [i for i in items if i.area is area]) for area in Area]
    areas = [a for a in areas if a.planned]
    weight = sum(AREA_WEIGHTS[a.area] for a in areas)
    score = sum(AREA_WEIGHTS[a.area] * a.score for a in areas) / weight if weight else 0.0
    level = level_of(score)
    return Scorecard(items=list(items), areas=areas, score=round(score, 4), level=level,
                     verdict=_overall_verdict(level, status, items, areas), status=status, seconds=seconds)


def _area_score(area: Area, items: list[Item]) -> AreaScore:
    score = sum(item_score(i) for i in items) / len(items) if items else 0.0
    answered = [i for i in items if i.answered]
    level = level_of(score)
    return AreaScore(area, round(score, 4), level, _area_verdict(area, items, answered),
                     len(answered), len(items))


def _area_verdict(area: Area, items: list[Item], answered: list[Item]) -> str:
    if not answered:
        return "not reached" if items else ""
    unreached = f"; {len(items) - len(answered)} not reached" if len(answered) < len(items) else ""
    if area is Area.EXPLAIN:
        made = sum(i.must_made for i in answered)
        total = sum(i.must_total for i in answered)
        mean = sum(i.seconds for i in answered) / len(answered)
        long = sum(1 for i in answered if i.seconds > TARGET_EXPLAIN_S)
        pace = f", {long} over {TARGET_EXPLAIN_S / 60:.0f} min" if long else ""
        return f"{made}/{total} must points made, {clock(mean)} per answer{pace}{unreached}"
    if area is Area.NUMERIC:
        right = sum(1 for i in answered if i.correct)
        return f"{right} of {len(answered)} right{unreached}"
    return _coding_verdict(answered[0])


def _coding_verdict(item: Item) -> str:
    hints = f" with {item.hints} hint{'s' if item.hints != 1 else ''}" if item.hints else ", no hints"
    if item.outcome == "accepted":
        return f"accepted in {clock(item.seconds)} of {item.minutes:g} min{hints}"
    tests = f", {item.passed}/{item.total} tests" if item.total else ", nothing graded"
    how = {"gave_up": "given up", "time_up": "time up", "stopped": "stopped",
           "grader_failed": "the grader failed"}.get(item.outcome, item.outcome)
    verdict = f" ({item.verdict})" if item.verdict and item.verdict != "accepted" else ""
    return f"{how}{verdict}{tests}{hints}"


def _overall_verdict(level: Level, status: MockStatus, items: Sequence[Item], areas: Sequence[AreaScore]) -> str:
    done = sum(1 for i in items if finished(i))
    if status is MockStatus.STOPPED:
        return f"Stopped after {done} of {len(items)} questions: the score counts the rest as missed."
    weakest = min(areas, key=lambda a: a.score).area if areas else Area.EXPLAIN
    lead = {Level.STRONG: "Interview-ready on this showing.",
            Level.FAIR: f"Close: work on {weakest} before the day.",
            Level.WEAK: f"Not ready yet: drill {weakest} first, then try another mock."}[level]
    if status is MockStatus.TIME_UP:
        return f"Time ran out after {done} of {len(items)} questions. {lead}"
    return lead


def clock(seconds: float) -> str:
    """'2m05s', '45s'."""
    minutes, secs = divmod(max(0, round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


# --- saving as it runs -----------------------------------------------------------------------------------

_KEYS = ("position", "area", "item_id", "status")


def to_row(item: Item) -> MockItemRow:
    detail = {k: v for k, v in asdict(item).items() if k not in _KEYS}
    return MockItemRow(item.position, str(item.area), item.item_id, str(item.status), detail)


def from_row(row: MockItemRow) -> Item:
    known = {f.name for f in fields(Item)} - set(_KEYS)
    detail = {k: v for k, v in row.detail.items() if k in known}
    return Item(position=row.position, area=Area(row.area), item_id=row.item_id, status=ItemStatus(row.status),
                **detail)


class MockRecorder:
    """One mock being run: saved when it starts, each answer saved as it is given (the card's FSRS review
    with it), the score when it ends. Answers to cards count as reviews of those cards (session kind
    "mock"), graded as proposed: a question explained in a mock was recalled, or not, as truly as in a
    card session, and it should not come back tomorrow as if never seen."""

    def __init__(self, store: Store, plan: MockPlan, started_at: datetime,
                 scheduler: fsrs.Scheduler | None = None) -> None:
        self.store = store
        self.plan = plan
        self.timer = MockTimer(started_at, plan.minutes)
        self.scheduler = scheduler or make_scheduler()
        self.items = pending_items(plan)
        self._session_id: int | None = None
        self.mock_id = mocks_sql.start_mock(store.db, started_at=started_at, minutes=plan.minutes,
                                            topic=plan.topic, seed=plan.seed, status=MockStatus.RUNNING,
                                            items=[to_row(i) for i in self.items])

    def record(self, item: Item, now: datetime) -> None:
        """Save one answer (and the card's review, for a card); committed before returning."""
        if item.rating is not None and item.area is not Area.CODING:
            self._review(item, now)
        mocks_sql.save_item(self.store.db, self.mock_id, to_row(item))
        self.items[item.position] = item

    def _review(self, item: Item, now: datetime) -> None:
        assert item.rating is not None
        with self.store.write():
            before = self.store.card_state(item.item_id)
            after = review(self.scheduler, item.item_id, before, item.rating, now)
            if self._session_id is None:
                self._session_id = self.store.insert_session("mock", now)
            self.store.insert_review(rating=item.rating, reviewed_at=now, duration_ms=round(item.seconds * 1000),
                                     before=before, after=after, session_id=self._session_id,
                                     early=before is not None and before.due > now)

    def finish(self, status: MockStatus, now: datetime) -> Scorecard:
        """The scorecard, saved with the mock's end (a question not reached scores 0)."""
        card = scorecard(self.items, status, (now - self.timer.started_at).total_seconds())
        mocks_sql.finish_mock(self.store.db, self.mock_id, finished_at=now, status=status, score=card.score,
                              area_scores={str(a.area): a.score for a in card.areas})
        if self._session_id is not None:
            self.store.end_session(self._session_id, now)
        return card
