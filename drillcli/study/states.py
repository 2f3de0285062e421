"""The one-word state of a card as listings and reports show it."""

from __future__ import annotations

from datetime import datetime

from drillcli.store.models import CardState


def card_label(state: CardState | None, now: datetime) -> str:
    """new, learning, review, relearning, due, or leech (8 lapses or more)."""
    if state is None:
        return "new"
    if state.is_leech:
        return "leech"
    if state.due <= now:
        return "due"
    return state.state
