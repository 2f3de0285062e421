import torch


def drop_path(x, p=0.0, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if not training or p == 0.0:
        return x
    shape = (x.shape[0],) + (1,) * (x.dim() - 1)
    keep = (torch.rand(shape, device=x.device) >= p).to(x.dtype)
    return x * keep * (1 - p)
