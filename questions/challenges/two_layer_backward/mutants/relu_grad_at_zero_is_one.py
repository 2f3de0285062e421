import torch


def two_layer_backward(x, w1, b1, w2, b2, grad_out):
    z = x @ w1.T + b1
    h = torch.relu(z)
    gh = grad_out @ w2
    gz = gh * (z >= 0).to(gh.dtype)
    return gz @ w1, gz.T @ x, gz.sum(0), grad_out.T @ h, grad_out.sum(0)
