"""Checking typed answers and proposing a grade. Pure functions."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from drillcli.bank.schema import ExplainCard, McqCard, NumericCard, ShortCard
from drillcli.study.scheduler import AGAIN, EASY, GOOD, HARD

FAST_TYPED_S = 12.0
FAST_EXPLAIN_S = 120.0
LETTERS = "abcdef"


@dataclass(frozen=True)
class Checked:
    correct: bool
    proposed: int
    feedback: str


@dataclass(frozen=True)
class Unreadable:
    """An answer that cannot be read (not a number, not a choice): asked again, never graded or revealed."""

    reason: str


_SUFFIXES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "g": 1e9, "billion": 1e9,
             "t": 1e12, "trillion": 1e12}
_NUMBER_FORMS = "e.g. 4.2M, 4.2e6, 4,200,000, 1/4, 25%, 3.2k"


def parse_number(text: str, unit: str = "") -> float | None:
    """The forms people type -> float: '73856', '73,856', '73 856', '1e-3', '1/2', '25%', '0.5', '4.2M',
    '3.2k', '2 billion', and the card's unit after the number ('12 MB'); None if not a number."""
    cleaned = text.strip().replace("_", "").replace("\u2212", "-")
    if unit and cleaned.casefold().endswith(unit.casefold()) and len(cleaned) > len(unit):
        cleaned = cleaned[: -len(unit)]
    cleaned = cleaned.replace(" ", "")
    scale = 1.0
    match = re.fullmatch(r"(.*?\d)([a-z]+)", cleaned, flags=re.IGNORECASE)
    if match and match.group(2).casefold() in _SUFFIXES:
        cleaned, scale = match.group(1), _SUFFIXES[match.group(2).casefold()]
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    percent = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%")
    try:
        value = float(Fraction(cleaned)) if "/" in cleaned else float(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    value *= scale
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


def check_numeric(card: NumericCard, typed: str, seconds: float) -> Checked | Unreadable:
    value = parse_number(typed, card.unit)
    if value is None:
        return Unreadable(f"{typed.strip() or 'nothing'} is not a number I can read ({_NUMBER_FORMS})")
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


def check_mcq(card: McqCard, order: list[str], typed: str, seconds: float) -> Checked | Unreadable:
    chosen = _chosen(order, typed)
    if chosen is None:
        letters = ", ".join(LETTERS[: len(order)])
        return Unreadable(f"{typed.strip() or 'nothing'} is not one of {letters}")
    correct = chosen == card.answer
    right_letter = LETTERS[order.index(card.answer)]
    feedback = "Correct." if correct else f"Not quite: the answer is ({right_letter}) {card.answer}"
    return Checked(correct, propose(correct, seconds), feedback)


def _chosen(order: list[str], typed: str) -> str | None:
    """A letter, a number, or the choice's own text."""
    key = typed.strip().lower().strip("()").rstrip(".")
    if len(key) == 1 and key in LETTERS[: len(order)]:
        return order[LETTERS.index(key)]
    if key.isdecimal() and len(key) <= 2 and 1 <= int(key) <= len(order):  # not int("9" * 5000) or int("²")
        return order[int(key) - 1]
    by_text = {normalise(choice): choice for choice in order}
    return by_text.get(normalise(typed)) if normalise(typed) else None


NEAR_MISS_MIN_LENGTH = 5


def check_short(card: ShortCard, typed: str, seconds: float) -> Checked | Unreadable:
    given = normalise(typed)
    if not given:
        return Unreadable("type an answer (letters or digits)")
    accepted = card.accepted()
    if any(given == normalise(a) for a in accepted):
        return Checked(True, propose(True, seconds), "Correct.")
    near = near_miss(given, accepted)
    if near is not None:
        return Checked(True, propose(True, seconds), f"Accepted as {near} (one letter off).")
    return Checked(False, AGAIN, f"The answer is {card.answer}")


def near_miss(given: str, accepted: list[str]) -> str | None:
    """The accepted answer `given` is one edit away from (answers of 5+ characters, normalised)."""
    from rapidfuzz.distance import Levenshtein

    for answer in accepted:
        target = normalise(answer)
        if len(target) >= NEAR_MISS_MIN_LENGTH and Levenshtein.distance(given, target, score_cutoff=1) <= 1:
            return answer
    return None


def propose_explain(card: ExplainCard, ticked: set[str], seconds: float) -> int:
    """As a fair interviewer: every must point -> Good; every must and nice point, quickly -> Easy; one must
    point missed -> Hard; more missed (or none made) -> Again."""
    musts = {f"m{i}" for i in range(len(card.key_points.must))}
    nices = {f"n{i}" for i in range(len(card.key_points.nice))}
    missed = len(musts - ticked)
    if missed == 1 and len(musts) > 1:
        return HARD
    if missed:
        return AGAIN
    if nices <= ticked and seconds <= FAST_EXPLAIN_S:
        return EASY
    return GOOD
