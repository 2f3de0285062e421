from torch import nn


def grad_norms(model: nn.Module) -> dict[str, float]:
    """{parameter name: L2 norm of its .grad}, skipping parameters whose .grad is None."""
    raise NotImplementedError
