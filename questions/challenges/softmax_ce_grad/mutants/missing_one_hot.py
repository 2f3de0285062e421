import torch


def softmax_ce_grad(logits, targets):
    # subtracts the target probability instead of one
    p = torch.softmax(logits, dim=1)
    rows = torch.arange(logits.shape[0])
    grad = p.clone()
    grad[rows, targets] -= p[rows, targets] ** 2
    return grad / logits.shape[0]
