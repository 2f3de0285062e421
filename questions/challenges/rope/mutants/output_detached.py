import torch


@torch.no_grad()
def apply_rope(x, positions=None, base=10000.0):
    L, D = x.shape[-2], x.shape[-1]
    half = D // 2
    if positions is None:
        positions = torch.arange(L, device=x.device)
    theta = base ** (-torch.arange(0, D, 2, device=x.device, dtype=x.dtype) / D)
    ang = positions.to(x.dtype)[:, None] * theta
    cos, sin = ang.cos(), ang.sin()
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
