import torch


def two_layer_backward(x, w1, b1, w2, b2, grad_out):
    z = x @ w1.T + b1
    h = torch.clamp(z, min=0)
    gw2 = grad_out.T @ h
    gb2 = grad_out.sum(dim=0)
    gh = grad_out @ w2
    gz = gh * (z > 0).to(gh.dtype)
    gw1 = gz.T @ x
    gb1 = gz.sum(dim=0)
    gx = gz @ w1
    return gx, gw1, gb1, gw2, gb2
