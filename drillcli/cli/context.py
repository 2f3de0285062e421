"""What commands share: the config, the merged bank and the store, each opened on first use."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import typer

from drillcli import paths
from drillcli.bank.loader import Bank, load_bank
from drillcli.bank.schema import CardBase
from drillcli.config import Config, bank_dirs, load_config
from drillcli.store.repo import Store


@dataclass
class Env:
    extra_banks: list[Path] = field(default_factory=list)

    @classmethod
    def of(cls, ctx: typer.Context) -> Env:
        root = ctx.find_root()
        return cls(extra_banks=list(root.obj or []))

    @cached_property
    def config(self) -> Config:
        return load_config()

    @cached_property
    def bank_dirs(self) -> list[Path]:
        return bank_dirs(self.config, self.extra_banks)

    @cached_property
    def bank(self) -> Bank:
        return load_bank(self.bank_dirs)

    @cached_property
    def deck(self) -> dict[str, CardBase]:
        """Every card a session can show, by id, generated families included."""
        return deck_of(self)

    def materialise(self, card: CardBase, seed: int) -> CardBase:
        return materialise(card, seed)

    @cached_property
    def store(self) -> Store:
        return Store.open(paths.db_path())


def _with_generated(cards: dict[str, CardBase]) -> dict[str, CardBase]:
    """Each generated-question family joins the deck as one card, scheduled under the family's id."""
    from random import Random

    from drillcli.bank.generated import FAMILIES

    deck = dict(cards)
    for family in FAMILIES:
        deck.setdefault(family.id, family.make(Random(0)))
    return deck


def deck_of(env: Env) -> dict[str, CardBase]:
    cards = {c.id: c for c in env.bank.cards}
    return _with_generated(cards) if env.config.include_bundled else cards


def materialise(card: CardBase, seed: int) -> CardBase:
    """A generated family's card is drawn afresh each time it is shown; other cards are as written."""
    from random import Random

    from drillcli.bank.generated import family_by_id

    family = family_by_id(card.id) if card.id.startswith("gen-") else None
    if family is None:
        return card
    return family.make(Random(f"{card.id}:{seed}:{time.time_ns()}"))
