# expected verdict: wrong_answer (logits[:, targets] picks an (N, N) block, not one logit per row)
import torch


def cross_entropy(logits, targets):
    lse = torch.logsumexp(logits, dim=1)
    return (lse - logits[:, targets]).mean()
