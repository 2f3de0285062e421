"""A simulated learner: review histories whose true memory follows known FSRS parameters.

Used by the tuning tests and `bench/tune.py`: a history drawn from parameters other than the defaults is
one where a fit should predict recall better than the defaults do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

import fsrs

# A learner who forgets faster than FSRS's defaults assume after a lapse and gains less from Easy.
SLOW_LEARNER = (
    0.25, 0.9, 2.0, 6.0, 7.0, 0.6, 2.5, 0.01, 1.2, 0.1, 0.9, 2.2, 0.08, 0.35, 1.6, 0.3, 1.6, 0.5, 0.1, 0.1,
    0.15,
)


@dataclass(frozen=True)
class SimReview:
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int


def simulate(*, cards: int, days: int, start: datetime, seed: int = 0,
             truth: tuple[float, ...] = SLOW_LEARNER, new_per_day: int = 20) -> list[SimReview]:
    """Reviews of `cards` cards over `days` days, each shown when a default scheduler says it is due and
    recalled with the probability that `truth` gives. Oldest first."""
    rng = Random(seed)
    shown = fsrs.Scheduler(enable_fuzzing=False)
    real = fsrs.Scheduler(parameters=truth, enable_fuzzing=False)
    sched: dict[str, fsrs.Card] = {}
    memory: dict[str, fsrs.Card] = {}
    out: list[SimReview] = []
    for day in range(days):
        today = start + timedelta(days=day, hours=9)
        for n in range(new_per_day):
            if len(sched) < cards:
                cid = f"sim-{len(sched):05d}"
                sched[cid] = fsrs.Card(card_id=len(sched), due=today + timedelta(seconds=n))
                memory[cid] = fsrs.Card(card_id=len(memory), due=today)
        due = sorted((c.due, cid) for cid, c in sched.items() if c.due <= today + timedelta(hours=12))
        for i, (_, cid) in enumerate(due):
            at = max(sched[cid].due, today + timedelta(seconds=i * 20))
            rating = _rating(rng, real, memory[cid], at)
            sched[cid], _ = shown.review_card(sched[cid], fsrs.Rating(rating), review_datetime=at)
            memory[cid], _ = real.review_card(memory[cid], fsrs.Rating(rating), review_datetime=at)
            out.append(SimReview(cid, rating, at, rng.randint(2000, 15000)))
    out.sort(key=lambda r: r.reviewed_at)
    return out


def _rating(rng: Random, real: fsrs.Scheduler, card: fsrs.Card, at: datetime) -> int:
    if card.last_review is None:
        return rng.choices([1, 2, 3, 4], weights=[0.25, 0.15, 0.5, 0.1])[0]
    p = real.get_card_retrievability(card, at)
    if rng.random() >= p:
        return 1
    return rng.choices([2, 3, 4], weights=[0.15, 0.75, 0.1])[0]
