import torch


def drop_path(x: torch.Tensor, p: float = 0.0, training: bool = True) -> torch.Tensor:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"drop path probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    shape = (x.shape[0],) + (1,) * (x.dim() - 1)
    keep = torch.rand(shape, device=x.device) >= p
    return x * keep.to(x.dtype) / (1.0 - p)
