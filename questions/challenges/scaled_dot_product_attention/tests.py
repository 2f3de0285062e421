"""Hidden tests for scaled_dot_product_attention; expected values from F.scaled_dot_product_attention
in float64 (bool attn_mask: True = may attend, as here)."""

import torch
import torch.nn.functional as F

from drillcli.grader.api import Case, seeded

TOL = 1e-3  # TF32 matmul on CUDA


def _qkv(seed, lead, lq, lk, d, dv, scale=1.0):
    g = seeded(seed)
    q = torch.randn(*lead, lq, d, generator=g, dtype=torch.float64) * scale
    k = torch.randn(*lead, lk, d, generator=g, dtype=torch.float64) * scale
    v = torch.randn(*lead, lk, dv, generator=g, dtype=torch.float64)
    return q, k, v


def _padding_mask(seed, batch, lk):
    # (B, 1, 1, L_k): the last keys of each sequence are padding; every sequence keeps >= 1 real key
    g = seeded(seed)
    lengths = torch.randint(1, lk + 1, (batch,), generator=g)
    lengths[0] = lk - 2
    keep = torch.arange(lk)[None, :] < lengths[:, None]
    return keep[:, None, None, :]


def _case(name, q, k, v, mask=None, *, dtype=torch.float32, grad=False, atol=None, seed=0,
          keyword=False):
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    args = (q.to(dtype), k.to(dtype), v.to(dtype))
    kwargs = {}
    if mask is not None:
        if keyword:
            kwargs = {"mask": mask}
        else:
            args = args + (mask,)
    if not grad:
        return Case(name, args=args, kwargs=kwargs, expected=expected.to(dtype), atol=atol, cuda_tol=TOL)
    qg, kg, vg = (t.clone().requires_grad_(True) for t in (q, k, v))
    out = F.scaled_dot_product_attention(qg, kg, vg, attn_mask=mask)
    grad_out = torch.randn(out.shape, generator=seeded(seed + 1000), dtype=torch.float64)
    grads = torch.autograd.grad(out, (qg, kg, vg), grad_out)
    return Case(
        name, args=args, kwargs=kwargs, driver="vjp", wrt=(0, 1, 2), grad_out=grad_out.to(dtype),
        expected=out.detach().to(dtype), expected_grads=tuple(g.to(dtype) for g in grads),
        atol=atol, cuda_tol=TOL,
    )


def cases(device: str) -> list[Case]:
    causal6 = torch.ones(6, 6, dtype=torch.bool).tril()
    causal5 = torch.ones(5, 5, dtype=torch.bool).tril()
    # arbitrary mask (B, L_q, L_k) with every row keeping its first allowed key
    g = seeded(7)
    random_mask = torch.rand(2, 4, 7, generator=g) > 0.5
    random_mask[..., 3] = True
    return [
        _case("no_mask_3d_batch", *_qkv(1, (2,), 5, 5, 8, 8)),
        _case("no_mask_unbatched_2d", *_qkv(2, (), 4, 6, 4, 4)),
        _case("batch_heads_4d_lq_ne_lk_dv_ne_d", *_qkv(3, (2, 3), 4, 7, 16, 5)),
        _case("causal_mask_broadcast_over_batch_heads", *_qkv(4, (2, 2), 6, 6, 8, 8), causal6),
        _case("padding_mask_b11lk", *_qkv(5, (3, 2), 4, 6, 8, 3), _padding_mask(5, 3, 6), keyword=True),
        _case("full_shape_bool_mask", *_qkv(6, (2,), 4, 7, 6, 6), random_mask),
        _case("large_scores_stay_finite", *_qkv(8, (2,), 5, 5, 16, 4, scale=40.0), causal5, atol=1e-3),
        _case("float64_keeps_dtype", *_qkv(9, (2, 2), 5, 6, 4, 3), _padding_mask(9, 2, 6),
              dtype=torch.float64),
        _case("gradients_causal_4d", *_qkv(10, (2, 2), 5, 5, 8, 6), causal5, grad=True, seed=10,
              dtype=torch.float64),
        _case("gradients_float32_no_mask", *_qkv(11, (3,), 4, 5, 8, 8), grad=True, seed=11, atol=1e-5),
    ]
