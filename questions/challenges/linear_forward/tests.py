"""Hidden tests for linear_forward."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded


def _inputs(seed: int, lead: tuple[int, ...], n_in: int, n_out: int, dtype=torch.float32, bias: bool = True):
    g = seeded(seed)
    x = torch.randn(*lead, n_in, generator=g, dtype=torch.float64)
    w = torch.randn(n_out, n_in, generator=g, dtype=torch.float64) / n_in**0.5
    b = torch.randn(n_out, generator=g, dtype=torch.float64) if bias else None
    # round to the test dtype first, so expected values use exactly what the submission sees
    x, w = x.to(dtype).double(), w.to(dtype).double()
    b = None if b is None else b.to(dtype).double()
    expected = x @ w.T + (b if b is not None else 0.0)
    cast = lambda t: None if t is None else t.to(dtype)  # noqa: E731
    return cast(x), cast(w), cast(b), expected.to(dtype)


def _case(name: str, seed: int, lead, n_in, n_out, dtype=torch.float32, bias=True, pass_bias=True, **extra):
    x, w, b, expected = _inputs(seed, lead, n_in, n_out, dtype, bias)
    args = (x, w, b) if pass_bias else (x, w)
    return Case(name=name, args=args, expected=expected, cuda_tol=1e-3, **extra)


def _grad_case() -> Case:
    x, w, b, _ = _inputs(7, (6,), 5, 4, torch.float64)
    g = seeded(8)
    grad_out = torch.randn(6, 4, generator=g, dtype=torch.float64)
    xr, wr, br = (t.clone().requires_grad_(True) for t in (x, w, b))
    y = xr @ wr.T + br
    expected_grads = torch.autograd.grad(y, (xr, wr, br), grad_out)
    return Case(
        name="gradients_flow_to_x_weight_bias",
        args=(x, w, b),
        driver="vjp",
        wrt=(0, 1, 2),
        grad_out=grad_out,
        expected=y.detach(),
        expected_grads=tuple(t.detach() for t in expected_grads),
        cuda_tol=1e-3,
        description="autograd through your output must give the gradients of x Wᵀ + b",
    )


def cases(device: str) -> list[Case]:
    return [
        _case("batch_2d_with_bias", 1, (8,), 5, 3),
        _case("square_weight_needs_transpose", 2, (5,), 4, 4),
        _case("bias_omitted_defaults_to_none", 3, (4,), 6, 2, bias=False, pass_bias=False),
        _case("bias_none_explicit", 4, (3,), 3, 5, bias=False),
        _case("vector_input_1d", 5, (), 7, 3),
        _case("batch_3d_leading_dims", 6, (2, 4), 6, 3),
        _case("batch_4d_leading_dims", 9, (2, 3, 2), 5, 4),
        _case("single_output_feature", 10, (6,), 8, 1),
        _case("float64_keeps_dtype", 11, (4, 3), 5, 6, dtype=torch.float64),
        _case("wide_layer_64_to_128", 12, (16,), 64, 128),
        _grad_case(),
    ]
