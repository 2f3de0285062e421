"""Hidden tests for linear_backward: expected gradients come from autograd on the trusted side."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded


def _case(name: str, seed: int, n: int, n_in: int, n_out: int, dtype=torch.float32) -> Case:
    g = seeded(seed)
    x = torch.randn(n, n_in, generator=g, dtype=torch.float64)
    w = torch.randn(n_out, n_in, generator=g, dtype=torch.float64)
    b = torch.randn(n_out, generator=g, dtype=torch.float64)
    grad_out = torch.randn(n, n_out, generator=g, dtype=torch.float64)
    x, w, b, grad_out = (t.to(dtype).double() for t in (x, w, b, grad_out))
    xr, wr, br = (t.clone().requires_grad_(True) for t in (x, w, b))
    y = xr @ wr.T + br
    grads = torch.autograd.grad(y, (xr, wr, br), grad_out)
    expected = tuple(t.to(dtype) for t in grads)
    return Case(
        name=name,
        args=(x.to(dtype), w.to(dtype), grad_out.to(dtype)),
        expected=expected,
        # grad_bias sums over the batch, so float32 round-off grows a little with N
        atol=1e-5 if dtype == torch.float32 else None,
        rtol=1e-5 if dtype == torch.float32 else None,
        cuda_tol=1e-3,
    )


def cases(device: str) -> list[Case]:
    return [
        _case("small_batch", 1, 4, 3, 2),
        _case("square_weight", 2, 6, 5, 5),
        _case("batch_of_one", 3, 1, 4, 3),
        _case("more_outputs_than_inputs", 4, 8, 3, 7),
        _case("single_output_unit", 5, 10, 6, 1),
        _case("larger_layer", 6, 64, 32, 16),
        _case("float64_keeps_dtype", 7, 5, 4, 4, dtype=torch.float64),
        _case("float64_rectangular", 8, 3, 7, 2, dtype=torch.float64),
    ]
