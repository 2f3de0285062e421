import math

import torch


def xavier_uniform_(tensor, gain=1.0):
    # Xavier *normal*: right variance, wrong distribution.
    receptive = tensor[0][0].numel()
    std = gain * math.sqrt(2.0 / (tensor.shape[0] * receptive + tensor.shape[1] * receptive))
    with torch.no_grad():
        tensor.normal_(0.0, std)
    return tensor
