import torch


def drop_path(x, p=0.0, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    if torch.rand(()) < p:
        return torch.zeros_like(x)
    return x / (1 - p)
