import torch


def bce_with_logits(logits, targets):
    return ((1 - targets) * logits + torch.log(1 + torch.exp(-logits))).mean()
