"""The state machine of one flashcard session: current card, grading, requeueing, undo. Pure.

The caller persists each `Graded` step (the store commits it at once) and renders the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import fsrs

from drillcli.store.models import CardState
from drillcli.study.scheduler import AGAIN, review

# A card due again within this window (a learning step) comes back in the same session.
LEARN_AHEAD = timedelta(minutes=20)
REQUEUE_GAP = 3


@dataclass(frozen=True)
class Graded:
    card_id: str
    rating: int
    before: CardState | None
    after: CardState
    at: datetime
    duration_ms: int
    requeued: bool


@dataclass
class Session:
    """A queue of card ids; `states` is the session's view of each card's stored state."""

    queue: list[str]
    states: dict[str, CardState]
    scheduler: fsrs.Scheduler
    history: list[Graded] = field(default_factory=list)
    position: int = 0

    @property
    def done(self) -> bool:
        return self.position >= len(self.queue)

    @property
    def current(self) -> str:
        return self.queue[self.position]

    @property
    def remaining(self) -> int:
        return len(self.queue) - self.position

    def grade(self, rating: int, now: datetime, duration_ms: int) -> Graded:
        card_id = self.current
        before = self.states.get(card_id)
        after = review(self.scheduler, card_id, before, rating, now)
        requeued = after.due - now <= LEARN_AHEAD
        if requeued:
            self.queue.insert(min(len(self.queue), self.position + 1 + REQUEUE_GAP), card_id)
        self.states[card_id] = after
        self.position += 1
        step = Graded(card_id, rating, before, after, now, duration_ms, requeued)
        self.history.append(step)
        return step

    def undo(self) -> Graded | None:
        """Take back the last grade: the card's state is restored and it is shown again."""
        if not self.history:
            return None
        step = self.history.pop()
        if step.requeued:
            del self.queue[self.queue.index(step.card_id, self.position)]
        self.position -= 1
        if step.before is None:
            self.states.pop(step.card_id, None)
        else:
            self.states[step.card_id] = step.before
        return step

    def summary(self) -> SessionSummary:
        again = sum(1 for g in self.history if g.rating == AGAIN)
        seconds = sum(g.duration_ms for g in self.history) / 1000
        return SessionSummary(reviewed=len(self.history), again=again, seconds=seconds)


@dataclass(frozen=True)
class SessionSummary:
    reviewed: int
    again: int
    seconds: float
