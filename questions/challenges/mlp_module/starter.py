import torch
from torch import nn


class MLP(nn.Module):
    """Linear(in_features, hidden) -> ReLU -> Linear(hidden, out_features), layers named fc1 and fc2."""

    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError
