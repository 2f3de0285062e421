import torch


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """x / sqrt(mean(x**2, last dim) + eps) * weight.

    x: (..., D); weight: (D,). Returns a tensor shaped like x.
    """
    raise NotImplementedError
