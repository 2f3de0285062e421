import math

import torch
import torch.nn.functional as F
from torch import nn


class TransformerBlock(nn.Module):
    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.ln1 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.ln2 = nn.LayerNorm(d_model)
        self.fc1 = nn.Linear(d_model, 4 * d_model)
        self.fc2 = nn.Linear(4 * d_model, d_model)

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        b, length, d_model = x.shape
        d_head = d_model // self.n_heads
        q, k, v = self.qkv(self.ln1(x)).split(d_model, dim=-1)
        q, k, v = (t.reshape(b, self.n_heads, length, d_head) for t in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(d_head)
        if causal:
            blocked = torch.ones(length, length, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(blocked, float("-inf"))
        heads = scores.softmax(dim=-1) @ v
        h = x + self.proj(heads.transpose(1, 2).reshape(b, length, d_model))
        return h + self.fc2(F.gelu(self.fc1(self.ln2(h))))
