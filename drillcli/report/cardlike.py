"""The little the report reads of a card, so it can work from the card cache's cheap references."""

from __future__ import annotations

from typing import Protocol


class CardLike(Protocol):
    """What the report reads of a card: a built card or the cache's cheap reference."""

    @property
    def id(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def most_asked(self) -> bool: ...
    @property
    def asked(self) -> str: ...  # high, medium or low (the bank's Asked, a str enum)
