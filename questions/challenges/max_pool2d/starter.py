import torch


def max_pool2d(x: torch.Tensor, kernel_size: int, stride: int | None = None) -> torch.Tensor:
    """2-D max pooling, as F.max_pool2d with no padding and floor mode.

    x: (N, C, H, W). kernel_size: int (square window). stride: int, or None for stride = kernel_size.
    Returns (N, C, H_out, W_out) with H_out = (H - kernel_size) // stride + 1.
    """
    raise NotImplementedError
