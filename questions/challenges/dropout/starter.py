import torch


def dropout(x: torch.Tensor, p: float = 0.5, training: bool = True) -> torch.Tensor:
    """Inverted dropout: zero each element with probability p, scale the rest by 1 / (1 - p).

    Identity when not training or p == 0; all zeros when p == 1; ValueError when p is outside [0, 1].
    """
    raise NotImplementedError
