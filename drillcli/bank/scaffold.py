"""`drill bank new-challenge ID`: a new challenge folder with every file and field in place.

The folder passes `drill bank lint --challenges` as soon as the author writes the reference: its
tests.py takes expected values from reference.py (through `tensor_case`), the starter raises, and the
one mutant returns its input unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from drillcli.bank.schema import ID_PATTERN
from drillcli.bank.topics import TOPICS
from drillcli.errors import UsageError

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Scaffold:
    folder: Path
    files: list[Path]


_YAML = '''\
format: 1
id: {id}
title: "TODO: a short title"
topic: {topic}
difficulty: medium  # easy, medium or hard
entry_point: {entry}
kind: function
signature: "{entry}(x: torch.Tensor) -> torch.Tensor"
forbidden: []  # e.g. [torch.nn.functional.softmax]; lint checks each one is caught
time_limit_s: 20
memory_limit_mb: 4096
minutes: 15
prompt: |
  Write `{entry}(x)`: TODO say what it computes.

  - Shapes: `x` is `(..., D)`; the result has the shape and dtype of `x`.
  - Worked example: `{entry}(torch.tensor([1.0, 2.0]))` returns `TODO`.
  - Not allowed: TODO (or "nothing is forbidden").
hints:
  - "TODO: a gentle nudge."
  - "TODO: the key step."
  - "TODO: nearly the answer."
tags: [TODO]
explanation: |
  TODO: the idea, the classic mistakes, the cost (shown after a solve or a give-up).
mutants:
  returns_input: wrong_answer  # a known-wrong solution and the verdict it must get
'''

_STARTER = '''\
import torch


def {entry}(x: torch.Tensor) -> torch.Tensor:
    """TODO: one line on what it returns."""
    raise NotImplementedError
'''

_REFERENCE = '''\
import torch


def {entry}(x: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write the reference solution here")
'''

_TESTS = '''\
"""Hidden tests for `{entry}`: expected values from reference.py, computed in float64."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, load_reference, seeded, tensor_case

reference = load_reference(__file__, "{entry}")


def cases(device: str) -> list[Case]:
    g = seeded(1)
    return [
        tensor_case("small", reference, (torch.randn(4, 8, generator=g),)),
        tensor_case("batched", reference, (torch.randn(2, 3, 16, generator=g),)),
        tensor_case("float64_keeps_dtype", reference, (torch.randn(5, 4, generator=g, dtype=torch.float64),)),
        tensor_case("gradients", reference, (torch.randn(3, 6, generator=g, dtype=torch.float64),), wrt=(0,)),
    ]
'''

_MUTANT = '''\
import torch


def {entry}(x: torch.Tensor) -> torch.Tensor:
    return x.clone()
'''


def new_challenge(bank: Path, challenge_id: str, topic: str = "basics") -> Scaffold:
    """Write `bank/challenges/<id>/`; raises `UsageError` for a bad id or topic, or an existing folder."""
    if not re.match(ID_PATTERN, challenge_id) or not IDENTIFIER.match(challenge_id):
        raise UsageError(f"challenge id {challenge_id!r} must be a Python identifier in lower case "
                         "(letters, digits, underscores), as it names the entry point too")
    if topic not in TOPICS:
        raise UsageError(f"unknown topic {topic!r} (choose one of {', '.join(TOPICS)})")
    folder = bank / "challenges" / challenge_id
    if folder.exists():
        raise UsageError(f"{folder} already exists")
    fields = {"id": challenge_id, "entry": challenge_id, "topic": topic}
    contents = {
        folder / "challenge.yaml": _YAML,
        folder / "starter.py": _STARTER,
        folder / "reference.py": _REFERENCE,
        folder / "tests.py": _TESTS,
        folder / "mutants" / "returns_input.py": _MUTANT,
    }
    (folder / "mutants").mkdir(parents=True)
    for path, template in contents.items():
        path.write_text(template.format(**fields), encoding="utf-8")
    return Scaffold(folder, list(contents))
