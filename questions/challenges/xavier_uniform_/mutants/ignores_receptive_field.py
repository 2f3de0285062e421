import math

import torch


def xavier_uniform_(tensor, gain=1.0):
    bound = gain * math.sqrt(6.0 / (tensor.shape[0] + tensor.shape[1]))
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
    return tensor
