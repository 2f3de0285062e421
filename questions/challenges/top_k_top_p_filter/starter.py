import torch


def top_k_top_p_filter(logits: torch.Tensor, top_k: int = 0, top_p: float = 1.0) -> torch.Tensor:
    """logits (B, V) -> a new tensor: kept entries unchanged, the rest -inf (top-k, then top-p)."""
    raise NotImplementedError
