import math

import torch


def kaiming_normal_(tensor):
    fan_out = tensor.shape[0] * tensor[0][0].numel()
    with torch.no_grad():
        tensor.normal_(0.0, math.sqrt(2.0 / fan_out))
    return tensor
