import torch


def drop_path(x: torch.Tensor, p: float = 0.0, training: bool = True) -> torch.Tensor:
    """Stochastic depth: drop each sample (dim 0) with probability p, scale the kept ones by 1 / (1 - p).

    Identity when not training or p == 0; all zeros when p == 1; ValueError when p is outside [0, 1].
    """
    raise NotImplementedError
