"""FSRS-6 through the `fsrs` library: stored state + rating + now -> new state. No clock, no I/O."""

from __future__ import annotations

from datetime import datetime

import fsrs

from drillcli.store.models import CardState

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}

_STATE_NAMES = {fsrs.State.Learning: "learning", fsrs.State.Review: "review",
                fsrs.State.Relearning: "relearning"}
_STATES = {name: state for state, name in _STATE_NAMES.items()}


def make_scheduler(desired_retention: float = 0.9, parameters: tuple[float, ...] | None = None) -> fsrs.Scheduler:
    """Fuzzing is off so that the same history always gives the same schedule. `parameters`: the user's
    fitted FSRS parameters (`drill tune`), else the library's defaults."""
    if parameters is None:
        return fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=False)
    return fsrs.Scheduler(parameters=parameters, desired_retention=desired_retention, enable_fuzzing=False)


def review(
    scheduler: fsrs.Scheduler, card_id: str, before: CardState | None, rating: int, now: datetime
) -> CardState:
    """The card's state after being rated `rating` at `now` (`before` None: a new card)."""
    if rating not in RATING_NAMES:
        raise ValueError(f"rating must be 1-4, got {rating}")
    card = _to_fsrs(before) if before else fsrs.Card(card_id=0, due=now)
    updated, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=now)
    lapsed = before is not None and before.state == "review" and rating == AGAIN
    return CardState(
        card_id=card_id,
        state=_STATE_NAMES[updated.state],
        step=updated.step,
        stability=updated.stability,
        difficulty=updated.difficulty,
        due=updated.due,
        last_review=updated.last_review,
        reps=(before.reps if before else 0) + 1,
        lapses=(before.lapses if before else 0) + int(lapsed),
    )


def retrievability(scheduler: fsrs.Scheduler, state: CardState, now: datetime) -> float:
    """Probability of recall now, 0..1."""
    return float(scheduler.get_card_retrievability(_to_fsrs(state), now))


def retrievabilities(scheduler: fsrs.Scheduler, states: dict[str, CardState], now: datetime) -> dict[str, float]:
    """`retrievability` of many cards at once: FSRS-6's forgetting curve R = (1 + f·t/S)^-d over whole days
    since the last review, as the library computes it, without building an `fsrs.Card` per card (a report over
    thousands of cards spends most of its time there otherwise). A test holds it equal to the library's."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    out = {}
    for cid, s in states.items():
        if s.last_review is None or s.stability is None:
            out[cid] = 0.0
            continue
        elapsed = max(0, (now - s.last_review).days)
        out[cid] = float((1 + factor * elapsed / s.stability) ** decay)
    return out


def preview_intervals(
    scheduler: fsrs.Scheduler, card_id: str, before: CardState | None, now: datetime
) -> dict[int, datetime]:
    """When the card would next be due for each rating (shown on the grade bar)."""
    return {r: review(scheduler, card_id, before, r, now).due for r in RATING_NAMES}


def _to_fsrs(state: CardState) -> fsrs.Card:
    # card_id given: without one, fsrs.Card sleeps a millisecond to make a unique id from the clock.
    return fsrs.Card(
        card_id=0, state=_STATES[state.state], step=state.step, stability=state.stability,
        difficulty=state.difficulty, due=state.due, last_review=state.last_review,
    )
