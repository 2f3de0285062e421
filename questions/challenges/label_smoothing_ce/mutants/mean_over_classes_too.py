import torch
import torch.nn.functional as F


def label_smoothing_ce(logits, targets, smoothing=0.1):
    C = logits.shape[1]
    q = F.one_hot(targets, C).to(logits.dtype) * (1 - smoothing) + smoothing / C
    lse = torch.logsumexp(logits, 1, keepdim=True)
    return (q * (lse - logits)).mean()
