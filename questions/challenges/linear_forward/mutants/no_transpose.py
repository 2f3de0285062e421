import torch


def linear_forward(x, weight, bias=None):
    # treats weight as (in, out)
    y = x @ weight.reshape(weight.shape[1], weight.shape[0])
    if bias is not None:
        y = y + bias
    return y
