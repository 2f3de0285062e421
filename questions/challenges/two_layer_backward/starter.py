import torch


def two_layer_backward(x, w1, b1, w2, b2, grad_out):
    """Gradients of y = relu(x @ w1.T + b1) @ w2.T + b2.

    x: (N, in); w1: (hidden, in); b1: (hidden,); w2: (out, hidden); b2: (out,); grad_out: dL/dy, (N, out).
    Returns (gx, gw1, gb1, gw2, gb2), each shaped like its input. ReLU'(0) = 0.
    """
    raise NotImplementedError
