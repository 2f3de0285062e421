import math

import torch
import torch.nn.functional as F
from torch import nn


class LoRALinear(nn.Module):
    # keeps its own frozen copies instead of the base module: state_dict names weight/bias
    def __init__(self, base, r, alpha):
        super().__init__()
        self.weight = nn.Parameter(base.weight.detach().clone(), requires_grad=False)
        self.bias = None if base.bias is None else nn.Parameter(base.bias.detach().clone(), requires_grad=False)
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        self.scaling = alpha / r

    def forward(self, x):
        return F.linear(x, self.weight, self.bias) + (x @ self.lora_A.T @ self.lora_B.T) * self.scaling

    def merged(self):
        layer = nn.Linear(self.weight.shape[1], self.weight.shape[0], bias=self.bias is not None,
                          dtype=self.weight.dtype, device=self.weight.device)
        with torch.no_grad():
            layer.weight.copy_(self.weight + self.scaling * self.lora_B @ self.lora_A)
            if self.bias is not None:
                layer.bias.copy_(self.bias)
        return layer
