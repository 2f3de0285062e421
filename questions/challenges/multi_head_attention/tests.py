"""Hidden tests for multi_head_attention: expected values from nn.MultiheadAttention(batch_first=True)
in float64 holding the same parameters."""

import torch
import torch.nn as nn

from drillcli.grader.api import Case, seeded

TOL = 1e-3  # TF32 matmul on CUDA


def _params(seed, b, length, e):
    g = seeded(seed)
    x = torch.randn(b, length, e, generator=g, dtype=torch.float64)
    w_in = torch.randn(3 * e, e, generator=g, dtype=torch.float64) / e**0.5
    b_in = torch.randn(3 * e, generator=g, dtype=torch.float64) * 0.5
    w_out = torch.randn(e, e, generator=g, dtype=torch.float64) / e**0.5
    b_out = torch.randn(e, generator=g, dtype=torch.float64) * 0.5
    return x, w_in, b_in, w_out, b_out


def _torch_mha(x, w_in, b_in, w_out, b_out, heads, causal):
    e = x.shape[-1]
    mha = nn.MultiheadAttention(e, heads, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(w_in)
        mha.in_proj_bias.copy_(b_in)
        mha.out_proj.weight.copy_(w_out)
        mha.out_proj.bias.copy_(b_out)
    length = x.shape[1]
    mask = torch.ones(length, length, dtype=torch.bool).triu(1) if causal else None  # True = blocked
    out, _ = mha(x, x, x, attn_mask=mask, need_weights=False)
    return mha, out


def _case(name, seed, b, length, e, heads, *, causal=None, dtype=torch.float32, grad=False,
          keyword=False, atol=None):
    params = _params(seed, b, length, e)
    args = tuple(t.to(dtype) for t in params) + (heads,)
    kwargs = {}
    if causal is not None:
        if keyword:
            kwargs = {"causal": causal}
        else:
            args = args + (causal,)
    is_causal = bool(causal)
    if not grad:
        with torch.no_grad():
            _, out = _torch_mha(*params, heads, is_causal)
        return Case(name, args=args, kwargs=kwargs, expected=out.to(dtype), atol=atol, cuda_tol=TOL)
    x = params[0].clone().requires_grad_(True)
    mha, out = _torch_mha(x, *params[1:], heads, is_causal)
    grad_out = torch.randn(out.shape, generator=seeded(seed + 1000), dtype=torch.float64)
    grads = torch.autograd.grad(out, (x, mha.in_proj_weight, mha.out_proj.weight), grad_out)
    return Case(
        name, args=args, kwargs=kwargs, driver="vjp", wrt=(0, 1, 3), grad_out=grad_out.to(dtype),
        expected=out.detach().to(dtype), expected_grads=tuple(g.to(dtype) for g in grads),
        atol=atol, cuda_tol=TOL,
    )


def cases(device: str) -> list[Case]:
    return [
        _case("one_head", 1, 2, 5, 8, 1),
        _case("two_heads_default_not_causal", 2, 2, 6, 8, 2),
        _case("four_heads_causal_false_explicit", 3, 3, 5, 16, 4, causal=False),
        _case("two_heads_causal", 4, 2, 6, 8, 2, causal=True),
        _case("four_heads_causal_keyword", 5, 3, 7, 16, 4, causal=True, keyword=True),
        _case("eight_heads_head_dim_2", 6, 1, 9, 16, 8, causal=True),
        _case("sequence_length_one", 7, 4, 1, 12, 3, causal=True),
        _case("float64_keeps_dtype", 8, 2, 5, 12, 3, causal=True, dtype=torch.float64),
        _case("gradients_causal_float64", 9, 2, 5, 8, 2, causal=True, dtype=torch.float64, grad=True),
        _case("gradients_float32", 10, 2, 4, 8, 4, grad=True, atol=1e-5),
    ]
