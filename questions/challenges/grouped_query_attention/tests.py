"""Hidden tests for `grouped_query_attention`: a float64 reference (repeat_interleave of the kv heads)
cast back to the inputs' dtype; groups where `repeat` and `repeat_interleave` differ."""

from __future__ import annotations

import math

import torch

from drillcli.grader.api import Case, seeded, tensor_case


def _gqa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False) -> torch.Tensor:
    group = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        scores = scores.masked_fill(torch.ones(q.shape[2], k.shape[2], dtype=torch.bool).triu(1),
                                    float("-inf"))
    return scores.softmax(dim=-1) @ v


def _case(name: str, seed: int, b: int, hq: int, hkv: int, length: int, keys: int, d: int, *,
          causal: bool | None = None, positional: bool = False, dtype: torch.dtype = torch.float32,
          grads: bool = False) -> Case:
    g = seeded(seed)
    q = torch.randn(b, hq, length, d, generator=g, dtype=torch.float64).to(dtype)
    k, v = (torch.randn(b, hkv, keys, d, generator=g, dtype=torch.float64).to(dtype) for _ in range(2))
    args: tuple = (q, k, v)
    kwargs: dict = {}
    if causal is not None:
        if positional:
            args = (q, k, v, causal)
        else:
            kwargs = {"causal": causal}
    tol = 1e-5 if dtype == torch.float32 else None
    return tensor_case(name, _gqa, args, kwargs, wrt=(0, 1, 2) if grads else (), seed=seed, atol=tol,
                       rtol=1e-4 if tol else None, cuda_tol=1e-3,
                       description=f"Hq={hq}, Hkv={hkv}, L={length}, S={keys}, d={d}, causal={causal}")


def cases(device: str) -> list[Case]:
    return [
        _case("groups_of_two_default_not_causal", 1, 2, 4, 2, 5, 5, 8),
        _case("groups_of_three_cross_attention", 2, 1, 6, 2, 3, 7, 8, causal=False),
        _case("multi_query_one_kv_head", 3, 2, 4, 1, 6, 6, 16),
        _case("multi_head_hkv_equals_hq", 4, 1, 3, 3, 4, 4, 8, causal=False),
        _case("causal_groups_of_two", 5, 2, 8, 4, 7, 7, 8, causal=True),
        _case("causal_positional_groups_of_four", 6, 1, 8, 2, 6, 6, 4, causal=True, positional=True),
        _case("length_one", 7, 3, 4, 2, 1, 1, 8, causal=True),
        _case("head_dim_64_scale", 8, 1, 4, 2, 4, 9, 64),
        _case("float64", 9, 2, 6, 3, 5, 5, 8, causal=True, dtype=torch.float64),
        _case("gradients_q_k_v", 10, 2, 4, 2, 5, 5, 8, causal=True, dtype=torch.float64, grads=True),
    ]
