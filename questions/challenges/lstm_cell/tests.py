"""Hidden tests for lstm_cell: expected values come from nn.LSTMCell in float64 holding the same weights."""

import torch
import torch.nn as nn

from drillcli.grader.api import Case, Failure, Result, close, seeded

TOL = 1e-3  # matmul on CUDA (TF32)


def _inputs(seed, batch, n_in, n_hid, *, bias=True, zero_state=False, scale=1.0):
    g = seeded(seed)
    r = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)  # noqa: E731
    x = r(batch, n_in) * scale
    h = torch.zeros(batch, n_hid, dtype=torch.float64) if zero_state else r(batch, n_hid)
    c = torch.zeros(batch, n_hid, dtype=torch.float64) if zero_state else r(batch, n_hid)
    w_ih = r(4 * n_hid, n_in) / n_in**0.5 * scale
    w_hh = r(4 * n_hid, n_hid) / n_hid**0.5 * scale
    b_ih = r(4 * n_hid) if bias else None
    b_hh = r(4 * n_hid) if bias else None
    return x, h, c, w_ih, w_hh, b_ih, b_hh


def _torch_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    cell = nn.LSTMCell(x.shape[1], h.shape[1], bias=b_ih is not None).to(torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(w_ih)
        cell.weight_hh.copy_(w_hh)
        if b_ih is not None:
            cell.bias_ih.copy_(b_ih)
            cell.bias_hh.copy_(b_hh)
    return cell, cell(x, (h, c))


def _case(name, seed, batch, n_in, n_hid, *, bias=True, zero_state=False, scale=1.0,
          dtype=torch.float32, grad=False, atol=None, device="cpu"):
    inputs = _inputs(seed, batch, n_in, n_hid, bias=bias, zero_state=zero_state, scale=scale)
    args = tuple(None if t is None else t.to(dtype) for t in inputs)
    if not grad:
        with torch.no_grad():
            _, (h1, c1) = _torch_cell(*inputs)
        return Case(name, args=args, expected=(h1.to(dtype), c1.to(dtype)), atol=atol, cuda_tol=TOL)
    x, h, c, w_ih, w_hh, b_ih, b_hh = (None if t is None else t.clone().requires_grad_(True) for t in inputs)
    cell, (h1, c1) = _torch_cell(x, h, c, w_ih, w_hh, b_ih, b_hh)
    gen = seeded(seed + 1000)
    gh = torch.randn(h1.shape, generator=gen, dtype=torch.float64)
    gc = torch.randn(c1.shape, generator=gen, dtype=torch.float64)
    wanted = (x, h, c, cell.weight_ih, cell.weight_hh)
    grads = [g.to(dtype) for g in torch.autograd.grad((h1, c1), wanted, (gh, gc))]
    h_expected, c_expected = h1.detach().to(dtype), c1.detach().to(dtype)
    labels = ("x", "h", "c", "w_ih", "w_hh")

    # the check compares on its own, so it applies the CUDA tolerance itself
    tol = dict(atol=atol) if device == "cpu" else dict(atol=max(atol or 0.0, TOL), rtol=TOL)

    def check(result: Result) -> None:
        out = result.output
        if not isinstance(out, dict) or "problem" in out:
            problem = out.get("problem") if isinstance(out, dict) else "no result"
            raise Failure(f"gradient: {problem}")
        close(out.get("h"), h_expected, what="h_next", **tol)
        close(out.get("c"), c_expected, what="c_next", **tol)
        got = out.get("grads")
        if not isinstance(got, (list, tuple)) or len(got) != len(grads):
            raise Failure("gradient: could not be computed")
        for label, g, e in zip(labels, got, grads):
            close(g, e, what=f"gradient w.r.t. {label}", **tol)

    return Case(
        name, args=args, kwargs={"grad_h": gh.to(dtype), "grad_c": gc.to(dtype)},
        driver="vjp_both_states", check=check, cuda_tol=TOL,
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
        _case("gradients_through_h_and_c", 8, 3, 4, 5, grad=True, dtype=torch.float64, device=device),
        _case("gradients_float32", 9, 2, 3, 4, grad=True, atol=1e-5, device=device),
    ]
