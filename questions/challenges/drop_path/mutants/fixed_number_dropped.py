import torch


def drop_path(x, p=0.0, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    n = x.shape[0]
    drop = torch.randperm(n, device=x.device)[: round(p * n)]
    keep = torch.ones(n, dtype=x.dtype, device=x.device)
    keep[drop] = 0
    return x * keep.view(-1, *([1] * (x.dim() - 1))) / (1 - p)
