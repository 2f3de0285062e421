import torch


@torch.no_grad()
def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    param.mul_(1 - lr * weight_decay)
    m.mul_(b1).add_(grad, alpha=1 - b1)
    grad.mul_(grad)                      # reuses grad's storage for g²
    v.mul_(b2).add_(grad, alpha=1 - b2)
    param.sub_(lr * (m / (1 - b1 ** step)) / ((v / (1 - b2 ** step)).sqrt() + eps))
    return param, m, v
