"""Hidden tests for huber_loss: expected values are F.huber_loss in float64."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _case(name, pred, target, delta=None, dtype=torch.float32, keyword=False, vjp=False) -> Case:
    pred, target = pred.to(dtype), target.to(dtype)
    d = 1.0 if delta is None else delta
    expected = F.huber_loss(pred.double(), target.double(), delta=d).to(dtype)
    args, kwargs = (pred, target), {}
    if delta is not None:
        if keyword:
            kwargs = {"delta": delta}
        else:
            args = (pred, target, delta)
    extra = {}
    if vjp:
        grad_out = torch.tensor(2.0, dtype=dtype)
        pr = pred.double().clone().requires_grad_(True)
        (gp,) = torch.autograd.grad(F.huber_loss(pr, target.double(), delta=d), pr, grad_out.double())
        extra = {"driver": "vjp", "wrt": (0,), "grad_out": grad_out, "expected_grads": (gp.to(dtype),)}
    return Case(name=name, args=args, kwargs=kwargs, expected=expected, **extra)


def _pair(seed, *shape, scale=1.0):
    g = seeded(seed)
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale,
            torch.randn(*shape, generator=g, dtype=torch.float64) * scale)


def cases(device: str) -> list[Case]:
    boundary_pred = torch.tensor([0.0, 0.0, 1.0, -2.0, 3.0], dtype=torch.float64)
    boundary_target = torch.tensor([1.0, -1.0, 0.5, -1.0, 0.0], dtype=torch.float64)
    return [
        _case("default_delta_mixed_regions", *_pair(1, 32, scale=1.5)),
        _case("all_small_errors_quadratic", *_pair(2, 20, scale=0.2)),
        _case("all_large_errors_linear", *_pair(3, 20, scale=10.0)),
        _case("delta_half_positional", *_pair(4, 8, 6), delta=0.5),
        _case("delta_2_5_keyword", *_pair(5, 40, scale=3.0), delta=2.5, keyword=True),
        _case("errors_exactly_at_delta", boundary_pred, boundary_target),
        _case("batch_3d", *_pair(6, 2, 3, 4, scale=2.0), delta=0.75),
        _case("float64_keeps_dtype", *_pair(7, 5, 5, scale=2.0), delta=1.5, dtype=torch.float64),
        _case("gradient_matches", *_pair(8, 4, 6, scale=2.0), delta=1.25, vjp=True),
    ]
