import torch


def log_softmax(x, dim=-1):
    m = x.amax(dim=dim)
    s = (x - m).exp().sum(dim=dim).log()
    return x - m - s
