import torch
import torch.nn.functional as F


def softmax_ce_grad(logits, targets):
    z = logits.detach().requires_grad_(True)
    loss = F.cross_entropy(z, targets)
    loss.backward()
    return z.grad
