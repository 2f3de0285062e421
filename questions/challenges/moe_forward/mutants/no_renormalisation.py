from collections.abc import Sequence

import torch
from torch import nn


def moe_forward(x: torch.Tensor, gate_weight: torch.Tensor, experts: Sequence[nn.Module], k: int = 2) -> torch.Tensor:
    probs = (x @ gate_weight.T).softmax(dim=-1)
    weights, chosen = probs.topk(k, dim=-1)
    out = torch.zeros_like(x)
    for e, expert in enumerate(experts):
        token_idx, slot = (chosen == e).nonzero(as_tuple=True)
        if token_idx.numel() == 0:
            continue
        y = expert(x[token_idx])
        out = out.index_add(0, token_idx, weights[token_idx, slot, None] * y)
    return out
