import torch


def rms_norm(x, weight, eps=1e-6):
    # sum instead of mean: off by a factor sqrt(D)
    return x * torch.rsqrt(x.pow(2).sum(dim=-1, keepdim=True) + eps) * weight
