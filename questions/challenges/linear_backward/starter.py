import torch


def linear_backward(x: torch.Tensor, weight: torch.Tensor, grad_out: torch.Tensor):
    """Gradients of y = x @ weight.T + b.

    x: (N, in); weight: (out, in); grad_out: dL/dy, (N, out).
    Returns (grad_x (N, in), grad_weight (out, in), grad_bias (out,)).
    """
    raise NotImplementedError
