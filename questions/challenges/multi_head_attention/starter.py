import math  # noqa: F401 - handy for the scale factor

import torch


def multi_head_attention(
    x: torch.Tensor,
    in_proj_weight: torch.Tensor,
    in_proj_bias: torch.Tensor,
    out_proj_weight: torch.Tensor,
    out_proj_bias: torch.Tensor,
    num_heads: int,
    causal: bool = False,
) -> torch.Tensor:
    """Batch-first self-attention, as nn.MultiheadAttention(E, num_heads, batch_first=True)(x, x, x)[0].

    x: (B, L, E); in_proj_weight: (3E, E) stacked q, k, v; in_proj_bias: (3E,);
    out_proj_weight: (E, E); out_proj_bias: (E,).
    causal: if True, position i attends only to positions <= i.
    Returns (B, L, E).
    """
    raise NotImplementedError
