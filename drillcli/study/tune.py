"""Fitting FSRS to the user's own reviews, and judging the fit on reviews it did not see.

The fit itself is the `fsrs` optimizer's (it needs torch, so it is imported only inside `fit_parameters`).
Everything else is plain Python with `now` passed in: the held-out split (the latest fifth of the history),
the replay that predicts recall before each review, the scores (log loss, calibration RMSE), the health
check, and the decision to keep the old parameters when the new ones are not better.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import fsrs

MIN_REVIEWS = 512  # the optimizer's mini-batch: below it, it returns the defaults unchanged
HELD_OUT = 0.2
NEEDED = math.ceil(MIN_REVIEWS / (1 - HELD_OUT))  # counted reviews for a fit and its judgement
BINS = 20


class Event(Protocol):
    @property
    def card_id(self) -> str: ...
    @property
    def rating(self) -> int: ...
    @property
    def reviewed_at(self) -> datetime: ...
    @property
    def duration_ms(self) -> int | None: ...


class Health(StrEnum):
    TOO_FEW = "too_few"
    HARD_AS_FAIL = "hard_as_fail"
    NO_AGAIN = "no_again"


@dataclass(frozen=True)
class HealthNote:
    kind: Health
    text: str


@dataclass(frozen=True)
class Score:
    log_loss: float
    rmse: float
    reviews: int


@dataclass(frozen=True)
class TuneResult:
    reviews: int
    counted: int  # reviews made on a later day than the card's previous one: what FSRS learns from
    health: list[HealthNote]
    enough: bool
    parameters: tuple[float, ...] | None = None
    before: Score | None = None
    after: Score | None = None

    @property
    def better(self) -> bool:
        return bool(self.before and self.after and self.after.log_loss < self.before.log_loss
                    and self.parameters is not None)


def counted_reviews(events: Sequence[Event]) -> int:
    """Reviews on a later calendar day than the same card's previous review (the ones the fit uses)."""
    last: dict[str, datetime] = {}
    n = 0
    for e in sorted(events, key=lambda e: e.reviewed_at):
        prev = last.get(e.card_id)
        if prev is not None and (e.reviewed_at - prev).days > 0:
            n += 1
        last[e.card_id] = e.reviewed_at
    return n


def health_check(events: Sequence[Event], counted: int) -> list[HealthNote]:
    notes: list[HealthNote] = []
    if counted < NEEDED:
        notes.append(HealthNote(Health.TOO_FEW, (
            f"You have {counted} reviews made a day or more after the card's previous one. Fitting needs "
            f"{MIN_REVIEWS} of them to learn from, plus a fifth more held back to judge the fit: about "
            f"{NEEDED}. Keep reviewing: each day's due cards add to it.")))
    ratings = Counter(e.rating for e in events)
    total = sum(ratings.values())
    if total >= 100 and ratings[1] == 0:
        notes.append(HealthNote(Health.NO_AGAIN, (
            "You have never pressed Again. When you could not recall an answer, Again is the honest grade; "
            "without it FSRS believes you remember everything and spaces cards too far apart.")))
    if total >= 100 and ratings[2] > 3 * max(ratings[1], 1) and ratings[2] / total > 0.2:
        notes.append(HealthNote(Health.HARD_AS_FAIL, (
            f"You pressed Hard {ratings[2]} times and Again {ratings[1]} times. Hard means you recalled it "
            "with effort; if you use it when you forgot, press Again instead, or FSRS overrates your memory.")))
    return notes


def split_time(events: Sequence[Event]) -> datetime:
    """Reviews at or after this moment are held out: the latest fifth of the history."""
    times = sorted(e.reviewed_at for e in events)
    return times[min(len(times) - 1, int(len(times) * (1 - HELD_OUT)))]


