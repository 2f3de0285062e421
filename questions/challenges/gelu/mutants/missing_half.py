import math

import torch


def gelu(x):
    return x * (1.0 + torch.erf(x / math.sqrt(2.0)))
