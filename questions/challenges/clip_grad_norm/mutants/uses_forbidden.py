import torch


def clip_grad_norm(grads, max_norm):
    params = []
    for g in grads:
        p = torch.nn.Parameter(torch.empty_like(g))
        p.grad = g  # the same tensor, so clipping p.grad clips g
        params.append(p)
    return torch.nn.utils.clip_grad_norm_(params, max_norm)
