import math

import torch


def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    receptive = tensor[0][0].numel()
    fan_in = tensor.shape[1] * receptive
    fan_out = tensor.shape[0] * receptive
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
    return tensor
