import torch


def clip_grad_norm(grads: list[torch.Tensor], max_norm: float) -> torch.Tensor:
    if len(grads) == 0:
        return torch.tensor(0.0)
    total = torch.sqrt(sum((g.detach().double() ** 2).sum() for g in grads))
    scale = max_norm / (total.item() + 1e-6)
    if scale < 1.0:
        for g in grads:
            g.mul_(scale)
    return total.to(grads[0].dtype)
