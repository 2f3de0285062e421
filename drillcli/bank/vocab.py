"""The bank's small vocabulary, importable without the pydantic models of `schema` (a report or a listing
that reads only the card cache never builds a model)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FORMAT_VERSION = 1


class Asked(StrEnum):
    """How often interviews ask a card's question, judged from how many independent public question
    lists ask it (high: most lists; medium: several; low: few or only as a follow-up)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class ChallengeInfo:
    """What scheduling, listings and the report read of a challenge, without its challenge.yaml."""

    id: str
    topic: str
    difficulty: str
    minutes: float
    title: str = ""


ASKED_ORDER: dict[Asked, int] = {Asked.HIGH: 0, Asked.MEDIUM: 1, Asked.LOW: 2}
