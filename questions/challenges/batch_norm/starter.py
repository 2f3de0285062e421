import torch


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor,
    running_var: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor,
    training: bool,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """F.batch_norm for x of shape (N, C), (N, C, L) or (N, C, H, W); per-channel statistics.

    training=True: normalize with batch statistics (biased variance) and update running_mean /
    running_var in place (running_var with the unbiased variance).
    training=False: normalize with the running statistics, leaving them unchanged.
    """
    raise NotImplementedError
