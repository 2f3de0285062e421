import torch


def log_softmax(x, dim=-1):
    return x - x.logsumexp(dim=dim, keepdim=True)
