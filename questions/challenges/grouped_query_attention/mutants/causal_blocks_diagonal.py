import math

import torch


def grouped_query_attention(q, k, v, causal=False):
    g = q.shape[1] // k.shape[1]
    k = k.repeat_interleave(g, dim=1)
    v = v.repeat_interleave(g, dim=1)
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        L, S = s.shape[-2:]
        # masks the diagonal too: a token cannot see itself
        s = s.masked_fill(torch.ones(L, S, dtype=torch.bool).triu(0), -1e9)
    return torch.softmax(s, dim=-1) @ v
