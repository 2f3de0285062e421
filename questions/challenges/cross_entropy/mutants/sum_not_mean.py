import torch


def cross_entropy(logits, targets):
    lse = torch.logsumexp(logits, dim=1)
    return (lse - logits[torch.arange(logits.shape[0]), targets]).sum()
