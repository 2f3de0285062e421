"""Which challenge `drill code` offers when the user names none. Pure."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from drillcli.bank.challenges import Challenge
from drillcli.store.models import Attempt

_DIFFICULTY = {"easy": 0, "medium": 1, "hard": 2}


def pick_challenge(challenges: Sequence[Challenge], attempts: Sequence[Attempt], now: datetime) -> Challenge:
    """Unsolved first; among those, the ones tried least, easier first; a daily-stable tie-break."""
    solved = {a.challenge_id for a in attempts if a.verdict == "accepted"}
    tries = Counter(a.challenge_id for a in attempts)
    rng = random.Random(now.astimezone().date().isoformat())
    jitter = {c.id: rng.random() for c in challenges}

    def rank(c: Challenge) -> tuple[bool, int, int, float]:
        return (c.id in solved, tries[c.id], _DIFFICULTY.get(c.meta.difficulty, 1), jitter[c.id])

    return min(challenges, key=rank)
