"""Hidden tests for two_layer_backward: expected gradients come from autograd on the trusted side."""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded


def _expected(x, w1, b1, w2, b2, grad_out):
    params = [t.clone().requires_grad_(True) for t in (x, w1, b1, w2, b2)]
    y = torch.relu(params[0] @ params[1].T + params[2]) @ params[3].T + params[4]
    return torch.autograd.grad(y, params, grad_out)


def _make(name, tensors, dtype=torch.float32, exact=False) -> Case:
    tensors = tuple(t.to(dtype).double() for t in tensors)  # exactly what the submission sees
    grads = _expected(*tensors)
    tol = {} if exact or dtype == torch.float64 else {"atol": 1e-5, "rtol": 1e-5}
    return Case(
        name=name,
        args=tuple(t.to(dtype) for t in tensors),
        expected=tuple(g.to(dtype) for g in grads),
        cuda_tol=1e-3,
        **tol,
    )


def _random(seed, n, n_in, hidden, n_out):
    g = seeded(seed)
    x = torch.randn(n, n_in, generator=g, dtype=torch.float64)
    w1 = torch.randn(hidden, n_in, generator=g, dtype=torch.float64) / n_in**0.5
    b1 = torch.randn(hidden, generator=g, dtype=torch.float64) * 0.5
    w2 = torch.randn(n_out, hidden, generator=g, dtype=torch.float64) / hidden**0.5
    b2 = torch.randn(n_out, generator=g, dtype=torch.float64)
    grad_out = torch.randn(n, n_out, generator=g, dtype=torch.float64)
    return (x, w1, b1, w2, b2, grad_out)


def _exact_zeros():
    """Small integers, so many pre-activations are exactly 0 (ReLU'(0) = 0)."""
    g = seeded(99)
    x = torch.randint(-2, 3, (12, 4), generator=g).double()
    w1 = torch.randint(-2, 3, (6, 4), generator=g).double()
    b1 = torch.randint(-1, 2, (6,), generator=g).double()
    w2 = torch.randint(-2, 3, (3, 6), generator=g).double()
    b2 = torch.randint(-1, 2, (3,), generator=g).double()
    grad_out = torch.randint(-3, 4, (12, 3), generator=g).double()
    z = x @ w1.T + b1
    assert int((z == 0).sum()) >= 5 and int((z > 0).sum()) >= 5
    return (x, w1, b1, w2, b2, grad_out)


def cases(device: str) -> list[Case]:
    return [
        _make("small_network", _random(1, 5, 3, 4, 2)),
        _make("batch_of_one", _random(2, 1, 4, 6, 3)),
        _make("square_layers", _random(3, 8, 5, 5, 5)),
        _make("wide_hidden_layer", _random(4, 16, 8, 64, 4)),
        _make("single_output", _random(5, 10, 6, 7, 1)),
        _make("larger_batch", _random(6, 128, 20, 32, 10)),
        _make("float64_keeps_dtype", _random(7, 6, 4, 5, 3), dtype=torch.float64),
        _make("relu_exact_zero_preactivations", _exact_zeros(), exact=True),
    ]
