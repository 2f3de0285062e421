import math  # noqa: F401 - handy for the scale factor

import torch


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """softmax(q k^T / sqrt(d)) v over the last two dims.

    q: (..., L_q, d); k: (..., L_k, d); v: (..., L_k, d_v).
    mask: None or a bool tensor broadcastable to (..., L_q, L_k); True = may attend.
    Returns (..., L_q, d_v).
    """
    raise NotImplementedError
