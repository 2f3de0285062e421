import torch
from torch import nn


class MLP(nn.Module):
    """Hand-rolled weights instead of nn.Linear layers."""

    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(hidden, in_features) * 0.1)
        self.b1 = nn.Parameter(torch.zeros(hidden))
        self.w2 = nn.Parameter(torch.randn(out_features, hidden) * 0.1)
        self.b2 = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        return torch.relu(x @ self.w1.T + self.b1) @ self.w2.T + self.b2
