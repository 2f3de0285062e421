import torch


def label_smoothing_ce(logits, targets, smoothing=0.1):
    lse = torch.logsumexp(logits, dim=1)
    picked = logits.gather(1, targets.unsqueeze(1)).squeeze(1)
    return ((1.0 - smoothing) * (lse - picked) + smoothing * (lse - logits.mean(dim=1))).sum()
