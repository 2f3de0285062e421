"""Which cards a session plans to show, in what order. Pure: states and `now` come in, ids go out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from drillcli.bank.topics import TOPICS
from drillcli.bank.vocab import ASKED_ORDER, Asked
from drillcli.store.models import CardState


class Queueable(Protocol):
    """What the queue reads of a card (a `CardRef` or a full card)."""

    @property
    def id(self) -> str: ...

    @property
    def topic(self) -> str: ...

    @property
    def most_asked(self) -> bool: ...

    @property
    def asked(self) -> Asked: ...


@dataclass(frozen=True)
class QueueFilter:
    topic: str | None = None
    most_asked: bool = False
    asked: Asked | None = None
    limit: int = 50
    new_limit: int = 10


@dataclass(frozen=True)
class Queue:
    due: list[str]
    new: list[str]

    @property
    def ids(self) -> list[str]:
        return [*self.due, *self.new]


def matches(card: Queueable, flt: QueueFilter) -> bool:
    if flt.topic and card.topic != flt.topic:
        return False
    if flt.asked is not None and _asked(card) != flt.asked:
        return False
    return card.most_asked or not flt.most_asked


def _asked(card: Queueable) -> Asked:
    return Asked(getattr(card, "asked", Asked.MEDIUM))


def build_queue(
    cards: Sequence[Queueable],
    states: dict[str, CardState],
    now: datetime,
    flt: QueueFilter,
    seen: set[str] | None = None,
) -> Queue:
    """Due cards first (most overdue first), then new cards up to the new-card budget.

    New cards come most-asked first, then in topic order, within a topic the most frequently asked first,
    then in bank order. `states` needs only the due cards when `seen` (every card ever reviewed) is given.
    """
    seen = set(states) if seen is None else seen
    chosen = [c for c in cards if matches(c, flt)]
    due = sorted((c for c in chosen if c.id in states and states[c.id].due <= now),
                 key=lambda c: states[c.id].due)
    due_ids = [c.id for c in due][: flt.limit]
    room = max(0, min(flt.new_limit, flt.limit - len(due_ids)))
    fresh = [c for c in chosen if c.id not in seen]
    topic_rank = {t: i for i, t in enumerate(TOPICS)}
    fresh.sort(key=lambda c: (not c.most_asked, topic_rank.get(c.topic, len(topic_rank)), ASKED_ORDER[_asked(c)]))
    return Queue(due=due_ids, new=[c.id for c in fresh[:room]])


def build_ahead_queue(
    cards: Sequence[Queueable], states: dict[str, CardState], now: datetime, flt: QueueFilter
) -> Queue:
    """Practice ahead: reviewed cards that are not due yet, the soonest due first; no new cards."""
    chosen = [c for c in cards if matches(c, flt) and c.id in states and states[c.id].due > now]
    chosen.sort(key=lambda c: states[c.id].due)
    return Queue(due=[c.id for c in chosen][: flt.limit], new=[])


def start_of_day(now: datetime) -> datetime:
    """Local midnight of `now`'s day, as an aware datetime (the daily new-card budget resets then)."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def end_of_day(now: datetime) -> datetime:
    return start_of_day(now) + timedelta(days=1)
