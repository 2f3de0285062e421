import torch
from torch import nn


class LoRALinear(nn.Module):
    """base(x) + (x A^T B^T)·alpha/r with base frozen, A random (r, in), B zeros (out, r)."""

    def __init__(self, base: nn.Linear, r: int, alpha: float) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def merged(self) -> nn.Linear:
        """A new nn.Linear with the same output; base untouched."""
        raise NotImplementedError
