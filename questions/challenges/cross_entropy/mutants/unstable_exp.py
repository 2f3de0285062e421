# expected verdict: wrong_answer (log(sum(exp)) without the max shift: inf for logits around 1e4)
import torch


def cross_entropy(logits, targets):
    lse = logits.exp().sum(dim=1).log()
    return (lse - logits[torch.arange(logits.shape[0]), targets]).mean()
