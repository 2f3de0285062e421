import torch
from torch import nn


class TransformerBlock(nn.Module):
    """Pre-LN block: h = x + proj(attn(ln1(x))); out = h + fc2(gelu(fc1(ln2(h))))."""

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        raise NotImplementedError
