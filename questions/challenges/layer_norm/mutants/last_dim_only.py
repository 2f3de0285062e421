import torch


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    # ignores normalized_shape beyond one dim
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=False, keepdim=True)
    y = (x - mean) / torch.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
