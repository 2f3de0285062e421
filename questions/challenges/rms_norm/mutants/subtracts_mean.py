import torch


def rms_norm(x, weight, eps=1e-6):
    # this is LayerNorm without bias, not RMSNorm
    x = x - x.mean(dim=-1, keepdim=True)
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * weight
