"""A flashcard session as a service: what to show next, grading, undo and the summary.

Given the store and a clock, nothing else: the CLI only reads keys and renders. Every grade is computed
inside one write transaction (the card's state re-read, the scheduler applied, the review written), so two
sessions on one DRILL_HOME never overwrite each other, and the daily new-card budget is counted in that
same transaction. Undo restores the state stored with the review it removes, only while that review is
still the card's latest.

Order of cards (as Anki's reviewer): a card graded into a learning step comes back when it is due, not a
few cards later. `next()` shows a learning card whose time has come, else the next planned card, else,
with nothing else left, a learning card due within the learn-ahead window; when only later cards remain it
says how long to wait.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

import fsrs

from drillcli.store.models import CardState, UndoStatus
from drillcli.store.repo import Store
from drillcli.store.tx import StoreBusy
from drillcli.study.queue import Queueable, QueueFilter, build_ahead_queue, build_queue, matches, start_of_day
from drillcli.study.scheduler import AGAIN, make_scheduler, review

Clock = Callable[[], datetime]
LEARNING_STATES = frozenset({"learning", "relearning"})
DEFAULT_LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class SessionOptions:
    """What the user asked for. `new` None: what is left of today's budget (`new_per_day`); `new` N: N new
    cards for this session whatever the budget. `ahead`: cards not due yet, as early reviews."""

    filter: QueueFilter = field(default_factory=QueueFilter)
    new: int | None = None
    new_per_day: int = 10
    ahead: bool = False
    learn_ahead: timedelta = DEFAULT_LEARN_AHEAD
    desired_retention: float = 0.9


# --- what next() returns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Show:
    card_id: str
    index: int  # the card's place in the plan, 1-based; stable however often it comes back
    planned: int
    again: bool  # shown before in this session (a learning or relearning step)
    state: CardState | None  # its stored state now (None: a new card)


@dataclass(frozen=True)
class Wait:
    """Only learning cards due later than the learn-ahead window are left."""

    card_id: str
    due: datetime
    ready_at: datetime  # when it may be shown (its due time less the learn-ahead window)


@dataclass(frozen=True)
class Done:
    pass


Next = Show | Wait | Done


# --- what grade() and undo() return --------------------------------------------------------------------

@dataclass(frozen=True)
class Graded:
    card_id: str
    rating: int
    before: CardState | None
    after: CardState
    at: datetime
    review_id: int
    early: bool
    comes_back: bool  # a learning step: shown again in this session when due


class Refusal(str, Enum):
    BUDGET_SPENT = "budget_spent"  # today's new cards were all introduced (by another session, too)


@dataclass(frozen=True)
class NotSaved:
    card_id: str
    reason: Refusal


class UndoOutcome(str, Enum):
    UNDONE = "undone"
    NOTHING = "nothing"  # no grade in this session to take back
    SUPERSEDED = "superseded"  # graded again since in another session: nothing deleted


@dataclass(frozen=True)
class UndoResult:
    outcome: UndoOutcome
    card_id: str | None = None
    rating: int | None = None


@dataclass(frozen=True)
class SessionSummary:
    cards: int  # distinct cards graded
    reviews: int  # grades given (a card graded twice counts twice)
    again: int
    seconds: float
    next_due: datetime | None  # the soonest card (of the session's filter) due later than now
    due_now: int
    unseen: int  # new cards of the filter never shown
    new_left: int  # what remains of today's new-card budget


# --- the session -------------------------------------------------------------------------------------

@dataclass
class _Queue:
    """The part of a session that undo rewinds."""

    pending: list[str]  # planned cards not yet graded, in plan order
    learning: dict[str, datetime]  # cards to show again in this session -> when due
    shown: set[str]


@dataclass(frozen=True)
class _Step:
    graded: Graded
    duration_ms: int
    before_queue: _Queue


class StudySession:
    def __init__(self, store: Store, cards: Sequence[Queueable], options: SessionOptions, clock: Clock,
                 scheduler: fsrs.Scheduler | None = None) -> None:
        self.store = store
        self.options = options
        self.clock = clock
        self.scheduler = scheduler or make_scheduler(options.desired_retention)
        self._deck = [c for c in cards if matches(c, options.filter)]
        self._history: list[_Step] = []
        self._session_id: int | None = None
        now = clock()
        self._plan, self._planned_states, self._queue = self._make_plan(now)
        self._index = {cid: i + 1 for i, cid in enumerate(self._plan)}
        self.planned_soon = len(self._queue.learning)  # planned cards not due yet, due within the window

    # planning

    def _make_plan(self, now: datetime) -> tuple[list[str], dict[str, CardState | None], _Queue]:
        opts = self.options
        if opts.ahead:
            states = self.store.card_states()
            queue = build_ahead_queue(self._deck, states, now, opts.filter)
            planned: dict[str, CardState | None] = {cid: states[cid] for cid in queue.ids}
            return list(queue.ids), planned, _Queue(pending=list(queue.ids), learning={}, shown=set())
        due_states = self.store.due_states(now + opts.learn_ahead)
        due_now = {cid: s for cid, s in due_states.items() if s.due <= now}
        flt = QueueFilter(opts.filter.topic, opts.filter.most_asked, opts.filter.asked, opts.filter.limit,
                          self._new_room(now))
        queue = build_queue(self._deck, due_now, now, flt, seen=self.store.seen_ids())
        ids = {c.id for c in self._deck}
        # cards due within the learn-ahead window (learning steps, reviews falling due as the session runs)
        # are planned too: shown when due, or at the end
        soon = [cid for cid, s in due_states.items() if cid in ids and s.due > now]
        soon = soon[: max(0, opts.filter.limit - len(queue.ids))]
        plan = [*queue.ids, *soon]
        planned = {cid: due_states.get(cid) for cid in plan}
        learning = {cid: due_states[cid].due for cid in soon}
        return plan, planned, _Queue(pending=list(queue.ids), learning=learning, shown=set())

    def _new_room(self, now: datetime) -> int:
        if self.options.new is not None:
            return self.options.new
        return max(0, self.options.new_per_day - self.store.new_cards_since(start_of_day(now)))

    @property
    def plan(self) -> list[str]:
        """The ids planned at the start, in plan order."""
        return list(self._plan)

    @property
    def planned(self) -> int:
        return len(self._plan)

    @property
    def planned_new(self) -> int:
        return sum(1 for cid in self._plan if self._planned_states[cid] is None)

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    # next

    def next(self) -> Next:
        """The card to show now, or how long to wait, or Done."""
        now = self.clock()
        self._drop_stale_pending(now)
        self._refresh_learning()
        learning = sorted((due, cid) for cid, due in self._queue.learning.items())
        if learning and learning[0][0] <= now:
            return self._show(learning[0][1])
        if self._queue.pending:
            return self._show(self._queue.pending[0])
        if learning and learning[0][0] <= now + self.options.learn_ahead:
            return self._show(learning[0][1])
        if learning:
            due, cid = learning[0]
            return Wait(card_id=cid, due=due, ready_at=due - self.options.learn_ahead)
        return Done()

    def _show(self, card_id: str) -> Show:
        return Show(card_id=card_id, index=self._index.get(card_id, len(self._plan)), planned=len(self._plan),
                    again=card_id in self._queue.shown, state=self.store.card_state(card_id))

    def _drop_stale_pending(self, now: datetime) -> None:
        """Planned cards another session has graded since (no longer due), and new cards once today's
        budget is spent elsewhere, are not shown."""
        while self._queue.pending:
            cid = self._queue.pending[0]
            if cid in self._queue.shown:
                return
            current = self.store.card_state(cid)
            planned = self._planned_states[cid]
            if current == planned and (planned is not None or self._may_introduce(now)):
                return
            if current is not None and current != planned and (self.options.ahead or current.due <= now):
                return  # graded elsewhere but due again: show it, from its current state
            self._queue.pending.pop(0)

    def _refresh_learning(self) -> None:
        """A card graded in another session since keeps that session's schedule: a learning step moves, a
        card that left learning is no longer waited for."""
        for cid, due in list(self._queue.learning.items()):
            state = self.store.card_state(cid)
            if state is not None and state.due == due:
                continue
            if state is None or state.state not in LEARNING_STATES:
                del self._queue.learning[cid]
            else:
                self._queue.learning[cid] = state.due

    def _may_introduce(self, now: datetime) -> bool:
        """Whether one more new card fits the budget; with `--new N` the budget is this session's own."""
        if self.options.new is not None:
            introduced = sum(1 for s in self._history if s.graded.before is None)
            return introduced < self.options.new
        return self.store.new_cards_since(start_of_day(now)) < self.options.new_per_day

    # grade

    def grade(self, card_id: str, rating: int, duration_ms: int) -> Graded | NotSaved:
        """Save a grade: the card's state is re-read and the scheduler applied inside one write
        transaction. Raises `StoreBusy` (nothing saved, the session unchanged) when the database stays
        locked; the caller may simply call again."""
        now = self.clock()
        with self.store.write():
            graded = self._grade_in_transaction(card_id, rating, duration_ms, now)
        if graded is None:
            self._forget(card_id)
            return NotSaved(card_id, Refusal.BUDGET_SPENT)
        self._history.append(_Step(graded, duration_ms, self._snapshot()))
        self._advance(graded)
        return graded

    def _grade_in_transaction(self, card_id: str, rating: int, duration_ms: int, now: datetime) -> Graded | None:
        before = self.store.card_state(card_id)
        if before is None and not self._may_introduce(now):
            return None
        after = review(self.scheduler, card_id, before, rating, now)
        early = before is not None and before.due > now
        if self._session_id is None:
            self._session_id = self.store.insert_session("cards", now)
        review_id = self.store.insert_review(rating=rating, reviewed_at=now, duration_ms=duration_ms,
                                             before=before, after=after, session_id=self._session_id, early=early)
        return Graded(card_id, rating, before, after, now, review_id, early,
                      comes_back=after.state in LEARNING_STATES)

    def _snapshot(self) -> _Queue:
        q = self._queue
        return _Queue(pending=list(q.pending), learning=dict(q.learning), shown=set(q.shown))

    def _advance(self, graded: Graded) -> None:
        q = self._queue
        if graded.card_id in q.pending:
            q.pending.remove(graded.card_id)
        q.learning.pop(graded.card_id, None)
        q.shown.add(graded.card_id)
        if graded.comes_back:
            q.learning[graded.card_id] = graded.after.due

    def _forget(self, card_id: str) -> None:
        if card_id in self._queue.pending:
            self._queue.pending.remove(card_id)
        self._queue.learning.pop(card_id, None)

    # undo

    def undo(self) -> UndoResult:
        """Take back this session's last grade: the card gets the state stored with that review and is shown
        again. If another session graded the card since, nothing is deleted."""
        if not self._history:
            return UndoResult(UndoOutcome.NOTHING)
        step = self._history[-1]
        undone = self.store.undo_review(step.graded.review_id)  # may raise StoreBusy: history unchanged
        self._history.pop()
        card_id, rating = step.graded.card_id, step.graded.rating
        if undone.status is not UndoStatus.UNDONE:
            return UndoResult(UndoOutcome.SUPERSEDED, card_id, rating)
        self._queue = step.before_queue  # the card comes back at once, as it was before the grade
        self._queue.learning.pop(card_id, None)
        if card_id in self._queue.pending:
            self._queue.pending.remove(card_id)
        self._queue.pending.insert(0, card_id)
        self._planned_states[card_id] = step.graded.before
        return UndoResult(UndoOutcome.UNDONE, card_id, rating)

    # summary

    def summary(self) -> SessionSummary:
        now = self.clock()
        graded = [s.graded for s in self._history]
        dues = self.store.due_times()
        mine = [dues[c.id] for c in self._deck if c.id in dues]
        upcoming = [due for due in mine if due > now]
        new_left = self.options.new_per_day - self.store.new_cards_since(start_of_day(now))
        return SessionSummary(
            cards=len({g.card_id for g in graded}),
            reviews=len(graded),
            again=sum(1 for g in graded if g.rating == AGAIN),
            seconds=sum(s.duration_ms for s in self._history) / 1000,
            next_due=min(upcoming, default=None),
            due_now=sum(1 for due in mine if due <= now),
            unseen=sum(1 for c in self._deck if c.id not in dues),
            new_left=max(0, new_left),
        )

    def close(self) -> None:
        """Mark the session ended (when it saved anything); a busy database only loses that mark."""
        if self._session_id is None:
            return
        with contextlib.suppress(StoreBusy):
            self.store.end_session(self._session_id, self.clock())
