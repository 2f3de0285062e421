import math

import torch


def kaiming_normal_(tensor):
    fan_in = tensor[0].numel()
    return torch.randn_like(tensor) * math.sqrt(2.0 / fan_in)
