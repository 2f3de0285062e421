import math

import torch


def cached_attention(q, k, v, cache=None):
    T = q.shape[2]
    scores_scale = 1 / math.sqrt(q.shape[-1])
    if cache is None:
        scores = q @ k.transpose(-2, -1) * scores_scale
        mask = torch.ones(T, T, dtype=torch.bool).tril()
        scores = scores.masked_fill(~mask, float("-inf"))
        return scores.softmax(-1) @ v, (k, v)
    k_all = torch.cat([cache[0], k], dim=2)
    v_all = torch.cat([cache[1], v], dim=2)
    # decoding: "a new token may see everything in the cache" -- no mask
    scores = q @ k_all.transpose(-2, -1) * scores_scale
    return scores.softmax(-1) @ v_all, (k_all, v_all)
