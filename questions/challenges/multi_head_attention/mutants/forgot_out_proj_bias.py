import math

import torch


def multi_head_attention(x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, num_heads,
                         causal=False):
    b, length, e = x.shape
    d = e // num_heads
    q, k, v = (x @ in_proj_weight.T + in_proj_bias).chunk(3, dim=-1)
    q, k, v = (t.reshape(b, length, num_heads, d).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)
    if causal:
        blocked = torch.ones(length, length, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(blocked, float("-inf"))
    out = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, length, e)
    return out @ out_proj_weight.T
