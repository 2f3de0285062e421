"""Hidden tests for layer_norm: expected values from F.layer_norm in float64."""

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded


def _case(name, seed, shape, normalized_shape, *, weight=True, bias=True, eps=None, offset=0.0,
          dtype=torch.float32, grad=False, atol=None, style="positional"):
    g = seeded(seed)
    x = torch.randn(*shape, generator=g, dtype=torch.float64) * 2 + offset
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    w = 1 + 0.5 * torch.randn(*ns, generator=g, dtype=torch.float64) if weight else None
    b = torch.randn(*ns, generator=g, dtype=torch.float64) if bias else None
    eps_value = 1e-5 if eps is None else eps
    cast = lambda t: None if t is None else t.to(dtype)  # noqa: E731
    if style == "positional":
        args, kwargs = (cast(x), normalized_shape, cast(w), cast(b)), {}
        if eps is not None:
            args = args + (eps,)
    else:  # keywords, leaving out what is None
        args, kwargs = (cast(x), normalized_shape), {}
        if weight:
            kwargs["weight"] = cast(w)
        if bias:
            kwargs["bias"] = cast(b)
        if eps is not None:
            kwargs["eps"] = eps
    if not grad:
        expected = F.layer_norm(x, ns, w, b, eps_value).to(dtype)
        return Case(name, args=args, kwargs=kwargs, expected=expected, atol=atol)
    xg = x.clone().requires_grad_(True)
    wg = w.clone().requires_grad_(True)
    bg = b.clone().requires_grad_(True)
    out = F.layer_norm(xg, ns, wg, bg, eps_value)
    grad_out = torch.randn(out.shape, generator=seeded(seed + 1000), dtype=torch.float64)
    grads = torch.autograd.grad(out, (xg, wg, bg), grad_out)
    return Case(
        name, args=args, kwargs=kwargs, driver="vjp", wrt=(0, 2, 3), grad_out=grad_out.to(dtype),
        expected=out.detach().to(dtype), expected_grads=tuple(t.to(dtype) for t in grads), atol=atol,
    )


def cases(device: str) -> list[Case]:
    return [
        _case("2d_int_shape_no_affine", 1, (4, 10), 10, weight=False, bias=False),
        _case("3d_int_shape_weight_and_bias", 2, (2, 5, 16), 16),
        _case("3d_tuple_last_two_dims", 3, (3, 4, 6), (4, 6)),
        _case("4d_list_last_three_dims_keywords", 4, (2, 3, 4, 5), [3, 4, 5], style="keywords"),
        _case("weight_only_bias_none", 5, (4, 7), 7, bias=False),
        _case("bias_only_weight_none_keywords", 6, (4, 7), (7,), weight=False, style="keywords"),
        _case("large_eps_0p5", 7, (3, 8), 8, eps=0.5),
        _case("large_offset_1e3_stays_finite", 8, (4, 64), 64, offset=1000.0, atol=1e-3),
        _case("float64_keeps_dtype", 9, (2, 3, 6), (3, 6), dtype=torch.float64),
        _case("gradients_x_weight_bias", 10, (3, 4, 5), (4, 5), grad=True, dtype=torch.float64),
        _case("gradients_float32", 11, (4, 8), 8, grad=True, atol=1e-5),
    ]
