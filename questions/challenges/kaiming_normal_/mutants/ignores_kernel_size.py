import math

import torch


def kaiming_normal_(tensor):
    fan_in = tensor.shape[1]
    with torch.no_grad():
        tensor.normal_(0.0, math.sqrt(2.0 / fan_in))
    return tensor
