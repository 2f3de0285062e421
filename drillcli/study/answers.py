"""Checking typed answers and proposing a grade. Pure functions."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from drillcli.bank.schema import ExplainCard, McqCard, NumericCard, ShortCard
from drillcli.study.scheduler import AGAIN, EASY, GOOD

FAST_TYPED_S = 12.0
FAST_EXPLAIN_S = 120.0
LETTERS = "abcdef"


@dataclass(frozen=True)
class Checked:
    correct: bool
    proposed: int
    feedback: str


def parse_number(text: str) -> float | None:
    """'73856', '73,856', '73 856', '1e-3', '1/2', '25%', '0.5' -> float; None if not a number."""
    cleaned = text.strip().replace("_", "").replace(" ", "").replace("\u2212", "-")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    percent = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%")
    try:
        value = float(Fraction(cleaned)) if "/" in cleaned else float(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def normalise(text: str) -> str:
    """Case-, space- and punctuation-insensitive form of a short answer."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\W_]+", "", text)


def propose(correct: bool, seconds: float, fast_limit: float = FAST_TYPED_S) -> int:
    if not correct:
        return AGAIN
    return EASY if seconds <= fast_limit else GOOD


def check_numeric(card: NumericCard, typed: str, seconds: float) -> Checked:
    value = parse_number(typed)
    if value is None:
        return Checked(False, AGAIN, f"{typed.strip() or 'nothing'!s} is not a number")
    correct = card.is_correct(value)
    return Checked(correct, propose(correct, seconds), _numeric_feedback(card, value, correct))


def _numeric_feedback(card: NumericCard, value: float, correct: bool) -> str:
    answer = format_number(card.answer)
    if correct:
        return f"Correct: {answer}{' ' + card.unit if card.unit else ''}"
    return f"You said {format_number(value)}; the answer is {answer}{' ' + card.unit if card.unit else ''}"


def format_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.6g}"


def shuffled_choices(card: McqCard, seed: int) -> list[str]:
    """The choices in a stable per-showing order, so position is not the thing memorised."""
    import random

    order = list(card.choices)
    random.Random(f"{card.id}:{seed}").shuffle(order)
    return order


def check_mcq(card: McqCard, order: list[str], typed: str, seconds: float) -> Checked:
    key = typed.strip().lower().rstrip(")").rstrip(".")
    if len(key) == 1 and key in LETTERS[: len(order)]:
        chosen = order[LETTERS.index(key)]
    elif key.isdigit() and 1 <= int(key) <= len(order):
        chosen = order[int(key) - 1]
    else:
        return Checked(False, AGAIN, f"{typed.strip() or 'nothing'} is not one of "
                                     f"{', '.join(LETTERS[: len(order)])}")
    correct = chosen == card.answer
    right_letter = LETTERS[order.index(card.answer)]
    feedback = "Correct." if correct else f"Not quite: the answer is ({right_letter}) {card.answer}"
    return Checked(correct, propose(correct, seconds), feedback)


def check_short(card: ShortCard, typed: str, seconds: float) -> Checked:
    given = normalise(typed)
    correct = bool(given) and any(given == normalise(a) for a in card.accepted())
    feedback = "Correct." if correct else f"The answer is {card.answer}"
    return Checked(correct, propose(correct, seconds), feedback)


def propose_explain(card: ExplainCard, ticked: set[str], seconds: float) -> int:
    """A missed must -> Again; every must -> Good; everything, quickly -> Easy."""
    musts = {f"m{i}" for i in range(len(card.key_points.must))}
    nices = {f"n{i}" for i in range(len(card.key_points.nice))}
    if not musts <= ticked:
        return AGAIN
    if nices <= ticked and seconds <= FAST_EXPLAIN_S:
        return EASY
    return GOOD
