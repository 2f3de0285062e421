import torch


def clip_grad_norm(grads, max_norm):
    if not grads:
        return torch.tensor(0.0)
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    if total > max_norm:
        for i, g in enumerate(grads):
            grads[i] = g * (max_norm / (total + 1e-6))
    return total
