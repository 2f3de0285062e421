import torch
import torch.nn.functional as F  # noqa: F401 - F.pad and F.unfold are allowed; F.conv2d is not


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int = 1,
    padding: int = 0,
) -> torch.Tensor:
    """2-D cross-correlation, as nn.Conv2d computes it.

    x: (N, C_in, H, W); weight: (C_out, C_in, kH, kW); bias: (C_out,) or None.
    stride, padding: ints applied to both spatial dims (zero padding).
    Returns (N, C_out, H_out, W_out) with H_out = (H + 2*padding - kH) // stride + 1.
    """
    raise NotImplementedError
