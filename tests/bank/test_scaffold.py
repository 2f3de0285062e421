"""`drill bank new-challenge`: a folder that validates at once and passes lint once the reference exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from drillcli.bank.challenges import load_challenge
from drillcli.bank.scaffold import new_challenge
from drillcli.cli.app import app
from drillcli.cli.bank import validate_folders
from drillcli.errors import UsageError
from drillcli.lint import lint_challenges, signature_problems

REFERENCE = "import torch\n\n\ndef halve(x: torch.Tensor) -> torch.Tensor:\n    return x / 2\n"


def test_the_command_writes_every_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bank", "new-challenge", "halve", str(tmp_path), "--topic", "losses"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "challenges" / "halve"
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.py"))
    assert names == ["mutants/returns_input.py", "reference.py", "starter.py", "tests.py"]
    challenge = load_challenge(folder)
    assert (challenge.meta.topic, challenge.meta.entry_point) == ("losses", "halve")
    assert challenge.mutants == {"returns_input": "wrong_answer"}
    assert challenge.explanation.startswith("TODO")
    assert validate_folders([tmp_path])[2] == []
    assert signature_problems(challenge) == []


@pytest.mark.parametrize(("cid", "topic", "message"), [
    ("Halve", "basics", "must be a Python identifier"),
    ("2x", "basics", "must be a Python identifier"),
    ("halve", "nope", "unknown topic 'nope'"),
])
def test_bad_ids_and_topics_are_refused(tmp_path: Path, cid: str, topic: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        new_challenge(tmp_path, cid, topic)


def test_an_existing_folder_is_left_alone(tmp_path: Path) -> None:
    new_challenge(tmp_path, "halve")
    (tmp_path / "challenges" / "halve" / "reference.py").write_text(REFERENCE)
    with pytest.raises(UsageError, match="already exists"):
        new_challenge(tmp_path, "halve")
    assert (tmp_path / "challenges" / "halve" / "reference.py").read_text() == REFERENCE


def test_lint_fails_until_the_reference_is_written_then_passes(tmp_path: Path) -> None:
    folder = new_challenge(tmp_path, "halve").folder
    before = lint_challenges([load_challenge(folder)], device="cpu")
    # the hidden tests take their expected values from the reference, so nothing can be graded yet
    assert len(before) == 3 and all("write the reference solution here" in p.message for p in before)
    (folder / "reference.py").write_text(REFERENCE)
    assert lint_challenges([load_challenge(folder)], device="cpu") == []


CLASS_REFERENCE = '''import torch
from torch import nn


class GatedUnit(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(features, features)
        self.gate = nn.Linear(features, features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x) * torch.sigmoid(self.gate(x))
'''


def test_a_class_challenge_loads_weights_by_name_once_the_reference_exists(tmp_path: Path) -> None:
    folder = new_challenge(tmp_path, "gated_unit", kind="class").folder
    challenge = load_challenge(folder)
    assert (challenge.meta.kind, challenge.meta.entry_point) == ("class", "GatedUnit")
    assert (folder / "driver.py").is_file() and signature_problems(challenge) == []
    (folder / "reference.py").write_text(CLASS_REFERENCE)
    assert lint_challenges([load_challenge(folder)], device="cpu") == []
    # a module that computes the same but names its layers differently fails on the names
    (folder / "mutants" / "renamed.py").write_text(CLASS_REFERENCE.replace("self.gate", "self.g"))
    with open(folder / "challenge.yaml", "a") as handle:
        handle.write("  renamed: wrong_answer\n")
    assert lint_challenges([load_challenge(folder)], device="cpu") == []


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown kind 'module'"):
        new_challenge(tmp_path, "halve", kind="module")
