import torch


def bce_with_logits(logits, targets):
    loss = logits.clamp(min=0) + logits * targets + torch.log1p(torch.exp(-logits.abs()))
    return loss.mean()
