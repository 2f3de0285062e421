"""What commands share: the config, the merged bank and the store, each opened on first use."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import fsrs

    from drillcli.bank.schema import CardBase
    from drillcli.bank.vocab import ChallengeInfo

from drillcli import paths
from drillcli.bank.cache import CardRef
from drillcli.bank.loader import Bank, load_bank
from drillcli.config import Config, bank_dirs, load_config
from drillcli.store.repo import Store


@dataclass
class Env:
    extra_banks: list[Path] = field(default_factory=list)
    # A read-only command (list, report) creates nothing: with no DRILL_HOME yet, it reads an empty history.
    read_only: bool = False

    @classmethod
    def of(cls, ctx: typer.Context, *, read_only: bool = False) -> Env:
        root = ctx.find_root()
        return cls(extra_banks=list(root.obj or []), read_only=read_only)

    @cached_property
    def config(self) -> Config:
        return load_config()

    @cached_property
    def bank_dirs(self) -> list[Path]:
        return bank_dirs(self.config, self.extra_banks)

    @property
    def use_cache(self) -> bool:
        # The card cache lives in DRILL_HOME: a read-only command does not create one to fill it.
        return not (self.read_only and not paths.drill_home().exists())

    @cached_property
    def bank(self) -> Bank:
        return load_bank(self.bank_dirs, use_cache=self.use_cache)

    @cached_property
    def challenge_infos(self) -> list[ChallengeInfo]:
        """Every challenge's id, topic, difficulty, minutes and title, from the cache when it can be."""
        from drillcli.bank.challenges import challenge_infos
        from drillcli.bank.loader import open_card_cache

        return challenge_infos(self.bank_dirs, open_card_cache() if self.use_cache else None)

    @cached_property
    def deck_refs(self) -> list[CardRef]:
        """Every card a session can show, cheaply: the bank's, then one per generated family."""
        refs = list(self.bank.refs)
        if self.config.include_bundled:
            from drillcli.bank.generated import FAMILIES

            known = {r.id for r in refs}
            refs += [f.ref for f in FAMILIES if f.id not in known]
        return refs

    @cached_property
    def deck(self) -> dict[str, CardBase]:
        """Every card, built (listings and reports)."""
        return self.cards_for([r.id for r in self.deck_refs])

    def cards_for(self, ids: list[str]) -> dict[str, CardBase]:
        found = self.bank.get(ids)
        missing = [i for i in ids if i not in found]
        if missing and self.config.include_bundled:
            generated = {c.id: c for c in _generated_cards()}
            found.update({i: generated[i] for i in missing if i in generated})
        return found

    def prompts(self, ids: list[str]) -> dict[str, str]:
        """The prompts of these cards; a cached card's is read without building the card."""
        found = self.bank.prompts(ids)
        missing = [i for i in ids if i not in found]
        if missing:
            found.update({i: c.prompt for i, c in self.cards_for(missing).items()})
        return found

    def materialise(self, card: CardBase, seed: int) -> CardBase:
        return materialise(card, seed)

    @cached_property
    def store(self) -> Store:
        path = paths.db_path()
        if self.read_only and not path.exists():
            return _empty_store()
        if self.read_only and not (os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)):
            from drillcli.store.db import connect_read_only

            return Store(connect_read_only(path))
        return Store.open(path)

    @cached_property
    def scheduler(self) -> fsrs.Scheduler:
        """FSRS with the user's fitted parameters (`drill tune`) when there are any, else the defaults."""
        from drillcli.store.params import active_parameters
        from drillcli.study.scheduler import make_scheduler

        return make_scheduler(self.config.desired_retention, active_parameters(self.store.db))


def _empty_store() -> Store:
    """A history with nothing in it, in memory: what a read-only command shows before the first session."""
    from drillcli.store.migrations import migrate

    db = sqlite3.connect(":memory:", isolation_level=None)
    migrate(db)
    return Store(db)


def _generated_cards() -> list[CardBase]:
    """Each generated-question family as one card, scheduled under the family's id."""
    from random import Random

    from drillcli.bank.generated import FAMILIES

    return [family.make(Random(0)) for family in FAMILIES]


def materialise(card: CardBase, seed: int) -> CardBase:
    """A generated family's card is drawn afresh each time it is shown; other cards are as written."""
    from random import Random

    from drillcli.bank.generated import family_by_id

    try:
        family = family_by_id(card.id)
    except KeyError:
        return card
    return family.make(Random(f"{card.id}:{seed}:{time.time_ns()}"))
