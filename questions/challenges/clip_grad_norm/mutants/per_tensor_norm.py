import torch


def clip_grad_norm(grads, max_norm):
    norms = []
    for g in grads:
        n = g.norm()
        norms.append(n)
        if n > max_norm:
            g.mul_(max_norm / n)
    return torch.stack(norms).norm() if norms else torch.tensor(0.0)