def score(events: Sequence[Event], parameters: Sequence[float] | None, since: datetime) -> Score:
    """How well `parameters` predict recall on the counted reviews at or after `since`: each card's whole
    history is replayed, and before each such review the predicted recall is compared with what happened."""
    scheduler = fsrs.Scheduler(parameters=tuple(parameters) if parameters else fsrs.scheduler.DEFAULT_PARAMETERS,
                               enable_fuzzing=False)
    cards: dict[str, fsrs.Card] = {}
    pairs: list[tuple[float, int]] = []
    for e in sorted(events, key=lambda e: e.reviewed_at):
        card = cards.get(e.card_id) or fsrs.Card(card_id=0, due=e.reviewed_at)
        if e.reviewed_at >= since and card.last_review and (e.reviewed_at - card.last_review).days > 0:
            pairs.append((scheduler.get_card_retrievability(card, e.reviewed_at), int(e.rating != 1)))
        cards[e.card_id], _ = scheduler.review_card(card, fsrs.Rating(e.rating), review_datetime=e.reviewed_at)
    return Score(log_loss=_log_loss(pairs), rmse=_binned_rmse(pairs), reviews=len(pairs))


def _log_loss(pairs: list[tuple[float, int]]) -> float:
    if not pairs:
        return math.nan
    eps = 1e-4
    return -sum(y * math.log(min(max(p, eps), 1 - eps)) + (1 - y) * math.log(1 - min(max(p, eps), 1 - eps))
                for p, y in pairs) / len(pairs)


def _binned_rmse(pairs: list[tuple[float, int]]) -> float:
    """Calibration error: reviews grouped by predicted recall, each group's mean prediction against its
    actual recall rate, weighted by group size (FSRS's RMSE(bins), with equal-width bins)."""
    if not pairs:
        return math.nan
    groups: dict[int, list[tuple[float, int]]] = {}
    for p, y in pairs:
        groups.setdefault(min(int(p * BINS), BINS - 1), []).append((p, y))
    total = sum(len(g) * (sum(p for p, _ in g) / len(g) - sum(y for _, y in g) / len(g)) ** 2
                for g in groups.values())
    return math.sqrt(total / len(pairs))


def fit_parameters(events: Sequence[Event]) -> tuple[float, ...]:
    """The optimizer's fit on these reviews (torch is imported here, on demand)."""
    from fsrs import Optimizer, ReviewLog

    ids = {cid: i for i, cid in enumerate(sorted({e.card_id for e in events}))}
    logs = [ReviewLog(card_id=ids[e.card_id], rating=fsrs.Rating(e.rating), review_datetime=e.reviewed_at,
                      review_duration=e.duration_ms) for e in events]
    return tuple(float(x) for x in Optimizer(logs).compute_optimal_parameters())


def tune(events: Sequence[Event], current: Sequence[float] | None) -> TuneResult:
    """Fit on all but the latest fifth, compare with `current` (None: the defaults) on that fifth, and
    return the fit with its scores. The parameters kept are the ones that were judged on unseen reviews."""
    counted = counted_reviews(events)
    health = health_check(events, counted)
    since = split_time(events) if events else None
    train = [e for e in events if since is not None and e.reviewed_at < since]
    if since is None or counted_reviews(train) < MIN_REVIEWS:
        return TuneResult(reviews=len(events), counted=counted, health=health, enough=False)
    candidate = fit_parameters(train)
    before, after = score(events, current, since), score(events, candidate, since)
    return TuneResult(reviews=len(events), counted=counted, health=health, enough=True,
                      parameters=candidate, before=before, after=after)


def suggest_retention(events: Sequence[Event], parameters: Sequence[float] | None) -> float:
    """The desired retention with the least simulated study time per card remembered (the optimizer's
    workload simulation over your own review times)."""
    from fsrs import Optimizer, ReviewLog

    ids = {cid: i for i, cid in enumerate(sorted({e.card_id for e in events}))}
    logs = [ReviewLog(card_id=ids[e.card_id], rating=fsrs.Rating(e.rating), review_datetime=e.reviewed_at,
                      review_duration=e.duration_ms or 8000) for e in events]
    params = tuple(parameters) if parameters else fsrs.scheduler.DEFAULT_PARAMETERS
    return float(Optimizer(logs).compute_optimal_retention(params))  # type: ignore[arg-type]
