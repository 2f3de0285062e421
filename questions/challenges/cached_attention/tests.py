"""Hidden tests for `cached_attention`: a sequence fed in chunks (prompt, then one or a few tokens at
a time), each call given the cache the previous one returned. Each chunk's output must equal the same
rows of full causal attention over the whole sequence (float64 reference), and each returned cache
must hold every key and value so far.
"""

from __future__ import annotations

import math

import torch

from drillcli.grader.api import Case, chain_case, seeded

ATOL, RTOL = 1e-5, 1e-4


def _full_causal(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    length = q.shape[2]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    blocked = torch.ones(length, length, dtype=torch.bool).triu(1)
    return scores.masked_fill(blocked, float("-inf")).softmax(dim=-1) @ v


def _case(name: str, seed: int, b: int, h: int, d: int, chunks: list[int], *, keyword: bool = True,
          empty_cache: bool = False, dtype: torch.dtype = torch.float32, description: str = "") -> Case:
    g = seeded(seed)
    total = sum(chunks)
    q, k, v = (torch.randn(b, h, total, d, generator=g, dtype=torch.float64).to(dtype) for _ in range(3))
    out = _full_causal(*(t.to(torch.float64) for t in (q, k, v))).to(dtype)
    steps, expected, start = [], [], 0
    for size in chunks:
        end = start + size
        steps.append((q[:, :, start:end], k[:, :, start:end], v[:, :, start:end]))
        expected.append((out[:, :, start:end], (k[:, :, :end], v[:, :, :end])))
        start = end
    initial = (k[:, :, :0], v[:, :, :0]) if empty_cache else None
    return chain_case(
        name, steps, expected, state_kwarg="cache" if keyword else None, state_out=1,
        initial_state=initial, atol=ATOL if dtype == torch.float32 else None,
        rtol=RTOL if dtype == torch.float32 else None, cuda_tol=1e-3,
        description=description or f"chunks {chunks}, B={b}, H={h}, d={d}",
    )


def cases(device: str) -> list[Case]:
    return [
        _case("prompt_only_no_cache", 1, 2, 2, 8, [6], description="one call: plain causal attention"),
        _case("prompt_then_one_token_at_a_time", 2, 2, 3, 8, [4, 1, 1, 1, 1]),
        _case("single_tokens_from_the_start", 3, 1, 2, 4, [1, 1, 1, 1, 1, 1]),
        _case("chunked_decoding_offsets", 4, 2, 2, 16, [3, 2, 4, 1, 3],
              description="several new tokens per call: the mask is shifted by the cache length"),
        _case("cache_passed_positionally", 5, 1, 4, 8, [5, 2, 2], keyword=False),
        _case("empty_cache_tensors", 6, 2, 2, 8, [3, 2], empty_cache=True,
              description="the first call gets a cache of zero length (P = 0)"),
        _case("head_dim_32_scale", 7, 1, 1, 32, [2, 3, 1]),
        _case("long_prompt_then_chunk", 8, 1, 2, 8, [12, 4]),
        _case("float64", 9, 2, 2, 8, [4, 3, 1], dtype=torch.float64),
    ]
