import torch


def label_smoothing_ce(logits, targets, smoothing=0.1):
    lse = torch.log(torch.exp(logits).sum(dim=1))
    x_y = logits.gather(1, targets[:, None]).squeeze(1)
    return ((1 - smoothing) * (lse - x_y) + smoothing * (lse - logits.mean(dim=1))).mean()
