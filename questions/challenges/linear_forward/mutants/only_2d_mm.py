# expected verdict: runtime_error (torch.mm handles 2-D input only: 1-D and 3-D x fail)
import torch


def linear_forward(x, weight, bias=None):
    y = torch.mm(x, weight.t())
    if bias is not None:
        y = y + bias
    return y
