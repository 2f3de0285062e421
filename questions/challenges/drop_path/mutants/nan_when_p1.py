import torch


def drop_path(x, p=0.0, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be in [0, 1]")
    if not training or p == 0.0:
        return x
    keep_prob = 1.0 - p
    shape = (x.shape[0],) + (1,) * (x.dim() - 1)
    mask = torch.floor(keep_prob + torch.rand(shape, dtype=x.dtype, device=x.device))
    return x * mask / keep_prob
