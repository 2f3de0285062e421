import math


def kaiming_normal_(tensor):
    fan_in = tensor[0].numel()
    tensor.normal_(0.0, math.sqrt(2.0 / fan_in))
    return tensor
