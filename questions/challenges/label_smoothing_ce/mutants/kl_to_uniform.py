import math

import torch


def label_smoothing_ce(logits, targets, smoothing=0.1):
    c = logits.shape[1]
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    nll = -log_p.gather(1, targets.unsqueeze(1)).squeeze(1)
    kl_uniform = -log_p.mean(dim=1) - math.log(c)
    return ((1.0 - smoothing) * nll + smoothing * kl_uniform).mean()
