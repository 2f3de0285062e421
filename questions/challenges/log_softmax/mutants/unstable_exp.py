# expected verdict: wrong_answer (exp without the max shift overflows for logits around 1e4)
import torch


def log_softmax(x, dim=-1):
    return x - x.exp().sum(dim=dim, keepdim=True).log()
