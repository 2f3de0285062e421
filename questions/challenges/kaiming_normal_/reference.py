import math

import torch


def kaiming_normal_(tensor: torch.Tensor) -> torch.Tensor:
    fan_in = tensor[0].numel()
    std = math.sqrt(2.0 / fan_in)
    with torch.no_grad():
        tensor.normal_(0.0, std)
    return tensor
