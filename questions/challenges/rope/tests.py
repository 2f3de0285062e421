"""Hidden tests for `apply_rope`: a float64 reference cast back to the input's dtype.

float32 cases keep positions below 512 and allow atol 1e-4 (the contract); float64 cases use large
positions at float64 tolerances, so angles computed in float32 fail there.
"""

from __future__ import annotations

import torch

from drillcli.grader.api import Case, seeded, tensor_case

F32_ATOL = 1e-4


def _rope(x: torch.Tensor, positions: torch.Tensor | None = None, base: float = 10000.0) -> torch.Tensor:
    length, dim = x.shape[-2], x.shape[-1]
    half = dim // 2
    pos = torch.arange(length) if positions is None else positions
    theta = base ** (-torch.arange(half, dtype=torch.float64) * 2 / dim)
    angles = pos.to(torch.float64)[:, None] * theta[None, :]
    cos, sin = angles.cos(), angles.sin()
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def _case(name: str, shape: tuple[int, ...], g: torch.Generator, *, positions: torch.Tensor | None = None,
          base: float | None = None, base_positional: bool = False, dtype: torch.dtype = torch.float32,
          wrt: tuple[int, ...] = (), description: str = "") -> Case:
    # float32: values within about ±2, so float32 angle rounding (≤ ~3e-5 at position 511) stays well
    # inside atol 1e-4 for any correct formula
    scale = 0.5 if dtype == torch.float32 else 1.0
    x = (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)
    args: tuple = (x,)
    kwargs: dict = {}
    if positions is not None:
        kwargs["positions"] = positions
    if base is not None:
        if base_positional:
            args = (x, positions, base)
            kwargs = {}
        else:
            kwargs["base"] = base
    atol = F32_ATOL if dtype == torch.float32 else None
    return tensor_case(name, _rope, args, kwargs, wrt=wrt, atol=atol, rtol=0.0 if atol else None,
                       cuda_tol=1e-4, description=description)


def cases(device: str) -> list[Case]:
    g = seeded(7301)
    return [
        _case("single_sequence_LxD", (6, 8), g, description="positions 0..5 by default"),
        _case("batch_heads_BxHxLxD", (2, 3, 10, 16), g),
        _case("one_pair_D2", (5, 2), g),
        _case("length_one_is_unrotated", (2, 1, 8), g),
        _case("positions_offset_for_decoding", (2, 4, 8), g, positions=torch.arange(100, 104),
              description="positions 100..103, as for tokens after a cache"),
        _case("positions_any_order", (7, 12), g, positions=torch.tensor([5, 0, 300, 2, 2, 511, 17])),
        _case("base_keyword_500", (2, 6, 8), g, base=500.0),
        _case("base_positional_with_positions", (4, 6), g, positions=torch.arange(3, 7), base=1000.0,
              base_positional=True),
        _case("wide_head_D128", (1, 2, 9, 128), g, positions=torch.arange(400, 409)),
        _case("float64_long_positions", (2, 5, 64), g, dtype=torch.float64,
              positions=torch.tensor([0, 1000, 40_000, 123_456, 999_999]),
              description="float64 at float64 tolerances: angles in the input's precision"),
        _case("float64_default_positions", (3, 16, 32), g, dtype=torch.float64),
        _case("gradient_flows", (2, 5, 8), g, dtype=torch.float64, wrt=(0,)),
    ]
