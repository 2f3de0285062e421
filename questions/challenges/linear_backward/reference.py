import torch


def linear_backward(x: torch.Tensor, weight: torch.Tensor, grad_out: torch.Tensor):
    grad_x = grad_out @ weight
    grad_weight = grad_out.T @ x
    grad_bias = grad_out.sum(dim=0)
    return grad_x, grad_weight, grad_bias
