import torch


def log_softmax(x, dim=-1):
    m = x.amax(dim=-1, keepdim=True)
    return (x - m) - (x - m).exp().sum(dim=-1, keepdim=True).log()
