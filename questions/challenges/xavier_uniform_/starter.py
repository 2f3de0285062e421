import torch


def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    """Fill `tensor` in place with U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)); return `tensor`.

    For conv weights (out, in, *kernel) both fans include the kernel size.
    Must work on an nn.Parameter that requires grad.
    """
    raise NotImplementedError
