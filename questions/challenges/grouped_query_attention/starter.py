import torch


def grouped_query_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = False) -> torch.Tensor:
    """q (B, Hq, L, d), k/v (B, Hkv, S, d); query head h uses kv head h // (Hq // Hkv). Returns (B, Hq, L, d)."""
    raise NotImplementedError
