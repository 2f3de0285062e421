import torch


def linear_forward(x, weight, bias=None):
    if x.dim() == 1:
        x.unsqueeze_(0)
        squeeze = True
    else:
        squeeze = False
    y = x @ weight.T
    if bias is not None:
        y += bias
    return y.squeeze(0) if squeeze else y
