"""Hidden tests for bce_with_logits: expected values are F.binary_cross_entropy_with_logits in float64."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _case(name, logits, targets, dtype=torch.float32, large=False, vjp=False) -> Case:
    logits, targets = logits.to(dtype), targets.to(dtype)
    expected = F.binary_cross_entropy_with_logits(logits.double(), targets.double()).to(dtype)
    extra = {}
    if large:
        extra = {"atol": 1e-3, "rtol": 1e-5, "description": "logits of ±100: finite loss required"}
    if vjp:
        grad_out = torch.tensor(1.5, dtype=dtype)
        zr = logits.double().clone().requires_grad_(True)
        (gz,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(zr, targets.double()), zr,
                                    grad_out.double())
        extra.update(driver="vjp", wrt=(0,), grad_out=grad_out, expected_grads=(gz.to(dtype),))
    return Case(name=name, args=(logits, targets), expected=expected, **extra)


def _hard(seed, *shape, scale=2.0):
    g = seeded(seed)
    logits = torch.randn(*shape, generator=g, dtype=torch.float64) * scale
    targets = torch.randint(0, 2, shape, generator=g).double()
    return logits, targets


def cases(device: str) -> list[Case]:
    g = seeded(50)
    soft_logits = torch.randn(6, 4, generator=g, dtype=torch.float64) * 2
    soft_targets = torch.rand(6, 4, generator=g, dtype=torch.float64)
    extreme = torch.tensor([100.0, -100.0, 100.0, -100.0, 50.0, -50.0, 0.0, 30.0], dtype=torch.float64)
    extreme_t = torch.tensor([0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.5], dtype=torch.float64)
    return [
        _case("vector_hard_labels", *_hard(1, 16)),
        _case("matrix_multi_label", *_hard(2, 8, 5)),
        _case("soft_targets", soft_logits, soft_targets),
        _case("batch_3d", *_hard(3, 2, 3, 4)),
        _case("logits_plus_minus_100", extreme, extreme_t, large=True),
        _case("large_random_logits_100", *_hard(4, 64, scale=100.0), large=True),
        _case("all_zero_logits", torch.zeros(10, dtype=torch.float64), _hard(5, 10)[1]),
        _case("float64_keeps_dtype", *_hard(6, 7, 3), dtype=torch.float64),
        _case("gradient_matches", soft_logits, soft_targets, vjp=True),
    ]
