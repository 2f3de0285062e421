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


_CLASS_YAML = _YAML.replace("kind: function", "kind: class").replace(
    'signature: "{entry}(x: torch.Tensor) -> torch.Tensor"',
    'signature: "class {entry}(nn.Module):  # {entry}(features: int); forward(x: torch.Tensor) -> torch.Tensor"',
).replace(
    "Write `{entry}(x)`: TODO say what it computes.",
    "Write `class {entry}(nn.Module)`, `{entry}(features)`: TODO say what it computes. The tests load\n"
    "  weights by `state_dict` name: list every attribute (e.g. `linear`: `nn.Linear(features, features)`).",
).replace("`{entry}(torch.tensor([1.0, 2.0]))` returns `TODO`", "TODO")

_CLASS_STARTER = '''\
import torch
from torch import nn


class {entry}(nn.Module):
    """TODO: one line on what it computes."""

    def __init__(self, features: int) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError
'''

_CLASS_REFERENCE = '''\
import torch
from torch import nn


class {entry}(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(features, features)
        raise NotImplementedError("write the reference solution here")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError
'''

_CLASS_TESTS = '''\
"""Hidden tests for `{entry}`: state_dict names from reference.py's module, random weights loaded by
name, outputs and every parameter's gradient compared with the reference module in float64."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, load_reference, module_case, module_reference, random_state, seeded

Reference = load_reference(__file__, "{entry}")


def _case(name: str, seed: int, features: int, lead: tuple[int, ...], *, dtype: torch.dtype = torch.float32,
          grads: bool = False) -> Case:
    state = random_state(Reference(features), seed, dtype)
    x = torch.randn(*lead, features, generator=seeded(seed + 1), dtype=torch.float64).to(dtype)
    tol = {{"atol": 1e-5, "rtol": 1e-4}} if dtype == torch.float32 else {{}}
    return module_case(name, (features,), state, (x,), module_reference(Reference, features), grads=grads,
                       seed=seed, **tol)


def cases(device: str) -> list[Case]:
    return [
        _case("small", 1, 8, (4,)),
        _case("batched", 2, 16, (2, 3)),
        _case("float64", 3, 8, (5,), dtype=torch.float64),
        _case("gradients", 4, 8, (6,), dtype=torch.float64, grads=True),
    ]
'''

_CLASS_DRIVER = '''\
"""Runs in the submission's process: the shared driver of module_case."""

from drillcli.grader.api import drive_module  # noqa: F401
'''

_CLASS_MUTANT = '''\
import torch
from torch import nn


class {entry}(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(features, features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.clone()
'''


def class_name(challenge_id: str) -> str:
    """`transformer_block` -> `TransformerBlock`: the entry point of a class challenge."""
    return "".join(part[:1].upper() + part[1:] for part in challenge_id.split("_") if part)


def new_challenge(bank: Path, challenge_id: str, topic: str = "basics", kind: str = "function") -> Scaffold:
    """Write `bank/challenges/<id>/` for a function (entry point: the id) or an nn.Module class (entry
    point: the id in CamelCase); raises `UsageError` for a bad id, topic or kind, or an existing folder."""
    if not re.match(ID_PATTERN, challenge_id) or not IDENTIFIER.match(challenge_id):
        raise UsageError(f"challenge id {challenge_id!r} must be a Python identifier in lower case "
                         "(letters, digits, underscores), as it names the entry point too")
    if topic not in TOPICS:
        raise UsageError(f"unknown topic {topic!r} (choose one of {', '.join(TOPICS)})")
    if kind not in ("function", "class"):
        raise UsageError(f"unknown kind {kind!r} (choose function or class)")
    folder = bank / "challenges" / challenge_id
    if folder.exists():
        raise UsageError(f"{folder} already exists")
    entry = class_name(challenge_id) if kind == "class" else challenge_id
    fields = {"id": challenge_id, "entry": entry, "topic": topic}
    if kind == "class":
        contents = {
            folder / "challenge.yaml": _CLASS_YAML,
            folder / "starter.py": _CLASS_STARTER,
            folder / "reference.py": _CLASS_REFERENCE,
            folder / "tests.py": _CLASS_TESTS,
            folder / "driver.py": _CLASS_DRIVER,
            folder / "mutants" / "returns_input.py": _CLASS_MUTANT,
        }
    else:
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
