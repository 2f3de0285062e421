from torch import nn


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of parameter elements in `model`; shared parameters count once.

    trainable_only: count only parameters with requires_grad=True.
    """
    raise NotImplementedError
