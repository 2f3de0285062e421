from collections.abc import Sequence

import torch
from torch import nn


def moe_forward(x: torch.Tensor, gate_weight: torch.Tensor, experts: Sequence[nn.Module], k: int = 2) -> torch.Tensor:
    """x (N, D), gate_weight (E, D), E experts (n, D) -> (n, D); top-k routing, renormalised weights."""
    raise NotImplementedError
