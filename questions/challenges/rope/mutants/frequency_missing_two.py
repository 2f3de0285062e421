import torch


def apply_rope(x, positions=None, base=10000.0):
    length, dim = x.shape[-2], x.shape[-1]
    half = dim // 2
    if positions is None:
        positions = torch.arange(length, device=x.device)
    theta = base ** (-torch.arange(half, dtype=x.dtype, device=x.device) / dim)
    angles = positions.to(x.dtype)[:, None] * theta
    cos, sin = angles.cos(), angles.sin()
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
