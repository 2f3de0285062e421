import torch


def clip_grad_norm(grads, max_norm):
    if not grads:
        return torch.tensor(0.0)
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    for g in grads:
        g.mul_(max_norm / (total + 1e-6))
    return total
