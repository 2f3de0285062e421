import math

import torch


def kaiming_normal_(tensor):
    fan_in = tensor[0].numel()
    with torch.no_grad():
        tensor.normal_(0.0, 1.0 / math.sqrt(fan_in))
    return tensor
