import math

import torch


def cached_attention(q, k, v, cache=None):
    if cache is not None:
        k = torch.cat([cache[0], k], dim=2)
        v = torch.cat([cache[1], v], dim=2)
    new, total = q.shape[2], k.shape[2]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    # causal among the new tokens only: the mask is aligned to the first key, not shifted by the cache
    allowed = torch.ones(new, total, dtype=torch.bool, device=q.device).tril()
    scores = scores.masked_fill(~allowed, float("-inf"))
    return scores.softmax(dim=-1) @ v, (k, v)
