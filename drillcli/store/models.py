"""Plain records the store returns. Times are timezone-aware UTC datetimes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any

LEECH_LAPSES = 8


def to_ts(moment: datetime) -> float:
    return moment.timestamp()


def from_ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=timezone.utc)


@dataclass(frozen=True)
class CardState:
    card_id: str
    state: str  # learning, review, relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0

    @property
    def is_leech(self) -> bool:
        return self.lapses >= LEECH_LAPSES

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["due"] = to_ts(self.due)
        data["last_review"] = to_ts(self.last_review) if self.last_review else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> CardState:
        data = json.loads(text)
        data["due"] = from_ts(data["due"])
        data["last_review"] = from_ts(data["last_review"]) if data["last_review"] is not None else None
        return cls(**data)


@dataclass(frozen=True)
class Review:
    id: int
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    state_before: CardState | None
    state_after: CardState
    session_id: int | None
    early: bool = False  # given before the card was due (`drill cards --ahead`)


@dataclass(frozen=True)
class Attempt:
    challenge_id: str
    started_at: datetime
    finished_at: datetime
    verdict: str
    passed: int
    total: int
    device: str
    elapsed_ms: float
    runtime_ratio: float | None = None
    timed: bool = False
    minutes: float | None = None
    file: str | None = None
    id: int | None = None


class UndoStatus(str, Enum):
    UNDONE = "undone"  # the review is deleted and the card's state before it restored
    SUPERSEDED = "superseded"  # the card was graded again since (another session): nothing is deleted
    GONE = "gone"  # the review no longer exists


@dataclass(frozen=True)
class Undone:
    status: UndoStatus
    review: Review | None


@dataclass(frozen=True)
class ReviewStats:
    """The review log as the report reads it, grouped (`store.activity.grouped_reviews`)."""

    total: int  # every review ever
    in_period: int  # reviews in the report's period
    per_day: dict[date, int]  # reviews per local day, at least over the heatmap's window
    outcomes: dict[str, tuple[int, int]]  # card -> (passed, all) of its reviews in the review state, in the period
    recent_fails: dict[str, int]  # card -> Again ratings lately, learning steps included
    earlier_days: frozenset[date] = field(default_factory=frozenset)  # review days before per_day's, for the streak
