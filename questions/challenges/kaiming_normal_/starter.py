import torch


def kaiming_normal_(tensor: torch.Tensor) -> torch.Tensor:
    """Fill `tensor` in place with N(0, std^2), std = sqrt(2 / fan_in); return `tensor`.

    fan_in = tensor.shape[1] * (product of the remaining dims, for conv weights).
    Must work on an nn.Parameter that requires grad.
    """
    raise NotImplementedError
