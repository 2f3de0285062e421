"""Hidden tests for log_softmax: expected values are torch.log_softmax in float64."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded


def _case(name, x, dim=None, dtype=torch.float32, large=False, vjp=False) -> Case:
    x = x.to(dtype)
    x64 = x.double()
    kwargs = {} if dim is None else {"dim": dim}
    expected = torch.log_softmax(x64, dim=-1 if dim is None else dim)
    extra = {}
    if large:
        extra = {"atol": 1e-3, "rtol": 1e-6, "description": "large logits: finite output required, atol 1e-3"}
    if vjp:
        grad_out = torch.randn(x.shape, generator=seeded(1234), dtype=torch.float64)
        xr = x64.clone().requires_grad_(True)
        (gx,) = torch.autograd.grad(torch.log_softmax(xr, dim=kwargs.get("dim", -1)), xr, grad_out)
        extra.update(driver="vjp", wrt=(0,), grad_out=grad_out.to(dtype), expected_grads=(gx.to(dtype),))
    return Case(name=name, args=(x,), kwargs=kwargs, expected=expected.to(dtype), **extra)


def _randn(seed, *shape, scale=1.0):
    return torch.randn(*shape, generator=seeded(seed), dtype=torch.float64) * scale


def cases(device: str) -> list[Case]:
    return [
        _case("rows_default_last_dim", _randn(1, 4, 6)),
        _case("dim0_columns", _randn(2, 5, 3), dim=0),
        _case("batch_3d_dim1", _randn(3, 2, 4, 5), dim=1),
        _case("negative_dim_minus2", _randn(4, 3, 5, 2), dim=-2),
        _case("vector_1d", _randn(5, 10)),
        _case("large_logits_1e4", _randn(6, 4, 8, scale=1e4), large=True),
        _case("large_logits_dim0", _randn(7, 6, 3, scale=1e4), dim=0, large=True),
        _case("common_offset_plus_1e4", _randn(8, 3, 5) + 1e4, large=True),
        _case("float64_keeps_dtype", _randn(9, 3, 7), dtype=torch.float64),
        _case("gradient_matches", _randn(10, 4, 5), dim=1, vjp=True),
    ]
