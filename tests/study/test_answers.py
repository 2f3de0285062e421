from __future__ import annotations

import pytest

from drillcli.bank.loader import load_bank
from drillcli.bank.schema import ExplainCard, McqCard, NumericCard, ShortCard
from drillcli.study.answers import (
    LETTERS,
    check_mcq,
    check_numeric,
    check_short,
    normalise,
    parse_number,
    propose_explain,
    shuffled_choices,
)
from drillcli.study.scheduler import AGAIN, EASY, GOOD
from tests.conftest import FIXTURE_BANK

BY_ID = load_bank([FIXTURE_BANK], use_cache=False).by_id()


@pytest.mark.parametrize(("text", "value"), [
    ("55", 55.0), ("73,856", 73856.0), ("73 856", 73856.0), ("1e-3", 0.001), ("1/4", 0.25),
    ("25%", 0.25), ("−2", -2.0), ("abc", None), ("", None), ("1/0", None), ("nan", None),
])
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_numeric_checks_and_proposes() -> None:
    card = BY_ID["fx-numeric"]
    assert isinstance(card, NumericCard)
    assert check_numeric(card, "55", 3).proposed == EASY
    assert check_numeric(card, "55", 60).proposed == GOOD
    wrong = check_numeric(card, "56", 3)
    assert not wrong.correct and wrong.proposed == AGAIN and "55" in wrong.feedback


def test_mcq_by_letter_in_shuffled_order() -> None:
    card = BY_ID["fx-mcq"]
    assert isinstance(card, McqCard)
    order = shuffled_choices(card, seed=7)
    assert sorted(order) == sorted(card.choices)
    right = LETTERS[order.index("ReLU")]
    wrong = next(letter for letter, c in zip(LETTERS, order) if c != "ReLU")
    assert check_mcq(card, order, right, 2).correct
    assert not check_mcq(card, order, wrong, 2).correct
    assert not check_mcq(card, order, "z", 2).correct


def test_short_ignores_case_space_punctuation_and_takes_aliases() -> None:
    card = BY_ID["fx-short"]
    assert isinstance(card, ShortCard)
    assert normalise("  A.d-A m ") == "adam"
    assert check_short(card, "ADAM", 5).correct
    assert check_short(card, "AdamW", 5).correct
    assert not check_short(card, "sgd", 5).correct
    assert not check_short(card, "", 5).correct


def test_explain_proposal() -> None:
    card = BY_ID["fx-explain"]
    assert isinstance(card, ExplainCard)
    assert propose_explain(card, {"m0"}, 30) == AGAIN
    assert propose_explain(card, {"m0", "m1"}, 30) == GOOD
    assert propose_explain(card, {"m0", "m1", "n0"}, 30) == EASY
    assert propose_explain(card, {"m0", "m1", "n0"}, 600) == GOOD
