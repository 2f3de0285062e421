import torch


def drop_path(x, p=0.0, training=True):
    if not training or p == 0.0:
        return x
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be in [0, 1]")
    if p == 1.0:
        return torch.zeros_like(x)
    shape = (x.shape[0],) + (1,) * (x.dim() - 1)
    keep = torch.rand(shape, device=x.device) >= p
    return x * keep / (1.0 - p)
