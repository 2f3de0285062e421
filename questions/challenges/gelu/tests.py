"""Hidden tests for gelu: expected values are F.gelu (exact) in float64."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _case(name, x, dtype=torch.float32, vjp=False, **extra) -> Case:
    x = x.to(dtype)
    x64 = x.double()
    expected = F.gelu(x64).to(dtype)
    if vjp:
        grad_out = torch.randn(x.shape, generator=seeded(77), dtype=torch.float64).to(dtype)
        xr = x64.clone().requires_grad_(True)
        (gx,) = torch.autograd.grad(F.gelu(xr), xr, grad_out.double())
        extra.update(driver="vjp", wrt=(0,), grad_out=grad_out, expected_grads=(gx.to(dtype),))
    return Case(name=name, args=(x,), expected=expected, **extra)


def cases(device: str) -> list[Case]:
    g = seeded(1)
    return [
        _case("range_minus6_to_6", torch.linspace(-6, 6, 241, dtype=torch.float64)),
        _case("random_batch_3d", torch.randn(2, 3, 17, generator=g, dtype=torch.float64) * 2),
        _case("around_zero", torch.linspace(-0.5, 0.5, 101, dtype=torch.float64)),
        _case("zeros", torch.zeros(4, 4, dtype=torch.float64)),
        _case("large_magnitude_50", torch.tensor([-50.0, -20.0, -10.0, 10.0, 20.0, 50.0], dtype=torch.float64)),
        _case("scalar_0d", torch.tensor(0.75, dtype=torch.float64)),
        _case("float64_keeps_dtype", torch.randn(5, 9, generator=g, dtype=torch.float64) * 3, dtype=torch.float64),
        _case("gradient_matches", torch.randn(6, 7, generator=g, dtype=torch.float64) * 2, vjp=True),
    ]
