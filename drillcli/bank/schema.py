"""Typed objects of the bank format (see docs/bank-format.md, the one place every field is documented).

Pydantic validates each YAML mapping; the loader adds the file and line each object came from.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from drillcli.bank.vocab import ASKED_ORDER as ASKED_ORDER
from drillcli.bank.vocab import FORMAT_VERSION as FORMAT_VERSION  # both live in vocab, free of pydantic
from drillcli.bank.vocab import Asked as Asked

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
CLOZE_BLANK = re.compile(r"\{\{(.+?)\}\}")

CardType = Literal["explain", "recall", "cloze", "numeric", "mcq", "short"]
CARD_TYPES: tuple[str, ...] = ("explain", "recall", "cloze", "numeric", "mcq", "short")
TYPED_ANSWER_TYPES = frozenset({"numeric", "mcq", "short"})


class _Strict(BaseModel):
    # defer_build: the validators are built on first use, so a session that reads cached cards never pays.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class KeyPoints(_Strict):
    must: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    nice: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)


class CardBase(_Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
    type: str
    topic: str
    prompt: Annotated[str, Field(min_length=1)]
    tags: list[str] | None = None
    difficulty: Literal[1, 2, 3] | None = None
    most_asked: bool = False
    asked: Asked = Asked.MEDIUM
    related: list[str] = Field(default_factory=list)
    # Where the card came from; filled by the loader, never written in YAML.
    source_file: str = ""
    source_line: int = 0

    @property
    def answer_text(self) -> str:
        """The answer as plain text, for listings and duplicate checks."""
        return str(getattr(self, "answer", ""))


class ExplainCard(CardBase):
    type: Literal["explain"]
    answer: Annotated[str, Field(min_length=1)]
    key_points: KeyPoints


class RecallCard(CardBase):
    type: Literal["recall"]
    answer: Annotated[str, Field(min_length=1)]


class ClozeCard(CardBase):
    """`text` holds the blanks as {{answer}}; `prompt` is an optional lead-in."""

    type: Literal["cloze"]
    prompt: str = "Fill in the blanks."
    text: Annotated[str, Field(min_length=1)]
    explanation: str = ""

    @field_validator("text")
    @classmethod
    def _has_blank(cls, value: str) -> str:
        if not CLOZE_BLANK.search(value):
            raise ValueError("cloze text has no {{blank}}")
        return value

    @property
    def blanks(self) -> list[str]:
        return CLOZE_BLANK.findall(self.text)

    @property
    def answer_text(self) -> str:
        return ", ".join(self.blanks)


class NumericCard(CardBase):
    type: Literal["numeric"]
    answer: float
    tolerance: Annotated[float, Field(ge=0)] | None = None
    unit: str = ""
    explanation: str = ""
    # A Python expression (torch, nn, F, math in scope) that computes `answer`; the tests evaluate it.
    check: str | None = None

    def is_correct(self, value: float) -> bool:
        return abs(value - self.answer) <= (self.tolerance or 0.0) + 1e-9 * abs(self.answer)


class McqCard(CardBase):
    type: Literal["mcq"]
    choices: list[Annotated[str, Field(min_length=1)]] = Field(min_length=2, max_length=6)
    answer: Annotated[str, Field(min_length=1)]
    explanation: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> McqCard:
        if self.answer not in self.choices:
            raise ValueError(f"mcq answer {self.answer!r} is not one of its choices")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("mcq choices repeat")
        return self


class ShortCard(CardBase):
    type: Literal["short"]
    answer: Annotated[str, Field(min_length=1)]
    aliases: list[str] = Field(default_factory=list)
    explanation: str = ""

    def accepted(self) -> list[str]:
        return [self.answer, *self.aliases]


Card = Annotated[
    ExplainCard | RecallCard | ClozeCard | NumericCard | McqCard | ShortCard,
    Field(discriminator="type"),
]

CARD_MODELS: dict[str, type[CardBase]] = {
    "explain": ExplainCard,
    "recall": RecallCard,
    "cloze": ClozeCard,
    "numeric": NumericCard,
    "mcq": McqCard,
    "short": ShortCard,
}


# The grader's verdicts a known-wrong solution may get (never accepted, never internal_error).
MutantVerdict = Literal[
    "wrong_answer", "runtime_error", "time_limit", "memory_limit", "output_limit",
    "syntax_error", "missing_entry_point", "forbidden",
]


class ChallengeMeta(_Strict):
    """`questions/challenges/<id>/challenge.yaml`; the folder also holds starter.py, reference.py,
    tests.py (hidden tests, trusted side), optional driver.py and mutants/*.py."""

    format: int = FORMAT_VERSION
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Annotated[str, Field(min_length=1)]
    topic: str
    difficulty: Literal["easy", "medium", "hard"]
    entry_point: Annotated[str, Field(min_length=1)]
    kind: Literal["function", "class"] = "function"
    signature: str = ""
    forbidden: list[str] = Field(default_factory=list)
    time_limit_s: Annotated[float, Field(gt=0)] = 20.0
    memory_limit_mb: Annotated[int, Field(gt=0)] = 4096
    minutes: Annotated[int, Field(gt=0)] = 15
    prompt: Annotated[str, Field(min_length=1)]
    hints: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    # Each known-wrong solution `mutants/<name>.py` and the verdict the grader must give it.
    mutants: dict[str, MutantVerdict] = Field(default_factory=dict)
    # Markdown shown after a solve or a give-up: the idea, the classic mistakes, the cost.
    explanation: str = ""
    source_file: str = ""
    source_line: int = 0
