import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        self.scaling = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.lora_A.T @ self.lora_B.T)

    def merged(self):
        b = self.base
        layer = nn.Linear(b.in_features, b.out_features, bias=b.bias is not None,
                          dtype=b.weight.dtype, device=b.weight.device)
        with torch.no_grad():
            layer.weight.copy_(b.weight + self.scaling * self.lora_B @ self.lora_A)
            if b.bias is not None:
                layer.bias.copy_(b.bias)
        return layer
