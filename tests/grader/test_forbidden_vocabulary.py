"""Resolving `forbidden:` entries (in this process: resolution only, nothing installed)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from drillcli.grader.forbidden import UnknownEntry, resolve


def test_a_function_forbids_its_aliases_and_family() -> None:
    names = set(resolve(["torch.nn.functional.softmax"]).functions.values())
    assert {"torch.nn.functional.softmax", "torch.softmax", "torch._softmax", "torch.special.softmax",
            "torch.Tensor.softmax"} <= names
    assert not any("log_softmax" in n or "logsumexp" in n for n in names)


def test_identity_not_names_decides() -> None:
    functions = resolve(["torch.nn.functional.softmax"]).functions
    assert F.softmax in functions and torch.Tensor.softmax in functions
    assert torch.logsumexp not in functions and torch.exp not in functions


def test_autograd_group_spares_grad_modes() -> None:
    functions = resolve(["autograd"]).functions
    assert torch.autograd.grad in functions and torch.Tensor.backward in functions
    assert torch.func.vjp in functions
    assert torch.autograd.forward_ad.make_dual in functions and torch._make_dual in functions
    assert torch.no_grad not in functions and torch.enable_grad not in functions


def test_modules_classes_and_patterns() -> None:
    init = resolve(["torch.nn.init"]).functions
    assert torch.nn.init.kaiming_normal_ in init and torch.nn.init.xavier_uniform_ in init
    optim = resolve(["torch.optim"]).classes
    assert torch.optim.SGD in optim and torch.optim.Adam in optim
    norms = resolve(["torch.nn.BatchNorm*"]).classes
    assert {torch.nn.BatchNorm1d, torch.nn.BatchNorm2d} <= set(norms)
    assert resolve(["torch.nn.Linear"]).classes == {torch.nn.Linear: "torch.nn.Linear"}


def test_python_functions_are_rebound_where_they_live() -> None:
    resolved = resolve(["torch.nn.utils.clip_grad_norm_"])
    assert {"torch.nn.utils", "torch.nn.utils.clip_grad"} <= resolved.modules


def test_unknown_entries_are_errors() -> None:
    with pytest.raises(UnknownEntry):
        resolve(["torch.nn.functional.no_such_thing"])
    with pytest.raises(UnknownEntry):
        resolve(["numpy.exp"])


def test_every_bundled_forbidden_entry_resolves() -> None:
    from drillcli.bank.challenges import load_challenges
    from drillcli.paths import bundled_bank_dir

    for challenge in load_challenges([bundled_bank_dir()]):
        resolve(challenge.meta.forbidden)
