"""Every numeric card's `check` expression, evaluated with torch, must reproduce its `answer`.

Loads every YAML file under questions/cards/ directly with yaml.safe_load (independent of the bank
loader), so a wrong number anywhere in the bundled bank fails a test named after the card.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import yaml
from torch import nn
from torch.nn import functional as F

CARDS_DIR = Path(__file__).resolve().parents[2] / "questions" / "cards"


def _numeric_cards() -> list[tuple[str, str, dict]]:
    found: list[tuple[str, str, dict]] = []
    for path in sorted(CARDS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for card in data.get("cards") or []:
            if isinstance(card, dict) and card.get("type") == "numeric":
                found.append((path.name, str(card.get("id")), card))
    return found


NUMERIC_CARDS = _numeric_cards()


def _as_float(value: object) -> float:
    if isinstance(value, torch.Tensor):
        assert value.numel() == 1, f"check returned a tensor of shape {tuple(value.shape)}"
        return float(value.item())
    return float(value)  # type: ignore[arg-type]


def test_cards_folder_has_numeric_cards() -> None:
    assert CARDS_DIR.is_dir(), f"missing {CARDS_DIR}"
    assert NUMERIC_CARDS, "no numeric cards found in questions/cards/"


def test_numeric_ids_are_unique() -> None:
    ids = [card_id for _, card_id, _ in NUMERIC_CARDS]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"numeric card ids repeat: {dupes}"


NUMERIC_IDS = [f"{name}:{card_id}" for name, card_id, _ in NUMERIC_CARDS]


@pytest.mark.parametrize("card", [card for _, _, card in NUMERIC_CARDS], ids=NUMERIC_IDS)
def test_numeric_card_check_matches_answer(card: dict) -> None:
    assert card.get("check"), f"{card.get('id')}: numeric card has no check"
    assert card.get("tolerance") is not None, f"{card.get('id')}: numeric card has no tolerance"
    tolerance = float(card["tolerance"])
    assert tolerance >= 0
    answer = float(card["answer"])
    torch.manual_seed(0)
    scope = {"torch": torch, "nn": nn, "F": F, "math": math}
    value = _as_float(eval(card["check"], scope))  # noqa: S307 - trusted bank content
    assert math.isfinite(value), f"{card['id']}: check gave {value}"
    assert abs(value - answer) <= tolerance + 1e-9 * abs(answer), (
        f"{card['id']}: check {card['check']!r} gives {value}, card says {answer} ± {tolerance}"
    )
