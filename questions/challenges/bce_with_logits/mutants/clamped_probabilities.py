import torch


def bce_with_logits(logits, targets):
    p = torch.sigmoid(logits).clamp(1e-7, 1 - 1e-7)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
