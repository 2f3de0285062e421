import torch


def apply_rope(x: torch.Tensor, positions: torch.Tensor | None = None, base: float = 10000.0) -> torch.Tensor:
    """Rotary embedding, half-split convention: x (..., L, D) -> same shape and dtype."""
    raise NotImplementedError
