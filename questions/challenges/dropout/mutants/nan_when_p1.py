import torch


def dropout(x, p=0.5, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be in [0, 1]")
    if not training:
        return x
    keep = torch.rand_like(x) >= p
    return x * keep / (1.0 - p)
