import torch


def apply_rope(x, positions=None, base=10000.0):
    L, D = x.shape[-2], x.shape[-1]
    half = D // 2
    if positions is None:
        positions = torch.arange(L, device=x.device)
    theta = base ** (-torch.arange(0, D, 2, device=x.device, dtype=x.dtype) / D)
    ang = positions.to(x.dtype)[:, None] * theta
    cos, sin = ang.cos(), ang.sin()
    with torch.no_grad():
        x1, x2 = x[..., :half].clone(), x[..., half:].clone()
        x[..., :half] = x1 * cos - x2 * sin
        x[..., half:] = x2 * cos + x1 * sin
    return x
