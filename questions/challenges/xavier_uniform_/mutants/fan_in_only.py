import math

import torch


def xavier_uniform_(tensor, gain=1.0):
    fan_in = tensor[0].numel()
    bound = gain * math.sqrt(3.0 / fan_in)
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
    return tensor
