"""What is shown after an attempt: the reference, the explanation, and the user's file beside it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drillcli.bank.challenges import Challenge



@dataclass(frozen=True)
class Lesson:
    reference: str  # the reference solution's source
    explanation: str  # Markdown; empty when the challenge has none and no mutant says anything
    from_mutants: bool  # the explanation is only the list of known mistakes, read from the mutants


def lesson_for(challenge: Challenge) -> Lesson:
    reference = _read(challenge.reference_path)
    written = challenge.explanation.strip()
    if written:
        return Lesson(reference, written, False)
    mistakes = known_mistakes(challenge)
    text = "**Classic mistakes**\n\n" + "\n".join(f"- {m}" for m in mistakes) if mistakes else ""
    return Lesson(reference, text, True)


def known_mistakes(challenge: Challenge) -> list[str]:
    """What each known-wrong variant gets wrong, from the comment beside it in the yaml's `mutants:`
    (else its name); mutants that call a forbidden API are left out: they break a rule, not the maths."""
    raw = _read(challenge.folder / "challenge.yaml")
    found = []
    for name, verdict in challenge.mutants.items():
        if verdict == "forbidden":
            continue
        match = re.search(rf"^\s+{re.escape(name)}:\s*\w+\s*#\s*(.+)$", raw, re.MULTILINE)
        found.append(match.group(1).strip() if match else name.replace("_", " "))
    return found


class Side(str, Enum):
    SAME = "same"
    CHANGED = "changed"
    ONLY_LEFT = "only_left"
    ONLY_RIGHT = "only_right"


@dataclass(frozen=True)
class Row:
    left: str | None
    right: str | None
    side: Side


def side_by_side(left: str, right: str) -> list[Row]:
    """The two files aligned line by line, for a two-column view (yours | reference)."""
    a, b = left.rstrip().splitlines(), right.rstrip().splitlines()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [Row(x, y, Side.SAME) for x, y in zip(a[i1:i2], b[j1:j2])]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            x = a[i1 + k] if i1 + k < i2 else None
            y = b[j1 + k] if j1 + k < j2 else None
            side = Side.CHANGED if x is not None and y is not None else Side.ONLY_LEFT if y is None else Side.ONLY_RIGHT
            rows.append(Row(x, y, side))
    return rows


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
