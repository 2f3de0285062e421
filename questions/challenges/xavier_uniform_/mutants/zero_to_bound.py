import math

import torch


def xavier_uniform_(tensor, gain=1.0):
    receptive = tensor[0][0].numel()
    bound = gain * math.sqrt(6.0 / (tensor.shape[0] * receptive + tensor.shape[1] * receptive))
    with torch.no_grad():
        tensor.copy_(torch.rand_like(tensor) * bound)
    return tensor
