from __future__ import annotations

import pytest

from drillcli.bank.loader import load_bank
from drillcli.bank.schema import ExplainCard, McqCard, NumericCard, ShortCard
from drillcli.study.answers import (
    LETTERS,
    Checked,
    Unreadable,
    check_mcq,
    check_numeric,
    check_short,
    normalise,
    parse_number,
    propose_explain,
    shuffled_choices,
)
from drillcli.study.scheduler import AGAIN, EASY, GOOD, HARD
from tests.conftest import FIXTURE_BANK

BY_ID = load_bank([FIXTURE_BANK], use_cache=False).by_id()


@pytest.mark.parametrize(("text", "value"), [
    ("55", 55.0), ("73,856", 73856.0), ("73 856", 73856.0), ("1e-3", 0.001), ("1/4", 0.25),
    ("25%", 0.25), ("−2", -2.0), ("abc", None), ("", None), ("1/0", None), ("nan", None),
    ("4.2M", 4.2e6), ("4.2e6", 4.2e6), ("4,200,000", 4.2e6), ("3.2k", 3200.0), ("2 billion", 2e9),
    ("4.2x", None), ("55 ½", None),
])
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == pytest.approx(value) if value is not None else parse_number(text) is None


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
    assert check_mcq(card, order, "e", 2) == Unreadable("e is not one of a, b, c, d")
    assert check_mcq(card, order, "relu", 2).correct  # the choice's own text


def test_short_ignores_case_space_punctuation_and_takes_aliases() -> None:
    card = BY_ID["fx-short"]
    assert isinstance(card, ShortCard)
    assert normalise("  A.d-A m ") == "adam"
    assert check_short(card, "ADAM", 5).correct
    assert check_short(card, "AdamW", 5).correct
    sgd = check_short(card, "sgd", 5)
    assert isinstance(sgd, Checked) and not sgd.correct
    assert isinstance(check_short(card, "  ?", 5), Unreadable)


def test_explain_proposal() -> None:
    card = BY_ID["fx-explain"]
    assert isinstance(card, ExplainCard)
    assert propose_explain(card, set(), 30) == AGAIN
    assert propose_explain(card, {"m0"}, 30) == HARD  # one must point missed
    assert propose_explain(card, {"m1", "n0"}, 30) == HARD
    assert propose_explain(card, {"m0", "m1"}, 30) == GOOD
    assert propose_explain(card, {"m0", "m1", "n0"}, 30) == EASY
    assert propose_explain(card, {"m0", "m1", "n0"}, 600) == GOOD


def test_an_unreadable_number_is_not_graded_and_says_why() -> None:
    card = BY_ID["fx-numeric"]
    assert isinstance(card, NumericCard)
    result = check_numeric(card, "fifty", 3)
    assert isinstance(result, Unreadable) and "fifty is not a number" in result.reason and "4.2M" in result.reason


def test_a_number_may_carry_the_cards_unit() -> None:
    assert parse_number("12 MB", unit="MB") == 12.0
    assert parse_number("12MB") is None


@pytest.mark.parametrize(("answer", "typed", "accepted"), [
    ("Momentum", "momentun", True),    # one substitution in 8 letters
    ("Momentum", "Momentm", True),     # one deletion
    ("Momentum", "momentuum", True),   # one insertion
    ("Momentum", "mometnum", False),   # two edits
    ("Adam", "adma", False),           # under 5 characters: exact only
    ("Batch norm", "batchnorn", True), # spaces and case ignored first
])
def test_short_answers_accept_one_edit_from_five_characters(answer: str, typed: str, accepted: bool) -> None:
    card = ShortCard(id="s", type="short", topic="basics", prompt="?", answer=answer)
    result = check_short(card, typed, 5)
    assert isinstance(result, Checked) and result.correct is accepted
    if accepted and normalise(typed) != normalise(answer):
        assert result.feedback.startswith(f"Accepted as {answer}")
