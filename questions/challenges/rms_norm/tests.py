"""Hidden tests for rms_norm: expected values from F.rms_norm in float64."""

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _expected(x, w, eps):
    return F.rms_norm(x, (x.shape[-1],), w, eps)


def _case(name, seed, shape, *, eps=None, scale=1.0, offset=0.0, dtype=torch.float32, grad=False,
          keyword=False, atol=None):
    g = seeded(seed)
    x = torch.randn(*shape, generator=g, dtype=torch.float64) * scale + offset
    w = 1 + 0.5 * torch.randn(shape[-1], generator=g, dtype=torch.float64)
    eps_value = 1e-6 if eps is None else eps
    args, kwargs = (x.to(dtype), w.to(dtype)), {}
    if eps is not None:
        if keyword:
            kwargs["eps"] = eps
        else:
            args = args + (eps,)
    if not grad:
        return Case(name, args=args, kwargs=kwargs, expected=_expected(x, w, eps_value).to(dtype), atol=atol)
    xg, wg = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    out = _expected(xg, wg, eps_value)
    grad_out = torch.randn(out.shape, generator=seeded(seed + 1000), dtype=torch.float64)
    grads = torch.autograd.grad(out, (xg, wg), grad_out)
    return Case(
        name, args=args, kwargs=kwargs, driver="vjp", wrt=(0, 1), grad_out=grad_out.to(dtype),
        expected=out.detach().to(dtype), expected_grads=tuple(t.to(dtype) for t in grads), atol=atol,
    )


def cases(device: str) -> list[Case]:
    return [
        _case("1d_vector", 1, (16,)),
        _case("2d_batch", 2, (4, 32)),
        _case("3d_batch_seq_hidden", 3, (2, 5, 24)),
        _case("4d_input", 4, (2, 3, 4, 8)),
        _case("nonzero_mean_input", 5, (4, 16), offset=3.0),
        _case("tiny_inputs_default_eps_matters", 6, (3, 8), scale=1e-3),
        _case("custom_eps_0p1", 7, (3, 10), eps=0.1),
        _case("custom_eps_keyword_tiny_inputs", 8, (2, 12), eps=1e-2, scale=0.05, keyword=True),
        _case("large_inputs_1e4_stay_finite", 9, (4, 64), scale=1e4, atol=1e-3),
        _case("float64_keeps_dtype", 10, (3, 7), eps=1e-5, dtype=torch.float64),
        _case("gradients_x_and_weight", 11, (3, 4, 8), grad=True, dtype=torch.float64),
        _case("gradients_float32", 12, (5, 16), grad=True, atol=1e-5),
    ]
