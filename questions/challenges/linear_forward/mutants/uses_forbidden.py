import torch.nn.functional as F


def linear_forward(x, weight, bias=None):
    return F.linear(x, weight, bias)
