"""Which challenges are due, which one `drill code` offers, and which fit in today's drill. Pure: states,
attempts and `now` come in.

A challenge is NEW (never attempted), STARTED (attempted, never rated: the file is resumed), DUE (rated,
and its FSRS due date has come: re-solved from a fresh starter) or SCHEDULED (rated, not due yet). A
challenge solved before challenges had schedules has no state yet: it counts as due since that solve.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from drillcli.bank.vocab import Asked
from drillcli.store.challenge_states import ChallengeReview
from drillcli.store.models import Attempt, CardState

DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
ASKED_SHARE = {Asked.HIGH: 1.0, Asked.MEDIUM: 0.5, Asked.LOW: 0.0}


class ChallengeStatus(StrEnum):
    NEW = "new"
    STARTED = "started"
    DUE = "due"
    SCHEDULED = "scheduled"


class ChallengeLike(Protocol):
    """What scheduling reads of a challenge (a `ChallengeInfo`; a bank `Challenge` gives one with `info`)."""

    @property
    def id(self) -> str: ...

    @property
    def topic(self) -> str: ...

    @property
    def difficulty(self) -> str: ...

    @property
    def minutes(self) -> float: ...


C = TypeVar("C", bound=ChallengeLike)  # a challenge of any kind, given back as it came


@dataclass(frozen=True)
class Standing:
    """Where a challenge stands today."""

    id: str
    status: ChallengeStatus
    due: datetime | None  # when it is due (None: never attempted, or attempted but never rated)
    attempts: int  # graded saves, all attempts together
    solved: bool  # accepted at least once
    best_solve_s: float | None  # fastest timed solve, start to accepted save
    state: CardState | None


def standings(challenges: Sequence[ChallengeLike], states: Mapping[str, CardState], attempts: Iterable[Attempt],
              now: datetime) -> dict[str, Standing]:
    per: dict[str, list[Attempt]] = defaultdict(list)
    for a in attempts:
        per[a.challenge_id].append(a)
    return {c.id: _standing(c.id, states.get(c.id), per.get(c.id, []), now) for c in challenges}


def _standing(cid: str, state: CardState | None, tries: list[Attempt], now: datetime) -> Standing:
    accepted = [a for a in tries if a.verdict == "accepted"]
    timed = [(a.finished_at - a.started_at).total_seconds() for a in accepted if a.timed]
    best = round(min(timed), 1) if timed else None
    if state is not None:
        status = ChallengeStatus.DUE if state.due <= now else ChallengeStatus.SCHEDULED
        return Standing(cid, status, state.due, len(tries), bool(accepted), best, state)
    if accepted:  # solved before challenges had schedules
        due = max(a.finished_at for a in accepted)
        return Standing(cid, ChallengeStatus.DUE, due, len(tries), True, best, None)
    status = ChallengeStatus.STARTED if tries else ChallengeStatus.NEW
    return Standing(cid, status, None, len(tries), False, None, None)


def topic_frequency(cards: Iterable[object]) -> dict[str, float]:
    """How often a topic is asked in interviews, 0..1: the mean of its cards' `asked` (high 1, low 0)."""
    shares: dict[str, list[float]] = defaultdict(list)
    for card in cards:
        asked = Asked(getattr(card, "asked", Asked.MEDIUM))
        shares[str(getattr(card, "topic", ""))].append(ASKED_SHARE[asked])
    return {t: sum(v) / len(v) for t, v in shares.items()}


def pick_next(challenges: Sequence[ChallengeLike], table: Mapping[str, Standing], now: datetime, *,
              topic_recall: Mapping[str, float] | None = None,
              frequency: Mapping[str, float] | None = None) -> ChallengeLike:
    """The challenge to do next: the most overdue; else one started and not finished; else a new one from
    the weakest, most asked topic (easier first); else the one due soonest."""
    return ranked(challenges, table, now, topic_recall=topic_recall, frequency=frequency)[0]


def ranked(challenges: Sequence[ChallengeLike], table: Mapping[str, Standing], now: datetime, *,
           topic_recall: Mapping[str, float] | None = None,
           frequency: Mapping[str, float] | None = None) -> list[ChallengeLike]:
    """Every challenge in the order `pick_next` would offer them."""
    if not challenges:
        raise ValueError("no challenges to pick from")
    recall = topic_recall or {}
    freq = frequency or {}
    rng = random.Random(now.astimezone().date().isoformat())
    jitter = {c.id: rng.random() for c in challenges}

    def key(c: ChallengeLike) -> tuple[int, float, int, float]:
        s = table[c.id]
        if s.status is ChallengeStatus.DUE:
            return (0, (s.due or now).timestamp(), 0, jitter[c.id])
        if s.status is ChallengeStatus.SCHEDULED:
            return (3, (s.due or now).timestamp(), 0, jitter[c.id])
        need = (1.0 - recall.get(c.topic, 0.0)) + freq.get(c.topic, 0.5)  # weaker and more asked: sooner
        group = 1 if s.status is ChallengeStatus.STARTED else 2
        return (group, -round(need, 2), DIFFICULTY_ORDER.get(c.difficulty, 1), jitter[c.id])

    return sorted(challenges, key=key)


def due_within(challenges: Sequence[C], table: Mapping[str, Standing], budget_minutes: float) -> list[C]:
    """Due challenges, most overdue first, that fit together in `budget_minutes` (one that does not fit is
    skipped for a shorter one after it)."""
    due = sorted((c for c in challenges if table[c.id].status is ChallengeStatus.DUE),
                 key=lambda c: table[c.id].due or datetime.max)
    chosen: list[C] = []
    left = budget_minutes
    for c in due:
        if c.minutes <= left:
            chosen.append(c)
            left -= c.minutes
    return chosen


def minutes_spent(reviews: Iterable[ChallengeReview]) -> float:
    """Minutes of challenge work in these rated attempts: the time to the solve, else the whole limit."""
    return sum(r.solve_s if r.solve_s is not None else (r.minutes or 0.0) * 60 for r in reviews) / 60
