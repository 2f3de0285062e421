"""A timed attempt at a challenge as an FSRS review: the rating the attempt itself earns, and the schedule.

Pure: the outcome of the attempt comes in, a rating (1-4) and a reason go out; the user may pick another.
Challenges are scheduled without learning steps: re-solving a challenge ten minutes later teaches nothing,
so even a failed attempt comes back the next day at the earliest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import fsrs

from drillcli.store.models import CardState
from drillcli.study.scheduler import AGAIN, EASY, GOOD, HARD, RATING_NAMES, review

EASY_SHARE = 0.5  # accepted within this share of the time limit, with no hint: Easy


@dataclass(frozen=True)
class AttemptOutcome:
    """What a rating is made from. `solved_after_s`: from the start to the accepted save."""

    accepted: bool
    solved_after_s: float | None
    minutes: float
    hints_used: int = 0
    gave_up: bool = False


def propose_rating(outcome: AttemptOutcome) -> int:
    """Accepted within the limit with no hint: Good, or Easy within half of it; accepted over time or with
    hints: Hard; not accepted or given up: Again."""
    if not outcome.accepted or outcome.gave_up:
        return AGAIN
    limit_s = outcome.minutes * 60
    took = outcome.solved_after_s if outcome.solved_after_s is not None else limit_s
    if outcome.hints_used or took > limit_s:
        return HARD
    return EASY if took <= EASY_SHARE * limit_s else GOOD


def explain_rating(outcome: AttemptOutcome) -> str:
    """Why the attempt earns its proposed rating, in a few words."""
    rating = RATING_NAMES[propose_rating(outcome)]
    if outcome.gave_up:
        return f"{rating}: given up"
    if not outcome.accepted:
        return f"{rating}: not accepted"
    took = _clock(outcome.solved_after_s or 0.0)
    limit = f"{outcome.minutes:g} min"
    hints = f"{outcome.hints_used} hint{'s' if outcome.hints_used != 1 else ''}"
    if outcome.hints_used:
        return f"{rating}: accepted in {took} of {limit}, with {hints}"
    if (outcome.solved_after_s or 0.0) > outcome.minutes * 60:
        return f"{rating}: accepted after the {limit} limit ({took})"
    if rating == RATING_NAMES[EASY]:
        return f"{rating}: accepted in {took}, under half of {limit}, no hints"
    return f"{rating}: accepted in {took} of {limit}, no hints"


def challenge_scheduler(desired_retention: float = 0.9) -> fsrs.Scheduler:
    """FSRS's default parameters (fitted card parameters describe card memory, not code), no learning
    steps, no fuzz."""
    return fsrs.Scheduler(desired_retention=desired_retention, learning_steps=(), relearning_steps=(),
                          enable_fuzzing=False)


def review_challenge(scheduler: fsrs.Scheduler, challenge_id: str, before: CardState | None, rating: int,
                     now: datetime) -> CardState:
    """The challenge's state after an attempt rated `rating` at `now`."""
    return review(scheduler, challenge_id, before, rating, now)


def preview(scheduler: fsrs.Scheduler, challenge_id: str, before: CardState | None,
            now: datetime) -> dict[int, datetime]:
    """When the challenge would come back for each rating (shown beside the choice)."""
    return {r: review_challenge(scheduler, challenge_id, before, r, now).due for r in (AGAIN, HARD, GOOD, EASY)}


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
