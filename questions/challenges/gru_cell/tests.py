"""Hidden tests for gru_cell: expected values come from nn.GRUCell in float64 holding the same weights."""

import torch
import torch.nn as nn

from drillcli.grader.api import Case, seeded

TOL = 1e-3  # matmul on CUDA (TF32)


def _inputs(seed, batch, n_in, n_hid, *, bias=True, zero_state=False, scale=1.0):
    g = seeded(seed)
    r = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)  # noqa: E731
    x = r(batch, n_in) * scale
    h = torch.zeros(batch, n_hid, dtype=torch.float64) if zero_state else r(batch, n_hid)
    w_ih = r(3 * n_hid, n_in) / n_in**0.5 * scale
    w_hh = r(3 * n_hid, n_hid) / n_hid**0.5 * scale
    b_ih = r(3 * n_hid) if bias else None
    b_hh = r(3 * n_hid) if bias else None
    return x, h, w_ih, w_hh, b_ih, b_hh


def _torch_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    cell = nn.GRUCell(x.shape[1], h.shape[1], bias=b_ih is not None).to(torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(w_ih)
        cell.weight_hh.copy_(w_hh)
        if b_ih is not None:
            cell.bias_ih.copy_(b_ih)
            cell.bias_hh.copy_(b_hh)
    return cell, cell(x, h)


def _case(name, seed, batch, n_in, n_hid, *, bias=True, zero_state=False, scale=1.0,
          dtype=torch.float32, grad=False, atol=None):
    inputs = _inputs(seed, batch, n_in, n_hid, bias=bias, zero_state=zero_state, scale=scale)
    args = tuple(None if t is None else t.to(dtype) for t in inputs)
    if not grad:
        with torch.no_grad():
            _, h1 = _torch_cell(*inputs)
        return Case(name, args=args, expected=h1.to(dtype), atol=atol, cuda_tol=TOL)
    x, h, w_ih, w_hh, b_ih, b_hh = (None if t is None else t.clone().requires_grad_(True) for t in inputs)
    cell, h1 = _torch_cell(x, h, w_ih, w_hh, b_ih, b_hh)
    gh = torch.randn(h1.shape, generator=seeded(seed + 1000), dtype=torch.float64)
    wanted = (x, h, cell.weight_ih, cell.weight_hh)
    grads = torch.autograd.grad(h1, wanted, gh)
    return Case(
        name, args=args, driver="vjp", wrt=(0, 1, 2, 3), grad_out=gh.to(dtype),
        expected=h1.detach().to(dtype), expected_grads=tuple(g.to(dtype) for g in grads),
        atol=atol, cuda_tol=TOL,
    )


def cases(device: str) -> list[Case]:
    return [
        _case("batch1_zero_state", 1, 1, 3, 4, zero_state=True),
        _case("batch4_input_ne_hidden", 2, 4, 5, 3),
        _case("batch8_wide_hidden", 3, 8, 6, 16),
        _case("input_larger_than_hidden", 4, 3, 10, 2),
        _case("no_biases", 5, 4, 5, 6, bias=False),
        _case("large_preactivations_stay_finite", 6, 5, 4, 4, scale=30.0, atol=1e-3),
        _case("float64_keeps_dtype", 7, 3, 4, 5, dtype=torch.float64),
        _case("gradients_through_h_next", 8, 3, 4, 5, grad=True, dtype=torch.float64),
        _case("gradients_float32", 9, 2, 3, 4, grad=True, atol=1e-5),
    ]
