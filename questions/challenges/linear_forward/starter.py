import torch


def linear_forward(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """Return x @ weight.T + bias.

    x: (..., in_features), possibly 1-D; weight: (out_features, in_features); bias: (out_features,) or None.
    Returns (..., out_features).
    """
    raise NotImplementedError
